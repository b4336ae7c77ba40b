// Action entry: runs the action, nothing else (tests import main.ts, or run the bundle that starts here).

import { run } from './main.js';

void run();
