// Auto-detection: which protocol a server speaks, judged from what it does on one or two real connections.

import { closeConnection, openConnection, type Target } from '../connection.js';
import type { ProtocolAdapter, ProtocolId } from './adapter.js';
import { ADAPTERS, targetFor } from './registry.js';
import { raw } from './raw.js';
import { isEngineIoOpen } from './socket-io.js';
import { closeText, ProtocolSession, type SessionClose } from './session.js';

/** What `detectProtocol` found: the adapter, the target to use from now on, and why (a sentence for the report). */
export interface Detection {
  id: ProtocolId;
  /** The target with the adapter's subprotocols offered. */
  target: Target;
  why: string;
}

/** What the server did on one connection. */
type Observation =
  | { kind: 'failed'; failure: string; message: string }
  | { kind: 'open'; protocol: string; first: string | null; close: SessionClose | null };

/** How long detection watches a fresh connection for a message the server sends unasked (Engine.IO's open packet). */
export const DETECT_LISTEN_MS = 500;
/** A close this soon after the handshake answers the handshake itself (graphql-ws's 4406), not something said later. */
const CLOSED_AT_ONCE_MS = 1000;

/**
 * Picks the protocol from what the server does: an Engine.IO open packet sent unasked means Socket.IO; a server
 * that accepts `graphql-transport-ws` (offered by the user, or tried after it refused a handshake without a
 * subprotocol or closed at once with 4406) means graphql-ws; anything else is raw. Call once, after readiness.
 * `listenMs` is how long a fresh connection is watched for a first message or a close.
 */
export async function detectProtocol(target: Target, options: { signal: AbortSignal; listenMs?: number }): Promise<Detection> {
  const listenMs = options.listenMs ?? DETECT_LISTEN_MS;
  const first = await observe(target, listenMs, options.signal);
  const onSocketIoPath = /\/socket\.io\/?$/.test(new URL(target.url).pathname);
  if (first.kind === 'open' && first.first !== null && isEngineIoOpen(first.first)) {
    const where = onSocketIoPath ? ' on a /socket.io/ path' : '';
    return { id: 'socket.io', target, why: `the server spoke first with an Engine.IO open packet (0{"sid":…})${where}` };
  }
  for (const adapter of withSubprotocols()) {
    if (first.kind === 'open' && adapter.subprotocols.includes(first.protocol)) {
      return { id: adapter.id, target: targetFor(target, adapter), why: `the server accepted the subprotocol ${first.protocol}` };
    }
  }
  const refusal = refusedForWantOfSubprotocol(first);
  if (refusal) {
    for (const adapter of withSubprotocols()) {
      if (adapter.subprotocols.every((p) => target.subprotocols.includes(p))) continue;
      const problem = await tryAdapter(targetFor(target, adapter), adapter, options.signal);
      if (problem === null) {
        const offered = adapter.subprotocols.join(', ');
        return {
          id: adapter.id,
          target: targetFor(target, adapter),
          why: `${refusal}; offered ${offered}, it accepted and answered ${adapter.opening?.ack.describe ?? 'the handshake'}`,
        };
      }
    }
  }
  return { id: raw.id, target, why: rawWhy(first, listenMs, onSocketIoPath, refusal) };
}

function withSubprotocols(): ProtocolAdapter[] {
  return Object.values(ADAPTERS).filter((a) => a.subprotocols.length > 0);
}

/** The start of a sentence when the server refused or dropped the handshake as a server wanting a subprotocol does. */
function refusedForWantOfSubprotocol(seen: Observation): string | null {
  if (seen.kind === 'failed') {
    // 400 (ws, graphql-ws with handleProtocols), 426 and 406 are what servers answer to a missing subprotocol.
    return /^http-(400|406|426)$/.test(seen.failure) ? `the server refused the handshake (${seen.failure})` : null;
  }
  const close = seen.close;
  if (close && close.atMs < CLOSED_AT_ONCE_MS && (close.code === 4406 || close.code === 1002 || /protocol/i.test(close.reason))) {
    return `the server closed the connection at once (${closeText(close)})`;
  }
  return null;
}

function rawWhy(seen: Observation, listenMs: number, onSocketIoPath: boolean, refusal: string | null): string {
  if (seen.kind === 'failed') return `no connection to look at (${seen.failure}: ${seen.message}); assumed raw`;
  if (refusal) return `${refusal}, and no known subprotocol was accepted; assumed raw`;
  const socketIoHint = onSocketIoPath ? ' (the path is /socket.io/, but no Engine.IO open packet arrived)' : '';
  const subprotocol = seen.protocol ? `; it chose the subprotocol ${seen.protocol}` : '';
  return `the server sent nothing unasked within ${listenMs} ms${subprotocol}${socketIoHint}: raw WebSocket`;
}

/** Opens one connection, watches it for `listenMs` (first message or close), and closes it. */
async function observe(target: Target, listenMs: number, signal: AbortSignal): Promise<Observation> {
  const opened = await openConnection(target, signal);
  if (!opened.ok) return { kind: 'failed', failure: opened.failure, message: opened.message };
  const session = ProtocolSession.attach(opened.ws, raw);
  try {
    // A subprotocol an adapter speaks, chosen in the handshake, says it all: no need to listen.
    const chosen = withSubprotocols().some((a) => a.subprotocols.includes(opened.ws.protocol));
    const first = chosen ? ({ kind: 'timeout' } as const) : await session.next(listenMs, signal);
    return { kind: 'open', protocol: opened.ws.protocol, first: first.kind === 'message' ? first.text : null, close: session.close };
  } finally {
    session.detach();
    await closeConnection(opened.ws, 'clean', target.closeTimeoutMs);
  }
}

/** Null when the server accepts the adapter's subprotocol and completes its opening exchange; else why not. */
async function tryAdapter(target: Target, adapter: ProtocolAdapter, signal: AbortSignal): Promise<string | null> {
  const opened = await openConnection(target, signal);
  if (!opened.ok) return `${opened.failure}: ${opened.message}`;
  const session = ProtocolSession.attach(opened.ws, adapter);
  try {
    if (!adapter.subprotocols.includes(opened.ws.protocol)) return `the server chose no subprotocol of ${adapter.id}`;
    return await session.open(target.connectTimeoutMs, signal);
  } finally {
    session.detach();
    await closeConnection(opened.ws, 'clean', target.closeTimeoutMs);
  }
}
