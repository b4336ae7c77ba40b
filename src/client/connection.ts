// One WebSocket connection's lifecycle with timings: open, close cleanly or abruptly, classify failures.

import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import WebSocket, { type ClientOptions } from 'ws';
import type { FailureKind } from '../model/report.js';

/** Where and how to connect: the same for every connection of a run. */
export interface Target {
  url: string;
  headers: Record<string, string>;
  subprotocols: string[];
  connectTimeoutMs: number;
  closeTimeoutMs: number;
  /** For a `localhost` URL: the loopback address that answered during readiness (no DNS involved). */
  pinned?: PinnedAddress;
  /** wss://: PEM CA certificates trusted besides Node's bundled ones (ca-file). */
  ca?: string | null;
  /** wss://: false accepts any server certificate (insecure-tls). */
  rejectUnauthorized?: boolean;
}

export interface PinnedAddress {
  address: string;
  family: 4 | 6;
}

export type OpenResult =
  { ok: true; ws: WebSocket; handshakeMs: number } | { ok: false; failure: FailureKind; message: string; elapsedMs: number };

export interface CloseResult {
  clean: boolean;
  closeMs: number;
  /** Close code seen by the client (1006: no close frame). */
  code: number;
  failure?: FailureKind;
}

const now = (): number => performance.now();
/** How early a Node timer may fire against performance.now() (measured: about 0.6 ms). */
const TIMER_SLACK_MS = 5;

/** Options handed to `ws` for every connection of the target. */
function clientOptions(target: Target): ClientOptions & { closeTimeout: number } {
  return {
    headers: target.headers,
    handshakeTimeout: target.connectTimeoutMs,
    // ws waits 30 s for the server's close frame by default; our limit decides when a close is unclean.
    closeTimeout: target.closeTimeoutMs,
    perMessageDeflate: false,
    followRedirects: false,
    ...(target.pinned ? { lookup: pinnedLookup(target.pinned) } : {}),
    ...(target.ca ? { secureContext: secureContextFor(target.ca) } : {}),
    ...(target.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
  };
}

/** One TLS context per CA bundle: built per connection it would parse ~150 PEM certificates every handshake. */
const secureContexts = new Map<string, SecureContext>();

/** A context trusting Node's bundled CAs and the given PEM certificates (like NODE_EXTRA_CA_CERTS). */
function secureContextFor(ca: string): SecureContext {
  let context = secureContexts.get(ca);
  if (!context) {
    context = createSecureContext({ ca: [...rootCertificates, ca] });
    secureContexts.set(ca, context);
  }
  return context;
}

type LookupCallback = (err: Error | null, address: string | Array<{ address: string; family: number }>, family?: number) => void;

/**
 * A dns.lookup stand-in that always answers the pinned address: /etc/hosts may not list ::1 as
 * localhost, and Node may prefer either family. Handles both the single and the `all` form.
 */
function pinnedLookup(pinned: PinnedAddress) {
  return (_hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    if (options.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  };
}

/** Opens one connection; resolves (never rejects) with the socket or a classified failure. */
export function openConnection(target: Target, signal?: AbortSignal): Promise<OpenResult> {
  const start = now();
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve({ ok: false, failure: 'aborted', message: 'aborted before connecting', elapsedMs: 0 });
      return;
    }
    let settled = false;
    const ws = new WebSocket(target.url, target.subprotocols, clientOptions(target));
    const finish = (result: OpenResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      ws.off('open', onOpen);
      ws.off('error', onError);
      ws.off('close', onEarlyClose);
      resolve(result);
    };
    const fail = (failure: FailureKind, message: string): void => {
      ws.on('error', ignore);
      ws.terminate();
      finish({ ok: false, failure, message, elapsedMs: now() - start });
    };
    function onOpen(): void {
      // From here on, errors show up as an unclean close; an unheard 'error' event would crash the gate.
      ws.on('error', ignore);
      ws.once('close', (code: number) => {
        if (!closing.has(ws)) closedEarly.set(ws, code);
      });
      finish({ ok: true, ws, handshakeMs: now() - start });
    }
    function onError(err: Error): void {
      fail(classifyError(err), err.message);
    }
    function onEarlyClose(code: number): void {
      fail('reset', `closed with code ${code} before the handshake completed`);
    }
    function onAbort(): void {
      fail('aborted', 'aborted while connecting');
    }
    // ws has its own handshake timeout; this one also covers a stalled TCP connect.
    const timer = setTimeout(() => fail('timeout', `no handshake within ${target.connectTimeoutMs} ms`), target.connectTimeoutMs + 50);
    ws.once('open', onOpen);
    ws.once('error', onError);
    ws.once('close', onEarlyClose);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Close codes of connections that closed before we closed them (the server closed or dropped them). */
const closedEarly = new WeakMap<WebSocket, number>();
/** Connections whose close we started. */
const closing = new WeakSet<WebSocket>();

/** What a close the server started is called: `server-close-<code>`, or `dropped` without a close frame. */
function serverCloseKind(code: number): FailureKind {
  return code === 1006 ? 'dropped' : `server-close-${code}`;
}

/**
 * Closes an open connection. `clean`: close(1000) and wait for the server's close frame;
 * `abrupt`: terminate() without a handshake (always resolves clean=true: nothing was expected).
 * A connection the server closed (or dropped) first is never clean.
 */
export function closeConnection(ws: WebSocket, mode: 'clean' | 'abrupt', timeoutMs: number): Promise<CloseResult> {
  const start = now();
  return new Promise((resolve) => {
    ws.on('error', ignore);
    closing.add(ws);
    if (ws.readyState === WebSocket.CLOSED) {
      const early = closedEarly.get(ws) ?? 1006;
      resolve({ clean: mode === 'abrupt', closeMs: 0, code: early, ...(mode === 'abrupt' ? {} : { failure: serverCloseKind(early) }) });
      return;
    }
    const serverClosedFirst = ws.readyState === WebSocket.CLOSING;
    const timer = setTimeout(() => {
      // ws's own closeTimeout normally fires first; this is the backstop.
      ws.terminate();
    }, timeoutMs + 100);
    ws.once('close', (code: number) => {
      clearTimeout(timer);
      const closeMs = now() - start;
      if (mode === 'abrupt') {
        resolve({ clean: true, closeMs, code });
      } else if (serverClosedFirst) {
        resolve({ clean: false, closeMs, code, failure: serverCloseKind(code) });
      } else if (code === 1000 || code === 1005) {
        resolve({ clean: true, closeMs, code });
      } else if (code === 1006) {
        // Timers fire up to a millisecond early against performance.now(): ws's own close timer ended it.
        resolve({ clean: false, closeMs, code, failure: closeMs >= timeoutMs - TIMER_SLACK_MS ? 'close-timeout' : 'no-close-frame' });
      } else {
        resolve({ clean: false, closeMs, code, failure: `close-${code}` });
      }
    });
    if (mode === 'abrupt') ws.terminate();
    else if (!serverClosedFirst) ws.close(1000);
  });
}

function ignore(): void {}

/** Maps a ws/net error to a failure kind: refused, reset, timeout, http-<status>, tls or error. */
export function classifyError(err: Error & { code?: string }): FailureKind {
  const http = /Unexpected server response: (\d{3})/.exec(err.message);
  if (http) return `http-${Number(http[1])}`;
  // A certificate that does not verify (DEPTH_ZERO_SELF_SIGNED_CERT, ERR_TLS_CERT_ALTNAME_INVALID, ...) or
  // no TLS at all on a wss:// URL (EPROTO, wrong version number): waiting will not change either.
  if (err.code && /CERT|SELF_SIGNED|^ERR_TLS_|^ERR_SSL_|^EPROTO$/.test(err.code)) return 'tls';
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
      return 'reset';
    case 'ETIMEDOUT':
      return 'timeout';
  }
  if (/handshake has timed out/i.test(err.message)) return 'timeout';
  if (/socket hang up/i.test(err.message)) return 'reset';
  return 'error';
}
