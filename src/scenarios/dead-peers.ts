// Dead peers: clients that complete the handshake, then go silent without FIN or RST; how long until the server
// gives up on each, with a close frame or by closing the TCP connection (a heartbeat reaps them; without one
// they stay open for good). Past the limit it watches on for a while, so a heartbeat slower than the limit is told
// apart from none.

import { setTimeout as sleep } from 'node:timers/promises';
import type WebSocket from 'ws';
import { closeConnection, openConnection, type Target } from '../client/connection.js';
import { FrameReader, OPCODE } from '../client/frames.js';
import { summarize } from '../analysis/stats.js';
import type { DeadPeerClient, DeadPeersResult } from '../model/faults.js';
import { FaultProxy, type ProxyPair } from '../net/proxy.js';
import { proxiedTarget, upstreamOf } from '../net/target.js';

/** The longest the scenario watches on past the limit for a client still open: a late heartbeat from none. */
export const MAX_OVERTIME_MS = 60_000;

/** How long after going silent a client is watched: the limit, then as long again (at most MAX_OVERTIME_MS more). */
export function watchMsFor(timeoutMs: number): number {
  return timeoutMs + Math.min(timeoutMs, MAX_OVERTIME_MS);
}

export interface DeadPeersSpec {
  clients: number;
  /** dead-peer-timeout-s in ms: how long each silent client may stay open. */
  timeoutMs: number;
  /** The protocol's opening exchange after the handshake, before going silent (Socket.IO: send `40`, await `40{sid}`). */
  greet?: (ws: WebSocket, signal: AbortSignal) => Promise<void>;
  /**
   * Linux: the server's ESTABLISHED / CLOSE_WAIT sockets on its port (readSignals' lingeringConnections), read
   * before connecting and at the end of the wait; null when not measurable.
   */
  lingering?: () => Promise<number | null>;
}

interface Silent {
  client: number;
  ws: WebSocket;
  pair: ProxyPair;
  silentAt: number;
  closeFrameAt: number | null;
  /** Resolves at the close frame or the TCP close, whichever comes first. */
  gaveUp: Promise<void>;
}

/** Silences the pair both ways and watches, in what the proxy swallows from the server, for its close frame. */
function silence(proxy: FaultProxy, client: number, ws: WebSocket, pair: ProxyPair): Silent {
  // Payloads are not kept: only the opcodes matter, and a server may push megabytes into the silence.
  const reader = new FrameReader(0);
  let onCloseFrame!: () => void;
  const closeFrame = new Promise<void>((resolve) => (onCloseFrame = resolve));
  const silent: Silent = {
    client,
    ws,
    pair,
    silentAt: performance.now(),
    closeFrameAt: null,
    gaveUp: Promise.race([closeFrame, pair.upstreamClosed.then(() => undefined)]),
  };
  pair.down.hole.onSwallow = function onServerBytes(chunk: Buffer): void {
    if (silent.closeFrameAt === null && reader.push(chunk).some((frame) => frame.opcode === OPCODE.close)) {
      silent.closeFrameAt = performance.now();
      onCloseFrame();
    }
  };
  proxy.blackhole(pair, 'both');
  return silent;
}

/** An empty result for `spec`, filled in as the scenario runs. */
function emptyResult(spec: DeadPeersSpec): DeadPeersResult {
  return {
    id: 'dead-peers',
    enabled: true,
    clients: spec.clients,
    silenced: 0,
    connectFailures: {},
    reaped: 0,
    reapedLate: 0,
    stillOpen: 0,
    timeoutMs: spec.timeoutMs,
    watchedMs: spec.timeoutMs,
    perClient: [],
    reapMs: null,
    lateMs: null,
    serverSideOpen: null,
    stoppedEarly: false,
    durationMs: 0,
  };
}

/**
 * Connects `clients` clients one by one through a proxy of its own, silences each after its handshake, and waits
 * until the server gave up on every one (sent a close frame or closed the TCP connection), until `timeoutMs`
 * after the last went silent (watching on up to `watchMsFor(timeoutMs)` while one is still open), or until
 * `signal` aborts. Always closes its clients and its proxy before it returns.
 */
export async function runDeadPeers(spec: DeadPeersSpec, target: Target, signal: AbortSignal): Promise<DeadPeersResult> {
  const start = performance.now();
  const result = emptyResult(spec);
  const proxy = await FaultProxy.start({ upstream: upstreamOf(target) });
  const opened: WebSocket[] = [];
  try {
    const before = spec.lingering ? await spec.lingering() : null;
    const silent = await silenceClients(spec, proxiedTarget(target, proxy), proxy, opened, result, signal);
    result.silenced = silent.length;
    if (silent.length > 0) result.watchedMs = await waitForReaping(silent, spec.timeoutMs, signal);
    result.stoppedEarly = signal.aborted;
    // Read before the cleanup below: the closes it causes are ours, not the server's.
    for (const s of silent) result.perClient.push(clientOutcome(s, spec.timeoutMs, result.watchedMs));
    if (spec.lingering && before !== null) {
      const after = await spec.lingering();
      result.serverSideOpen = after === null ? null : Math.max(0, after - before);
    }
  } finally {
    await Promise.all(opened.map((ws) => closeConnection(ws, 'abrupt', target.closeTimeoutMs)));
    await proxy.close();
  }
  const reaped = result.perClient.flatMap((c) => (c.reapedAfterMs === null ? [] : [c.reapedAfterMs]));
  const late = result.perClient.flatMap((c) => (c.reapedAfterMs === null && c.gaveUpAfterMs != null ? [c.gaveUpAfterMs] : []));
  result.reaped = reaped.length;
  result.reapedLate = late.length;
  result.stillOpen = result.silenced - reaped.length - late.length;
  result.reapMs = summarize(reaped);
  result.lateMs = summarize(late);
  result.durationMs = Math.round(performance.now() - start);
  return result;
}

/** Connects the clients one at a time through the proxy and silences each; counts the ones that failed in `result`. */
async function silenceClients(
  spec: DeadPeersSpec,
  through: Target,
  proxy: FaultProxy,
  opened: WebSocket[],
  result: DeadPeersResult,
  signal: AbortSignal,
): Promise<Silent[]> {
  const silent: Silent[] = [];
  const failed = (kind: string): void => void (result.connectFailures[kind] = (result.connectFailures[kind] ?? 0) + 1);
  for (let client = 1; client <= spec.clients && !signal.aborted; client++) {
    // One at a time: the pair the proxy accepts next is this client's.
    const id = proxy.accepted + 1;
    const open = await openConnection(through, signal);
    if (!open.ok) {
      failed(open.failure);
      continue;
    }
    opened.push(open.ws);
    const pair = proxy.pair(id);
    if (!pair || pair.upstreamClosedAt !== null) {
      failed('dropped');
      continue;
    }
    if (spec.greet) {
      try {
        await spec.greet(open.ws, signal);
      } catch {
        failed('greeting');
        continue;
      }
    }
    silent.push(silence(proxy, client, open.ws, pair));
  }
  return silent;
}

/**
 * One client's times from going silent: reaped when the server gave up on it within the timeout, `gaveUpAfterMs`
 * whenever it did within the watch (`watchMs`, default the timeout).
 */
export function clientOutcome(
  s: Pick<Silent, 'client' | 'silentAt' | 'closeFrameAt'> & { pair: Pick<ProxyPair, 'upstreamClosedAt'> },
  timeoutMs: number,
  watchMs = timeoutMs,
): DeadPeerClient {
  const since = (at: number | null): number | null => (at === null ? null : Math.round(at - s.silentAt));
  const closeFrameAfterMs = since(s.closeFrameAt);
  const tcpClosedAfterMs = since(s.pair.upstreamClosedAt);
  const first = [closeFrameAfterMs, tcpClosedAfterMs].filter((t): t is number => t !== null);
  const earliest = first.length > 0 ? Math.min(...first) : null;
  return {
    client: s.client,
    reapedAfterMs: earliest !== null && earliest <= timeoutMs ? earliest : null,
    gaveUpAfterMs: earliest !== null && earliest <= watchMs ? earliest : null,
    closeFrameAfterMs,
    tcpClosedAfterMs,
  };
}

/**
 * Waits until every silent client's server side closed, the last one's timeout passed with all of them closed,
 * its watch passed, or `signal` aborted; returns how long the last client was watched after going silent.
 */
async function waitForReaping(silent: readonly Silent[], timeoutMs: number, signal: AbortSignal): Promise<number> {
  const last = silent[silent.length - 1]!.silentAt;
  const allClosed = Promise.all(silent.map((s) => s.gaveUp)).then(() => true);
  if (await closedBefore(allClosed, last + timeoutMs, signal)) return timeoutMs;
  // One is still open at the limit: watch on, so "reaped after 62 s" is told apart from "not reaped".
  const watchMs = watchMsFor(timeoutMs);
  await closedBefore(allClosed, last + watchMs, signal);
  return signal.aborted ? Math.round(performance.now() - last) : watchMs;
}

/** True when `closed` settles before `deadline` (a performance.now() time); false at the deadline or on abort. */
async function closedBefore(closed: Promise<boolean>, deadline: number, signal: AbortSignal): Promise<boolean> {
  const done = new AbortController();
  const timeout = sleep(Math.max(0, deadline - performance.now()), false, { signal: AbortSignal.any([signal, done.signal]) });
  try {
    return await Promise.race([closed, timeout]);
  } catch {
    // Aborted by the run's signal: partial results.
    return false;
  } finally {
    done.abort();
  }
}
