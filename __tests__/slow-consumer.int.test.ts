// Slow consumer against real servers: a client that stops reading while it sends messages the server echoes.
// A server that ignores bufferedAmount buffers everything (its RSS, read from /proc, grows by about what was sent);
// one that stops reading a client past a limit stays flat and pushes back on the sender.

import { describe, expect, it } from 'vitest';
import { slowConsumerMemoryCheck } from '../src/analysis/checks-faults.js';
import { parseConfig } from '../src/config/parse.js';
import { runSlowConsumer, type SlowConsumerSpec } from '../src/scenarios/slow-consumer.js';
import { NODE, examplePath, fixturePath, testServers, type TestServer } from './helpers/test-server.js';

const PUSH_SERVER = `${NODE} ${fixturePath('push-server.js')}`;

// The limit a run gets when max-slow-consumer-growth-mb is not set.
const { value: defaultMb, explicit } = parseConfig({ url: 'ws://127.0.0.1:1/' }).limits.maxSlowConsumerGrowthMb;
const DEFAULT_LIMIT = { value: defaultMb!, explicit };

const { start } = testServers();

const MB = 1024 * 1024;
const spec = (server: TestServer): SlowConsumerSpec => ({
  durationMs: 15_000,
  maxBytes: 96 * MB,
  messageBytes: 64 * 1024,
  subscribeMessage: null,
  readMemory: server.rss,
});

describe('slow consumer', () => {
  it('an echo server that ignores bufferedAmount grows by about what the client sent', async () => {
    const running = await start(`${NODE} ${examplePath('backpressure/unbounded.js')}`);
    const result = await runSlowConsumer(spec(running), running.target, new AbortController().signal);
    console.log(`unbounded: ${JSON.stringify({ ...result, growthMb: (result.memoryGrowthBytes ?? 0) / MB })}`);
    expect(result).toMatchObject({ connected: true, mode: 'echo', endedBy: 'bytes', serverClosed: false, serverPausedReading: false });
    expect(result.bytesSent).toBeGreaterThanOrEqual(96 * MB);
    // Every answer was queued in the server: most of 96 MB of RSS (Node keeps each queued answer as a string).
    expect(result.memoryGrowthBytes!).toBeGreaterThan(60 * MB);
    // What the server had queued reached the proxy once it read again.
    expect(result.serverBytesWhilePaused + result.serverBytesAfter).toBeGreaterThan(60 * MB);
    const check = slowConsumerMemoryCheck(result, DEFAULT_LIMIT);
    expect(check.outcome).toBe('fail');
    expect(check.detail).toMatch(/bufferedAmount/);
  });

  it('an echo server that stops reading a client past 1 MiB queued stays flat and pushes back', async () => {
    const running = await start(`${NODE} ${examplePath('backpressure/bounded.js')}`);
    const result = await runSlowConsumer({ ...spec(running), durationMs: 5000 }, running.target, new AbortController().signal);
    console.log(`bounded: ${JSON.stringify({ ...result, growthMb: (result.memoryGrowthBytes ?? 0) / MB })}`);
    expect(result).toMatchObject({ connected: true, endedBy: 'duration', serverPausedReading: true, serverClosed: false });
    // It took its limit and what the TCP buffers between it and the client hold (22–32 MB measured here), far
    // from the 96 MB offered: it pushed back.
    expect(result.bytesSent).toBeLessThan(64 * MB);
    // Measured: ~16 MB (the kernel's socket buffers let it take ~20 MB before it pushes back), against 120+ MB above.
    expect(result.memoryGrowthBytes!).toBeLessThan(45 * MB);
    expect(slowConsumerMemoryCheck(result, DEFAULT_LIMIT).outcome).toBe('pass');
  });

  it('an echo server that drops a client stuck past SLOW_CLIENT_TIMEOUT_MS closes it', async () => {
    const running = await start(`${NODE} ${examplePath('backpressure/bounded.js')}`, { env: { SLOW_CLIENT_TIMEOUT_MS: '1000' } });
    const started = performance.now();
    const result = await runSlowConsumer(spec(running), running.target, new AbortController().signal);
    console.log(`bounded, drops after 1 s: ${JSON.stringify(result)}`);
    expect(result.serverClosed).toBe(true);
    expect(result.endedBy).toBe('server-closed');
    expect(performance.now() - started).toBeLessThan(15_000);
    await expect.poll(() => running.lingering(), { timeout: 5000 }).toBe(0);
  });

  it('subscribe mode: a server that pushes regardless grows; one that skips pushes past 1 MiB queued does not', async () => {
    const run = async (env: Record<string, string>) => {
      const running = await start(PUSH_SERVER, { env });
      const result = await runSlowConsumer(
        { ...spec(running), durationMs: 4000, subscribeMessage: 'subscribe' },
        running.target,
        new AbortController().signal,
      );
      await running.stop();
      return result;
    };
    const unbounded = await run({});
    const bounded = await run({ BOUNDED: '1' });
    console.log(`push: unbounded +${(unbounded.memoryGrowthBytes ?? 0) / MB} MB, bounded +${(bounded.memoryGrowthBytes ?? 0) / MB} MB`);
    for (const r of [unbounded, bounded])
      expect(r).toMatchObject({ mode: 'subscribe', messagesSent: 1, endedBy: 'duration', serverClosed: false });
    expect(unbounded.memoryGrowthBytes!).toBeGreaterThan(60 * MB);
    expect(bounded.memoryGrowthBytes!).toBeLessThan(45 * MB);
    expect(slowConsumerMemoryCheck(unbounded, DEFAULT_LIMIT).outcome).toBe('fail');
    expect(slowConsumerMemoryCheck(bounded, DEFAULT_LIMIT).outcome).toBe('pass');
  });
});
