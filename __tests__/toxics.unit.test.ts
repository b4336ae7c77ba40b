// The toxics' pure parts, and their stages driven with short real timers: order kept, delays applied, FIN last.

import { describe, expect, it } from 'vitest';
import { bandwidth, bandwidthSliceBytes, transmitMs } from '../src/net/toxics/bandwidth.js';
import { BlackholeStage } from '../src/net/toxics/blackhole.js';
import { DelayQueue } from '../src/net/toxics/delay-queue.js';
import { latency, latencyDelay } from '../src/net/toxics/latency.js';
import { cutOffset, reset, resetPlan } from '../src/net/toxics/reset.js';
import { sliceChunk, slicer } from '../src/net/toxics/slicer.js';
import { slowClose } from '../src/net/toxics/slow-close.js';
import type { Sink, ToxicContext } from '../src/net/toxics/toxic.js';

/** A sink that records what reached it and when. */
function recorder(): Sink & { got: Array<{ at: number; chunk: string | 'FIN' }>; ended: Promise<void> } {
  const start = performance.now();
  let onEnd!: () => void;
  const ended = new Promise<void>((resolve) => (onEnd = resolve));
  const got: Array<{ at: number; chunk: string | 'FIN' }> = [];
  return {
    got,
    ended,
    write: (chunk) => got.push({ at: performance.now() - start, chunk: chunk.toString() }),
    end: () => {
      got.push({ at: performance.now() - start, chunk: 'FIN' });
      onEnd();
    },
  };
}

/** Dice that return the given draws in turn (then 0.5). */
function dice(...draws: number[]): () => number {
  return () => draws.shift() ?? 0.5;
}

const context = (random: () => number, resets: string[] = []): ToxicContext => ({
  direction: 'upstream',
  random,
  reset: (reason) => resets.push(reason),
});

describe('latency', () => {
  it('draws each delay within latency ± jitter, never below 0', () => {
    expect(latencyDelay({ latencyMs: 100, jitterMs: 20 }, 0)).toBe(80);
    expect(latencyDelay({ latencyMs: 100, jitterMs: 20 }, 0.5)).toBe(100);
    expect(latencyDelay({ latencyMs: 100, jitterMs: 20 }, 0.999)).toBeCloseTo(119.96, 5);
    expect(latencyDelay({ latencyMs: 5, jitterMs: 5 }, 0)).toBe(0);
  });

  it('keeps the order when a later chunk draws a shorter delay, and sends the FIN after the last byte', async () => {
    const sink = recorder();
    // 40 ms for "a", 0 ms for "b" (jitter), 20 ms for the FIN.
    const stage = latency.create({ latencyMs: 20, jitterMs: 20 }, sink, context(dice(1 - 1e-9, 0, 0.5)));
    stage.write(Buffer.from('a'));
    stage.write(Buffer.from('b'));
    stage.end();
    await sink.ended;
    expect(sink.got.map((g) => g.chunk)).toEqual(['a', 'b', 'FIN']);
    expect(sink.got[0]!.at).toBeGreaterThanOrEqual(35);
    expect(sink.got[1]!.at).toBeGreaterThanOrEqual(sink.got[0]!.at);
  });
});

describe('bandwidth', () => {
  it('sends slices of a tenth of a second, each after the previous had its time on the wire', async () => {
    expect(bandwidthSliceBytes(64 * 1024)).toBe(6553);
    expect(bandwidthSliceBytes(5)).toBe(1);
    expect(transmitMs(500, 10_000)).toBe(50);
    const sink = recorder();
    const stage = bandwidth.create({ bytesPerSecond: 10_000 }, sink, context(Math.random));
    stage.write(Buffer.alloc(2000, 'z'));
    stage.end();
    await sink.ended;
    // 2,000 bytes at 10,000 B/s: 2 slices of 1,000, the last one leaves after 200 ms.
    expect(sink.got.map((g) => (g.chunk === 'FIN' ? 'FIN' : g.chunk.length))).toEqual([1000, 1000, 'FIN']);
    expect(sink.got[1]!.at).toBeGreaterThanOrEqual(190);
  });
});

describe('slicer', () => {
  it('cuts a chunk into segments of N bytes, the last one shorter', () => {
    expect(sliceChunk(Buffer.from('abcdefg'), 3).map(String)).toEqual(['abc', 'def', 'g']);
    expect(sliceChunk(Buffer.from('ab'), 64).map(String)).toEqual(['ab']);
  });

  it('sends the segments apart, in order', async () => {
    const sink = recorder();
    const stage = slicer.create({ sliceBytes: 2, delayMs: 5 }, sink, context(Math.random));
    stage.write(Buffer.from('abcde'));
    stage.end();
    await sink.ended;
    expect(sink.got.map((g) => g.chunk)).toEqual(['ab', 'cd', 'e', 'FIN']);
    // Two gaps of 5 ms (a timer may fire a millisecond early): apart, not merged.
    expect(sink.got[2]!.at - sink.got[0]!.at).toBeGreaterThanOrEqual(5);
  });

  it('keeps the segments apart when the event loop was busy past their due times', async () => {
    const sink = recorder();
    const stage = slicer.create({ sliceBytes: 1, delayMs: 5 }, sink, context(Math.random));
    stage.write(Buffer.from('abcd'));
    stage.end();
    const busyUntil = performance.now() + 40;
    while (performance.now() < busyUntil);
    await sink.ended;
    const at = sink.got.filter((g) => g.chunk !== 'FIN').map((g) => g.at);
    expect(at).toHaveLength(4);
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(3);
  });
});

describe('reset', () => {
  it('dooms a connection when the first draw is under the ratio, mid-handshake or mid-message by the second', () => {
    expect(resetPlan(0.2, [0.25, 0, 0])).toBeNull();
    expect(resetPlan(0.2, [0.1, 0.3, 0.7])).toEqual({ at: 'handshake', fraction: 0.7 });
    expect(resetPlan(0.2, [0.1, 0.6, 0.7])).toEqual({ at: 'message', fraction: 0.7 });
    expect(resetPlan(0, [0, 0, 0])).toBeNull();
  });

  it('cuts strictly inside a chunk', () => {
    expect(cutOffset(100, 0)).toBe(1);
    expect(cutOffset(100, 0.999)).toBe(99);
    expect(cutOffset(1, 0.5)).toBe(0);
  });

  it('mid-handshake: forwards part of the first write, then resets', () => {
    const sink = recorder();
    const resets: string[] = [];
    const stage = reset.create({ ratio: 0.2 }, sink, context(dice(0.1, 0.2, 0.5), resets));
    stage.write(Buffer.from('GET / HTTP/1.1'));
    stage.write(Buffer.from('more'));
    expect(sink.got.map((g) => g.chunk)).toEqual(['GET / H']);
    expect(resets).toEqual(['reset toxic: mid-handshake after 7 of 14 bytes']);
  });

  it('mid-message: lets the first write through whole, cuts the second', () => {
    const sink = recorder();
    const resets: string[] = [];
    const stage = reset.create({ ratio: 0.2 }, sink, context(dice(0.1, 0.9, 0), resets));
    stage.write(Buffer.from('upgrade'));
    stage.write(Buffer.from('frame'));
    expect(sink.got.map((g) => g.chunk)).toEqual(['upgrade', 'f']);
    expect(resets).toEqual(['reset toxic: mid-message after 1 of 5 bytes']);
  });

  it('a spared connection passes everything and its FIN', () => {
    const sink = recorder();
    const stage = reset.create({ ratio: 0.2 }, sink, context(dice(0.9)));
    stage.write(Buffer.from('a'));
    stage.write(Buffer.from('b'));
    stage.end();
    expect(sink.got.map((g) => g.chunk)).toEqual(['a', 'b', 'FIN']);
  });
});

describe('blackhole', () => {
  it('passes bytes until it swallows, then drops bytes and the FIN', () => {
    const sink = recorder();
    const stage = new BlackholeStage(sink, null);
    const seen: string[] = [];
    stage.onSwallow = (chunk) => seen.push(String(chunk));
    stage.write(Buffer.from('before'));
    stage.swallow();
    stage.write(Buffer.from('after'));
    stage.end();
    expect(sink.got.map((g) => g.chunk)).toEqual(['before']);
    expect(stage.dropped).toBe(5);
    expect(seen).toEqual(['after']);
  });

  it('goes silent by itself after afterMs', async () => {
    const sink = recorder();
    const stage = new BlackholeStage(sink, 20);
    stage.write(Buffer.from('early'));
    await new Promise((resolve) => setTimeout(resolve, 60));
    stage.write(Buffer.from('late'));
    stage.destroy();
    expect(sink.got.map((g) => g.chunk)).toEqual(['early']);
    expect(stage.isSwallowing).toBe(true);
  });
});

describe('slow-close', () => {
  it('passes bytes at once and the FIN after the delay', async () => {
    const sink = recorder();
    const stage = slowClose.create({ delayMs: 30 }, sink, context(Math.random));
    stage.write(Buffer.from('a'));
    expect(sink.got.map((g) => g.chunk)).toEqual(['a']);
    stage.end();
    await sink.ended;
    expect(sink.got[1]!.at).toBeGreaterThanOrEqual(25);
  });
});

describe('DelayQueue', () => {
  it('destroy() drops what it holds and fires nothing later', async () => {
    const sink = recorder();
    const queue = new DelayQueue(sink);
    queue.push(Buffer.from('x'), 10);
    expect(queue.heldBytes).toBe(1);
    queue.destroy();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(sink.got).toEqual([]);
  });
});
