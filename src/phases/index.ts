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

/**
 * A run, top to bottom (DESIGN.md, "The flow of a run"):
 * - startup: launch or attach, wait until a handshake succeeds, start protocol detection (it listens for 500 ms
 *   alongside what follows), list the tree and start its sampler, find what the leak evidence reads;
 * - warmup: a few connections, straight to the server;
 * - network (only with network faults): the fault proxy in front of the server, for the load from here on;
 * - baseline: an idle window; detection ends in it, then the first evidence is read; its memory and exact signals
 *   are what growth is measured from;
 * - flapping, leak: the load; after each leak round a settle window reads memory (and evidence, but after the last);
 * - cooldown: an idle window with the last evidence at its end; what the server still holds is what it retained;
 * - dead-peers, slow-consumer, hostile (opt-in): after the retained memory is read, each with a proxy of its own;
 * - recovery: one connection that must still be served.
 * Then the runner's teardown closes, last opened first, what the rows deferred (run.defer): the fault proxy, the
 * sampler, the server tree, the evidence's files. A stop (crash, deadline, cancel) ends the rows early, not that.
 */
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
