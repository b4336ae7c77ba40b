// After each fault scenario, nothing of ours stays open in this process: no socket, server, timer or pending
// rejection, whether it ended by itself, by the server, or by the run's signal.

import { readFileSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ThreadedProxy } from '../src/net/proxy-thread.js';
import { parseNetwork } from '../src/net/spec.js';
import { runDeadPeers } from '../src/scenarios/dead-peers.js';
import { runLoad } from '../src/scenarios/load.js';
import { runSlowConsumer } from '../src/scenarios/slow-consumer.js';
import { NODE, examplePath, testServers, type TestServer } from './helpers/test-server.js';

function counts(): Record<string, number> {
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

/** Resources settle a tick after the last close callback. */
async function settledCounts(): Promise<Record<string, number>> {
  await sleep(500);
  return counts();
}

/** Load cycles through the network phase's proxy thread, closed afterwards as teardown does. */
async function loadThroughProxyThread(r: TestServer, signal: AbortSignal, cyclesPerClient: number): Promise<void> {
  const front = (await ThreadedProxy.inFrontOf(r.target, parseNetwork('latency=20ms,slice=64,reset-ratio=0.2')))!;
  try {
    await runLoad(
      {
        id: 'leak',
        clients: 3,
        cyclesPerClient,
        holdMs: 10,
        pauseMs: 0,
        abruptRatio: 0.3,
        resetByGate: (port) => front.proxy.takeReset(port),
      },
      front.target,
      signal,
    );
  } finally {
    await front.proxy.close();
  }
}

const { start } = testServers();

describe('fault scenarios leave nothing open', () => {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => void rejections.push(reason);
  beforeAll(() => process.on('unhandledRejection', onRejection));
  afterAll(() => process.off('unhandledRejection', onRejection));

  const cases: Array<[string, string, Record<string, string>, (r: TestServer, signal: AbortSignal) => Promise<unknown>, number | null]> = [
    [
      'dead peers, all reaped',
      'heartbeat/heartbeat.js',
      { HEARTBEAT_MS: '300' },
      (r, s) => runDeadPeers({ clients: 3, timeoutMs: 3000 }, r.target, s),
      null,
    ],
    ['dead peers, timed out', 'heartbeat/no-heartbeat.js', {}, (r, s) => runDeadPeers({ clients: 3, timeoutMs: 500 }, r.target, s), null],
    ['dead peers, cancelled', 'heartbeat/no-heartbeat.js', {}, (r, s) => runDeadPeers({ clients: 3, timeoutMs: 60_000 }, r.target, s), 300],
    [
      'slow consumer, server closed it',
      'backpressure/bounded.js',
      { SLOW_CLIENT_TIMEOUT_MS: '500' },
      (r, s) =>
        runSlowConsumer(
          { durationMs: 5000, maxBytes: 64 << 20, messageBytes: 65536, subscribeMessage: null, readMemory: r.rss },
          r.target,
          s,
        ),
      null,
    ],
    [
      'slow consumer, cancelled',
      'backpressure/unbounded.js',
      {},
      (r, s) =>
        runSlowConsumer(
          { durationMs: 60_000, maxBytes: 1 << 30, messageBytes: 65536, subscribeMessage: null, readMemory: r.rss },
          r.target,
          s,
        ),
      700,
    ],
    ['network proxy thread, load done', 'echo-server.js', {}, (r, s) => loadThroughProxyThread(r, s, 5), null],
    ['network proxy thread, cancelled', 'echo-server.js', {}, (r, s) => loadThroughProxyThread(r, s, 1000), 300],
  ];

  it.each(cases)('%s', async (_name, example, env, run, abortAfterMs) => {
    const running = await start(`${NODE} ${examplePath(example)}`, { env });
    const before = await settledCounts();
    const controller = new AbortController();
    const timer = abortAfterMs === null ? null : setTimeout(() => controller.abort(), abortAfterMs);
    await run(running, controller.signal);
    if (timer) clearTimeout(timer);
    const after = await settledCounts();
    const added = Object.entries(after).filter(([kind, n]) => n > (before[kind] ?? 0));
    expect(added, `before: ${JSON.stringify(before)}, after: ${JSON.stringify(after)}`).toEqual([]);
    expect(rejections).toEqual([]);
  });
});
