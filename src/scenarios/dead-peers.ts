// Dead peers: clients that complete the handshake, then go silent without FIN or RST; how long until the server
// gives up on each, with a close frame or by closing the TCP connection (a heartbeat reaps them; without one
// they stay open for good).

import { setTimeout as sleep } from 'node:timers/promises';
import type WebSocket from 'ws';
import { closeConnection, openConnection, type Target } from '../client/connection.js';
import { FrameReader, OPCODE } from '../client/frames.js';
import { summarize } from '../analysis/stats.js';
import type { DeadPeerClient, DeadPeersResult } from '../model/faults.js';
import { FaultProxy, type ProxyPair } from '../net/proxy.js';
import { proxiedTarget, upstreamOf } from '../net/target.js';

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

/**
 * Connects `clients` clients one by one through a proxy of its own, silences each after its handshake, and waits
 * until the server gave up on every one (sent a close frame or closed the TCP connection), until `timeoutMs`
 * after the last went silent, or until `signal` aborts. Always closes its clients and its proxy before it returns.
 */
export async function runDeadPeers(spec: DeadPeersSpec, target: Target, signal: AbortSignal): Promise<DeadPeersResult> {
  const start = performance.now();
  const result: DeadPeersResult = {
    id: 'dead-peers',
    enabled: true,
    clients: spec.clients,
    silenced: 0,
    connectFailures: {},
    reaped: 0,
    stillOpen: 0,
    timeoutMs: spec.timeoutMs,
    perClient: [],
    reapMs: null,
    serverSideOpen: null,
    stoppedEarly: false,
    durationMs: 0,
  };
  const proxy = await FaultProxy.start({ upstream: upstreamOf(target) });
  const silent: Silent[] = [];
  const opened: WebSocket[] = [];
  try {
    const before = spec.lingering ? await spec.lingering() : null;
    const through = proxiedTarget(target, proxy);
    for (let client = 1; client <= spec.clients && !signal.aborted; client++) {
      // One at a time: the pair the proxy accepts next is this client's.
      const id = proxy.accepted + 1;
      const open = await openConnection(through, signal);
      if (!open.ok) {
        result.connectFailures[open.failure] = (result.connectFailures[open.failure] ?? 0) + 1;
        continue;
      }
      opened.push(open.ws);
      const pair = proxy.pair(id);
      if (!pair || pair.upstreamClosedAt !== null) {
        result.connectFailures.dropped = (result.connectFailures.dropped ?? 0) + 1;
        continue;
      }
      if (spec.greet) {
        try {
          await spec.greet(open.ws, signal);
        } catch {
          result.connectFailures.greeting = (result.connectFailures.greeting ?? 0) + 1;
          continue;
        }
      }
      silent.push(silence(proxy, client, open.ws, pair));
    }
    result.silenced = silent.length;
    if (silent.length > 0) await waitForReaping(silent, spec.timeoutMs, signal);
    result.stoppedEarly = signal.aborted;
    // Read before the cleanup below: the closes it causes are ours, not the server's.
    for (const s of silent) result.perClient.push(clientOutcome(s, spec.timeoutMs));
    if (spec.lingering && before !== null) {
      const after = await spec.lingering();
      result.serverSideOpen = after === null ? null : Math.max(0, after - before);
    }
  } finally {
    await Promise.all(opened.map((ws) => closeConnection(ws, 'abrupt', target.closeTimeoutMs)));
    await proxy.close();
  }
  const reaped = result.perClient.flatMap((c) => (c.reapedAfterMs === null ? [] : [c.reapedAfterMs]));
  result.reaped = reaped.length;
  result.stillOpen = silent.length - reaped.length;
  result.reapMs = summarize(reaped);
  result.durationMs = Math.round(performance.now() - start);
  return result;
}

/** One client's times from going silent; reaped when the server gave up on it within the timeout. */
export function clientOutcome(
  s: Pick<Silent, 'client' | 'silentAt' | 'closeFrameAt'> & { pair: Pick<ProxyPair, 'upstreamClosedAt'> },
  timeoutMs: number,
): DeadPeerClient {
  const since = (at: number | null): number | null => (at === null ? null : Math.round(at - s.silentAt));
  const closeFrameAfterMs = since(s.closeFrameAt);
  const tcpClosedAfterMs = since(s.pair.upstreamClosedAt);
  const first = [closeFrameAfterMs, tcpClosedAfterMs].filter((t): t is number => t !== null);
  const earliest = first.length > 0 ? Math.min(...first) : null;
  return {
    client: s.client,
    reapedAfterMs: earliest !== null && earliest <= timeoutMs ? earliest : null,
    closeFrameAfterMs,
    tcpClosedAfterMs,
  };
}

/** Resolves when every silent client's server side closed, the last one's timeout passed, or `signal` aborted. */
async function waitForReaping(silent: readonly Silent[], timeoutMs: number, signal: AbortSignal): Promise<void> {
  const deadline = silent[silent.length - 1]!.silentAt + timeoutMs;
  const done = new AbortController();
  const allClosed = Promise.all(silent.map((s) => s.gaveUp));
  const timeout = sleep(Math.max(0, deadline - performance.now()), undefined, { signal: AbortSignal.any([signal, done.signal]) });
  try {
    await Promise.race([allClosed, timeout]);
  } catch {
    // Aborted by the run's signal: partial results.
  } finally {
    done.abort();
  }
}
