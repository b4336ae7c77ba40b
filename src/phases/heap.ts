// Heap evidence across the phases: snapshots of a launched Node server at the boundaries where no client is
// connected (after warm-up, between leak rounds, after cooldown), and the evidence read from them at the end.

import { setTimeout as sleep } from 'node:timers/promises';
import { diffHeap, HEAP_DIFF_DEFAULTS } from '../analysis/heap-diff.js';
import { heapEvidenceWithout, type HeapEvidence } from '../model/heap.js';
import { HeapSnapshotter, findSnapshotTarget } from '../probe/heap-snapshot.js';
import { readSignals } from '../probe/proc-signals.js';
import { portOf } from '../server/endpoint.js';
import type { RunContext } from './context.js';

/**
 * Node's own bounded pools, which grow with the connections open at once, not with the connections made: the HTTP
 * server keeps up to 1,000 parsers of finished upgrades in a free list (50 concurrent clients left +47).
 */
const NODE_POOLS = ['HTTPParser'];

/** How long a snapshot waits for the connections of the rounds before it to be closed on the server's side. */
const QUIET_MS = 2000;

/**
 * Before launch: a private directory and the NODE_OPTIONS that make the server write a snapshot on SIGUSR2.
 * Returns the environment to launch with (the user's NODE_OPTIONS kept first).
 */
export async function prepareHeap(run: RunContext, env: Record<string, string>): Promise<Record<string, string>> {
  const { heap } = run.config;
  if (!heap.enabled || run.config.server.command === null) return env;
  const snapshotter = await HeapSnapshotter.create({ keepDir: heap.keepDir, maxRssBytes: heap.maxRssBytes });
  run.heap = { snapshotter, pid: null, snapshots: [], stopped: 'the server has not started' };
  if (heap.keepDir) {
    run.progress(`⚠ heap snapshots are kept in ${snapshotter.dir}: they hold the server's memory (tokens, user data); never upload them`);
  }
  return { ...env, NODE_OPTIONS: snapshotter.nodeOptions(env.NODE_OPTIONS ?? process.env.NODE_OPTIONS) };
}

/** After readiness: the Node process that owns the port is the one to signal; anything else means no evidence. */
export async function findHeapTarget(run: RunContext): Promise<void> {
  const heap = run.heap;
  if (!heap || !run.server) return;
  const found = await findSnapshotTarget(await run.server.tree(), portOf(run.serverInfo.url), heap.snapshotter.dir);
  heap.pid = found.pid;
  heap.stopped = found.pid === null ? found.reason : null;
}

/** Takes one snapshot once the server holds no client connection; a failure ends heap evidence, not the run. */
export async function heapSnapshot(run: RunContext, label: string, connections: number): Promise<void> {
  const heap = run.heap;
  if (!heap || heap.pid === null || heap.stopped !== null || run.stopped) return;
  await untilQuiet(run);
  const before = await run.sampler?.sampleOnce();
  try {
    const data = await heap.snapshotter.take(heap.pid, label, { connections, timeoutMs: run.config.heap.timeoutMs, signal: run.signal });
    heap.snapshots.push(data);
    // Writing a snapshot makes the server allocate, and it keeps that RSS: measured here, left out of growth.
    const after = await run.sampler?.sampleOnce();
    if (before && after)
      run.probeWindows.push({ fromMs: before.tMs, toMs: after.tMs, bytes: Math.max(0, after.rssBytes - before.rssBytes) });
  } catch (err) {
    if (run.stopped) return;
    heap.stopped = (err as Error).message;
    run.progress(`⚠ heap evidence stopped: ${heap.stopped}; the memory verdict falls back to RSS`);
  }
}

/** The evidence from the snapshots taken, retainer paths attached; the snapshots' directory removed. Every path. */
export async function finishHeap(run: RunContext): Promise<HeapEvidence> {
  const limit = run.config.limits.maxRetainedPerConnection.value;
  const heap = run.heap;
  if (!run.config.heap.enabled) return heapEvidenceWithout('off', 'heap-snapshots is off', limit);
  if (!heap) {
    const why =
      run.config.server.command === null
        ? 'attach mode: the gate did not start the server (start it with the flags in docs/leak-judging.md for heap evidence)'
        : 'the server never started';
    return heapEvidenceWithout('n/a', why, limit);
  }
  try {
    if (heap.pid === null) return heapEvidenceWithout('n/a', heap.stopped ?? 'no Node process owns the port', limit);
    const ignore = [...NODE_POOLS, ...run.config.heap.ignore];
    // The snapshots end after cooldown: only the leak scenario's clients were open at once before then.
    const maxConcurrent = run.config.scenarios.includes('leak') ? run.config.leak.clients : 1;
    const options = { maxRetainedPerConnection: limit, minInstances: HEAP_DIFF_DEFAULTS.minInstances, ignore, maxConcurrent };
    const evidence = heap.snapshotter.attachRetainerPaths(diffHeap(heap.snapshots, options));
    if (heap.stopped !== null && evidence.status !== 'measured') return { ...evidence, status: 'skipped', reason: heap.stopped };
    return heap.stopped === null ? evidence : { ...evidence, notes: [...evidence.notes, `stopped early: ${heap.stopped}`] };
  } finally {
    await heap.snapshotter.dispose();
  }
}

/** Waits (bounded) until no connection on the server's port is ESTABLISHED or CLOSE_WAIT: a snapshot counts them. */
async function untilQuiet(run: RunContext): Promise<void> {
  const server = run.server;
  if (!server) return;
  const port = portOf(run.serverInfo.url);
  const deadline = performance.now() + QUIET_MS;
  while (performance.now() < deadline && !run.stopped) {
    const { lingeringConnections } = await readSignals(await server.tree(), port);
    if (!lingeringConnections) return;
    await sleep(25);
  }
}
