// No false positives on the node clean server (one file per server, so the two series run in parallel).

import { describeCleanSeries } from './helpers/clean-servers.js';

describeCleanSeries('node');
