// Action entry: runs the action, nothing else (tests import main.ts instead).

import { run } from './main.js';

void run();
