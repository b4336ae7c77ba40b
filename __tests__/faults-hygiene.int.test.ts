// After each fault scenario, nothing of ours stays open in this process: no socket, server, timer or pending
// rejection, whether it ended by itself, by the server, or by the run's signal.

import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runDeadPeers } from '../src/scenarios/dead-peers.js';
import { runSlowConsumer } from '../src/scenarios/slow-consumer.js';
import { EXAMPLE, startServer, type RunningServer } from './helpers/fault-servers.js';

function counts(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) out[kind] = (out[kind] ?? 0) + 1;
  return out;
}

/** Resources settle a tick after the last close callback. */
async function settledCounts(): Promise<Record<string, number>> {
  await sleep(500);
  return counts();
}

let running: RunningServer | null = null;
afterEach(async () => {
  await running?.stop();
  running = null;
});

describe('fault scenarios leave nothing open', () => {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => void rejections.push(reason);
  beforeAll(() => process.on('unhandledRejection', onRejection));
  afterAll(() => process.off('unhandledRejection', onRejection));

  const cases: Array<[string, string, Record<string, string>, (r: RunningServer, signal: AbortSignal) => Promise<unknown>, number | null]> =
    [
      [
        'dead peers, all reaped',
        'heartbeat/heartbeat.js',
        { HEARTBEAT_MS: '300' },
        (r, s) => runDeadPeers({ clients: 3, timeoutMs: 3000 }, r.target, s),
        null,
      ],
      ['dead peers, timed out', 'heartbeat/no-heartbeat.js', {}, (r, s) => runDeadPeers({ clients: 3, timeoutMs: 500 }, r.target, s), null],
      [
        'dead peers, cancelled',
        'heartbeat/no-heartbeat.js',
        {},
        (r, s) => runDeadPeers({ clients: 3, timeoutMs: 60_000 }, r.target, s),
        300,
      ],
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
    ];

  it.each(cases)('%s', async (_name, example, env, run, abortAfterMs) => {
    running = await startServer(`node ${JSON.stringify(EXAMPLE(example))}`, env);
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
