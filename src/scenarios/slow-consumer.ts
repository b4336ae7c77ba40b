// Slow consumer: one client that stops reading (the proxy stops taking the server's bytes, so TCP windows fill)
// while the server keeps writing to it: echoes of what the client sends, or pushes after a subscribe-message.
// Measures what that costs the server's memory, and whether it closed or stopped reading the client.

import { setTimeout as sleep } from 'node:timers/promises';
import type WebSocket from 'ws';
import { closeConnection, openConnection, type Target } from '../client/connection.js';
import { now, since } from '../model/clock.js';
import type { SlowConsumerResult } from '../model/faults.js';
import { FaultProxy, type ProxyPair } from '../net/proxy.js';
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
/** How often the server tree's memory is read during the phase, unless the spec says. */
const SAMPLE_MS = 250;
/** After the phase, how long the proxy drains what the server still had queued, unless the spec says. */
const DRAIN_MS = 2000;
/** With nothing to send (subscribed, or every byte sent): how often the phase looks at the server and the clock. */
const IDLE_CHECK_MS = 20;
/** With the client's queue full: how long it waits before looking again (short, to notice a stall promptly). */
const QUEUE_FULL_WAIT_MS = 10;
/** Sends between two turns given to the sockets, the sampler and the signal. */
const SENDS_PER_TURN = 16;

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
  const start = now();
  const result = emptyResult(spec);
  const proxy = await FaultProxy.start({ upstream: upstreamOf(target) });
  let ws: WebSocket | null = null;
  const sampler = new MemorySampler(spec.readMemory);
  try {
    const id = proxy.accepted + 1;
    const open = await openConnection(proxiedTarget(target, proxy), signal);
    const pair = open.ok ? proxy.pair(id) : undefined;
    if (open.ok) ws = open.ws;
    if (!open.ok || !pair) {
      result.connectFailure = open.ok ? 'dropped' : open.failure;
      result.endedBy = signal.aborted ? 'aborted' : 'connect-failed';
      return result;
    }
    result.connected = true;
    // Not reading from here on: the server's bytes stay in its own buffers and the kernel's.
    proxy.pause(pair, 'downstream');
    result.memoryBeforeBytes = await spec.readMemory();
    sampler.start(spec.sampleMs ?? SAMPLE_MS);
    const serverClosed = watchServerClose(open.ws, pair);
    await sendWhileNotRead(spec, open.ws, pair, serverClosed, start + spec.durationMs, result, signal);
    sampler.stop();
    await sampler.readOnce();
    result.serverBytesWhilePaused = pair.down.bytesIn;
    // Take and drop what the server still holds for the client: a FIN behind it tells whether it let the client go.
    proxy.blackhole(pair, 'downstream');
    proxy.resume(pair, 'downstream');
    if (!signal.aborted && pair.upstreamClosedAt === null) await drain(pair.upstreamClosed, spec.drainMs ?? DRAIN_MS, signal);
    result.serverBytesAfter = pair.down.bytesIn - result.serverBytesWhilePaused;
    result.serverClosed = serverClosed();
  } finally {
    sampler.stop();
    if (ws) await closeConnection(ws, 'abrupt', target.closeTimeoutMs);
    await proxy.close();
    const { peak, growth } = memoryGrowth(result.memoryBeforeBytes, sampler.readings);
    result.memoryPeakBytes = peak;
    result.memoryGrowthBytes = growth;
    result.durationMs = Math.round(since(start));
  }
  return result;
}

function emptyResult(spec: SlowConsumerSpec): SlowConsumerResult {
  return {
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
}

/** Reads the server tree's memory on an interval, one reading at a time; keeps every reading. */
class MemorySampler {
  readonly readings: Array<number | null> = [];
  private timer: NodeJS.Timeout | null = null;
  private reading = false;

  constructor(private readonly readMemory: () => Promise<number | null>) {}

  start(everyMs: number): void {
    this.timer = setInterval(this.sample, everyMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One more reading, awaited: the last one of the phase. */
  async readOnce(): Promise<void> {
    this.readings.push(await this.readMemory());
  }

  private readonly sample = (): void => {
    if (this.reading) return;
    this.reading = true;
    void this.readMemory().then(
      (bytes) => {
        this.readings.push(bytes);
        this.reading = false;
      },
      () => {
        this.reading = false;
      },
    );
  };
}

/** Whether the server has let the client go: its close reached the client, or its side of the TCP pair ended. */
function watchServerClose(client: WebSocket, pair: ProxyPair): () => boolean {
  let clientClosed = false;
  client.once('close', function onClientClose() {
    clientClosed = true;
  });
  return () => clientClosed || pair.upstreamClosedAt !== null;
}

/**
 * The phase itself: echo mode sends until the server stops taking bytes, `maxBytes` were sent or the time is up;
 * subscribe mode sends its one message and waits. Notes what ended it, and a server that stopped reading.
 */
async function sendWhileNotRead(
  spec: SlowConsumerSpec,
  client: WebSocket,
  pair: ProxyPair,
  serverClosed: () => boolean,
  deadline: number,
  result: SlowConsumerResult,
  signal: AbortSignal,
): Promise<void> {
  const message = messageOf(spec.messageBytes);
  let allSentAt: number | null = null;
  let stalledSince: number | null = null;
  if (spec.subscribeMessage !== null) {
    client.send(spec.subscribeMessage);
    result.messagesSent = 1;
    result.bytesSent = Buffer.byteLength(spec.subscribeMessage);
  }
  for (let turn = 0; ; turn++) {
    const t = now();
    const ended = endOfPhase(t, deadline, allSentAt, serverClosed, signal);
    if (ended !== null) {
      if (ended !== 'duration') result.endedBy = ended;
      return;
    }
    if (result.mode === 'subscribe' || allSentAt !== null) {
      await sleep(IDLE_CHECK_MS);
      continue;
    }
    if (client.bufferedAmount >= CLIENT_QUEUE_BYTES) {
      // Our queue is full: the proxy stopped taking our bytes because the server stopped reading them.
      if (pair.up.backedUp) {
        stalledSince ??= t;
        if (t - stalledSince >= STALL_MS) result.serverPausedReading = true;
      } else stalledSince = null;
      await sleep(QUEUE_FULL_WAIT_MS);
      continue;
    }
    stalledSince = null;
    client.send(message);
    result.messagesSent += 1;
    result.bytesSent += message.length;
    if (result.bytesSent >= spec.maxBytes) allSentAt = now();
    if (turn % SENDS_PER_TURN === SENDS_PER_TURN - 1) await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** What ends the phase at time `t`, or null while it goes on. */
function endOfPhase(
  t: number,
  deadline: number,
  allSentAt: number | null,
  serverClosed: () => boolean,
  signal: AbortSignal,
): SlowConsumerResult['endedBy'] | null {
  if (signal.aborted) return 'aborted';
  if (serverClosed()) return 'server-closed';
  if (t >= deadline) return 'duration';
  if (allSentAt !== null && t >= allSentAt + SETTLE_MS) return 'bytes';
  return null;
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
