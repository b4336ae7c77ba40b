// Slow consumer: one client that stops reading (the proxy stops taking the server's bytes, so TCP windows fill)
// while the server keeps writing to it: echoes of what the client sends, or pushes after a subscribe-message.
// Measures what that costs the server's memory, and whether it closed or stopped reading the client.

import { setTimeout as sleep } from 'node:timers/promises';
import type WebSocket from 'ws';
import { closeConnection, openConnection, type Target } from '../client/connection.js';
import type { SlowConsumerResult } from '../model/faults.js';
import { FaultProxy } from '../net/proxy.js';
import { proxiedTarget, upstreamOf } from '../net/target.js';

export interface SlowConsumerSpec {
  /** Longest time the client does not read. */
  durationMs: number;
  /** The client stops sending after this many bytes (echo mode); the phase then settles and ends. */
  maxBytes: number;
  /** Size of each message the client sends (echo mode). */
  messageBytes: number;
  /** null: echo mode. Otherwise sent once, after which the server is expected to push. */
  subscribeMessage: string | null;
  /** Bytes of the server tree's RSS now; null when not measurable. Given by the integrator (the sampler's reading). */
  readMemory: () => Promise<number | null>;
  /** How often memory is read during the phase. */
  sampleMs?: number;
  /** After the phase: how long the proxy drains (and drops) what the server still had queued for the client. */
  drainMs?: number;
}

/** How long the phase goes on after the last byte was sent, for the server to buffer what it was given. */
const SETTLE_MS = 1000;
/** Bytes the client keeps queued locally before it waits: enough to keep the pipe full, little of our own memory. */
const CLIENT_QUEUE_BYTES = 256 * 1024;
/** The client's sends stuck this long while the proxy cannot write to the server: the server stopped reading. */
const STALL_MS = 1000;

/** A text message of `bytes` bytes (text: every echo server answers text; some refuse binary). */
export function messageOf(bytes: number): string {
  return 'x'.repeat(Math.max(1, bytes));
}

/** Peak growth over a baseline from memory readings; null when either side is missing. */
export function memoryGrowth(
  before: number | null,
  readings: ReadonlyArray<number | null>,
): { peak: number | null; growth: number | null } {
  const known = readings.filter((r): r is number => r !== null);
  const peak = known.length > 0 ? Math.max(...known) : null;
  return { peak, growth: before === null || peak === null ? null : Math.max(0, peak - before) };
}

/**
 * Runs the phase through a proxy of its own and returns what it measured. Ends after `durationMs`, after
 * `maxBytes` were sent and the server had a second to take them, when the server closes the client, or when
 * `signal` aborts; always closes its client and its proxy.
 */
export async function runSlowConsumer(spec: SlowConsumerSpec, target: Target, signal: AbortSignal): Promise<SlowConsumerResult> {
  const start = performance.now();
  const result: SlowConsumerResult = {
    id: 'slow-consumer',
    enabled: true,
    mode: spec.subscribeMessage === null ? 'echo' : 'subscribe',
    connected: false,
    messagesSent: 0,
    bytesSent: 0,
    serverBytesWhilePaused: 0,
    serverBytesAfter: 0,
    memoryBeforeBytes: null,
    memoryPeakBytes: null,
    memoryGrowthBytes: null,
    serverClosed: false,
    serverPausedReading: false,
    endedBy: 'duration',
    durationMs: 0,
  };
  const proxy = await FaultProxy.start({ upstream: upstreamOf(target) });
  let ws: WebSocket | null = null;
  const readings: Array<number | null> = [];
  let sampler: NodeJS.Timeout | null = null;
  try {
    const id = proxy.accepted + 1;
    const open = await openConnection(proxiedTarget(target, proxy), signal);
    const pair = open.ok ? proxy.pair(id) : undefined;
    if (!open.ok || !pair) {
      result.connectFailure = open.ok ? 'dropped' : open.failure;
      result.endedBy = signal.aborted ? 'aborted' : 'connect-failed';
      if (open.ok) ws = open.ws;
      return result;
    }
    ws = open.ws;
    result.connected = true;
    // Not reading from here on: the server's bytes stay in its own buffers and the kernel's.
    proxy.pause(pair, 'downstream');
    result.memoryBeforeBytes = await spec.readMemory();
    let reading = false;
    sampler = setInterval(function sampleMemory() {
      if (reading) return;
      reading = true;
      void spec.readMemory().then(
        (bytes) => {
          readings.push(bytes);
          reading = false;
        },
        () => {
          reading = false;
        },
      );
    }, spec.sampleMs ?? 250);

    const client = ws;
    let clientClosed = false;
    client.once('close', function onClientClose() {
      clientClosed = true;
    });
    const serverClosed = (): boolean => clientClosed || pair.upstreamClosedAt !== null;
    const deadline = start + spec.durationMs;
    const message = messageOf(spec.messageBytes);
    let allSentAt: number | null = null;
    let stalledSince: number | null = null;
    if (spec.subscribeMessage !== null) {
      client.send(spec.subscribeMessage);
      result.messagesSent = 1;
      result.bytesSent = Buffer.byteLength(spec.subscribeMessage);
    }
    for (let turn = 0; ; turn++) {
      const t = performance.now();
      if (signal.aborted) {
        result.endedBy = 'aborted';
        break;
      }
      if (serverClosed()) {
        result.endedBy = 'server-closed';
        break;
      }
      if (t >= deadline) break;
      if (allSentAt !== null && t >= allSentAt + SETTLE_MS) {
        result.endedBy = 'bytes';
        break;
      }
      if (result.mode === 'subscribe' || allSentAt !== null) {
        await sleep(20);
        continue;
      }
      if (client.bufferedAmount >= CLIENT_QUEUE_BYTES) {
        // Our queue is full: the proxy stopped taking our bytes because the server stopped reading them.
        if (pair.up.backedUp) {
          stalledSince ??= t;
          if (t - stalledSince >= STALL_MS) result.serverPausedReading = true;
        } else stalledSince = null;
        await sleep(10);
        continue;
      }
      stalledSince = null;
      client.send(message);
      result.messagesSent += 1;
      result.bytesSent += message.length;
      if (result.bytesSent >= spec.maxBytes) allSentAt = performance.now();
      // Let the sockets, the sampler and the signal have their turn.
      if (turn % 16 === 15) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    clearInterval(sampler);
    sampler = null;
    const last = await spec.readMemory();
    readings.push(last);
    result.serverBytesWhilePaused = pair.down.bytesIn;
    // Take and drop what the server still holds for the client: a FIN behind it tells whether it let the client go.
    proxy.blackhole(pair, 'downstream');
    proxy.resume(pair, 'downstream');
    if (!signal.aborted && pair.upstreamClosedAt === null) await drain(pair.upstreamClosed, spec.drainMs ?? 2000, signal);
    result.serverBytesAfter = pair.down.bytesIn - result.serverBytesWhilePaused;
    result.serverClosed = serverClosed();
  } finally {
    if (sampler) clearInterval(sampler);
    if (ws) await closeConnection(ws, 'abrupt', target.closeTimeoutMs);
    await proxy.close();
    const { peak, growth } = memoryGrowth(result.memoryBeforeBytes, readings);
    result.memoryPeakBytes = peak;
    result.memoryGrowthBytes = growth;
    result.durationMs = Math.round(performance.now() - start);
  }
  return result;
}

/** Waits for `closed`, `ms` or the signal, whichever is first; clears its timer either way. */
async function drain(closed: Promise<unknown>, ms: number, signal: AbortSignal): Promise<void> {
  const done = new AbortController();
  try {
    await Promise.race([closed, sleep(ms, undefined, { signal: AbortSignal.any([signal, done.signal]) })]);
  } catch {
    // Aborted: the caller reports what it has.
  } finally {
    done.abort();
  }
}
