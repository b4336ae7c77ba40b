// What this test process holds open (sockets, timers, child processes, worker threads), counted by kind, to show
// that a run or a scenario added nothing that outlives it.

import { readFileSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect } from 'vitest';

/** Resources settle a tick after the last close callback; the test runner's own short timers within a second. */
const SETTLE_MS = 1000;

/** This process's active resources by kind, and (Linux) its worker threads. */
export function resourceCounts(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) out[kind] = (out[kind] ?? 0) + 1;
  // A worker thread's own sockets and timers are not this thread's resources: the thread itself is counted (Node
  // names its OS thread WorkerThread; libuv's pool threads, started lazily, are not ours to count).
  if (process.platform === 'linux') {
    const comm = (task: string): string => readFileSync(`/proc/self/task/${task}/comm`, 'utf8').trim();
    out.WorkerThread = readdirSync('/proc/self/task').filter((task) => comm(task) === 'WorkerThread').length;
  }
  return out;
}

/** The counts once what just closed has settled. */
export async function settledResourceCounts(settleMs = SETTLE_MS): Promise<Record<string, number>> {
  await sleep(settleMs);
  return resourceCounts();
}

/** Nothing was added between the two counts; kinds may shrink (the runner's own timers come and go). */
export function expectNothingAdded(before: Record<string, number>, after: Record<string, number>): void {
  const added = Object.entries(after).filter(([kind, n]) => n > (before[kind] ?? 0));
  expect(added, `before: ${JSON.stringify(before)}, after: ${JSON.stringify(after)}`).toEqual([]);
}

/** Registers hooks in the calling describe that collect every promise rejection nobody handled while its tests run. */
export function unhandledRejectionsCollected(): unknown[] {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => void rejections.push(reason);
  beforeAll(() => void process.on('unhandledRejection', onRejection));
  afterAll(() => void process.off('unhandledRejection', onRejection));
  return rejections;
}
