// The phase table: the order a run goes through. A new scenario is one module and one row here.

import type { Phase } from './phase.js';
import { baseline } from './baseline.js';
import { cooldown } from './cooldown.js';
import { deadPeers } from './dead-peers.js';
import { flapping } from './flapping.js';
import { hostile } from './hostile.js';
import { leak } from './leak.js';
import { network } from './network.js';
import { recovery } from './recovery.js';
import { slowConsumer } from './slow-consumer.js';
import { startup } from './startup.js';
import { warmup } from './warmup.js';

// The fault proxy opens after the warm-up (which speaks to the server directly) and before the baseline's idle
// window. The fault scenarios and hostile run after the retained memory is read and before recovery, which then
// proves the server still serves. What a row opens, it closes through run.defer: the runner's teardown runs those.
export const PHASES: readonly Phase[] = [
  startup,
  warmup,
  network,
  baseline,
  flapping,
  leak,
  cooldown,
  deadPeers,
  slowConsumer,
  hostile,
  recovery,
];

export type { Phase } from './phase.js';
export { RunContext, StopRun, baselineWindowMs, type RunOptions } from './context.js';
