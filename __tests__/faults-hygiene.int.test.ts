// After each fault scenario, nothing of ours stays open in this process: no socket, server, timer or pending
// rejection, whether it ended by itself, by the server, or by the run's signal.

import { describe, expect, it } from 'vitest';
import { ThreadedProxy } from '../src/net/proxy-thread.js';
import { parseNetwork } from '../src/net/spec.js';
import { runDeadPeers } from '../src/scenarios/dead-peers.js';
import { runLoad } from '../src/scenarios/load.js';
import { runSlowConsumer } from '../src/scenarios/slow-consumer.js';
import { expectNothingAdded, settledResourceCounts, unhandledRejectionsCollected } from './helpers/resources.js';
import { NODE, examplePath, testServers, type TestServer } from './helpers/test-server.js';

/** A scenario's sockets settle within half a second of its end (no gate run, no runner timers in between). */
const SCENARIO_SETTLE_MS = 500;

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
  const rejections = unhandledRejectionsCollected();

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
    const before = await settledResourceCounts(SCENARIO_SETTLE_MS);
    const controller = new AbortController();
    const timer = abortAfterMs === null ? null : setTimeout(() => controller.abort(), abortAfterMs);
    await run(running, controller.signal);
    if (timer) clearTimeout(timer);
    expectNothingAdded(before, await settledResourceCounts(SCENARIO_SETTLE_MS));
    expect(rejections).toEqual([]);
  });
});
