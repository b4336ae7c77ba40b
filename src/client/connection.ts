// One WebSocket connection's lifecycle with timings: open, close cleanly or abruptly, classify failures.

import type { ClientRequest, IncomingMessage } from 'node:http';
import { connect as netConnect, isIP, type NetConnectOpts, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import WebSocket, { type ClientOptions } from 'ws';
import type { FailureKind } from '../model/report.js';
import { now } from '../model/clock.js';
import { isTlsFailure, trustOptions, type TlsTrust } from './tls.js';

/** Where and how to connect: the same for every connection of a run. */
export interface Target extends TlsTrust {
  url: string;
  headers: Record<string, string>;
  subprotocols: string[];
  connectTimeoutMs: number;
  closeTimeoutMs: number;
  /** For a `localhost` URL: the loopback address that answered during readiness (no DNS involved). */
  pinned?: PinnedAddress;
}

export interface PinnedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * `localPort` is the client's side of the TCP connection once it connected (absent when it never did): the
 * fault proxy knows its connections by that port, so a failure it caused on purpose can be told apart.
 */
export type OpenResult =
  | { ok: true; ws: WebSocket; handshakeMs: number; localPort?: number }
  | {
      ok: false;
      failure: FailureKind;
      message: string;
      elapsedMs: number;
      response?: HttpAnswer;
      localPort?: number;
      /** Node's code for the error that ended the attempt (ECONNREFUSED, ERR_SSL_WRONG_VERSION_NUMBER, ...), when it had one. */
      code?: string;
    };

/** An HTTP answer instead of 101 Switching Protocols: what readiness needs to say why (path, auth, subprotocol). */
export interface HttpAnswer {
  status: number;
  /** The response's Sec-WebSocket-Protocol header (some servers name the subprotocol they want), or null. */
  protocolHeader: string | null;
  /** The start of the body (at most BODY_EXCERPT_BYTES), decoded as UTF-8. */
  body: string;
}

/** How much of a refusal's body is kept, and how long we wait for it: enough for a one-line reason. */
const BODY_EXCERPT_BYTES = 1024;
const BODY_WAIT_MS = 200;

export interface CloseResult {
  clean: boolean;
  closeMs: number;
  /** Close code seen by the client (1006: no close frame). */
  code: number;
  failure?: FailureKind;
}

/** How long after the close timeout the gate ends a close that ws's own timer did not. */
const CLOSE_BACKSTOP_MS = 100;

/** How early a Node timer may fire against performance.now() (measured: about 0.6 ms). */
const TIMER_SLACK_MS = 5;

/**
 * `ws`'s own socket factories (lib/websocket.js netConnect and tlsConnect), with the socket's local port noted
 * once it connects: `ws` gives no handle on the socket before the upgrade, and a reset socket forgets its port.
 */
function connectNoting(secure: boolean, onPort: (port: number) => void) {
  return (options: ConnectionOptions & { socketPath?: string; host?: string }): Socket => {
    let socket: Socket;
    if (secure) {
      const servername =
        options.servername || options.servername === '' ? options.servername : isIP(options.host ?? '') ? '' : options.host;
      socket = tlsConnect({ ...options, path: undefined, servername } as ConnectionOptions);
    } else {
      socket = netConnect({ ...options, path: options.socketPath } as NetConnectOpts);
    }
    socket.once('connect', () => {
      if (socket.localPort !== undefined) onPort(socket.localPort);
    });
    return socket;
  };
}

/** Options handed to `ws` for every connection of the target. */
function clientOptions(target: Target, onPort: (port: number) => void): ClientOptions & { closeTimeout: number } {
  return {
    createConnection: connectNoting(target.url.startsWith('wss:'), onPort) as unknown as ClientOptions['createConnection'],
    headers: target.headers,
    // ws waits 30 s for the server's close frame by default; our limit decides when a close is unclean.
    closeTimeout: target.closeTimeoutMs,
    perMessageDeflate: false,
    followRedirects: false,
    ...(target.pinned ? { lookup: pinnedLookup(target.pinned) } : {}),
    ...trustOptions(target),
  };
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
    let localPort: number | undefined;
    const ws = new WebSocket(
      target.url,
      target.subprotocols,
      clientOptions(target, (port) => (localPort = port)),
    );
    const finish = (result: OpenResult): void => {
      if (settled) return;
      settled = true;
      if (localPort !== undefined) result.localPort = localPort;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      ws.off('open', onOpen);
      ws.off('error', onError);
      ws.off('close', onEarlyClose);
      ws.off('unexpected-response', onUnexpectedResponse);
      resolve(result);
    };
    const fail = (failure: FailureKind, message: string, response?: HttpAnswer, code?: string): void => {
      ws.on('error', ignore);
      ws.terminate();
      finish({ ok: false, failure, message, elapsedMs: now() - start, ...(response ? { response } : {}), ...(code ? { code } : {}) });
    };
    function onOpen(): void {
      // From here on, errors show up as an unclean close; an unheard 'error' event would crash the gate.
      ws.on('error', ignore);
      bufferEarlyMessages(ws);
      ws.once('close', (code: number, reason: Buffer) => {
        if (!closing.has(ws)) closedEarly.set(ws, { code, reason: reason.toString('utf8') });
      });
      finish({ ok: true, ws, handshakeMs: now() - start });
    }
    function onError(err: Error & { code?: string }): void {
      fail(classifyError(err), err.message, undefined, err.code);
    }
    function onEarlyClose(code: number): void {
      fail('reset', `closed with code ${code} before the handshake completed`);
    }
    function onAbort(): void {
      fail('aborted', 'aborted while connecting');
    }
    // With this listener ws leaves the refused request to us: read the start of the body, then abort it.
    function onUnexpectedResponse(req: ClientRequest, res: IncomingMessage): void {
      const chunks: Buffer[] = [];
      let size = 0;
      const status = res.statusCode ?? 0;
      const header = res.headers['sec-websocket-protocol'];
      const answered = (): void => {
        clearTimeout(bodyTimer);
        res.off('data', onData);
        res.off('end', answered);
        res.off('error', answered);
        req.destroy();
        const body = Buffer.concat(chunks).subarray(0, BODY_EXCERPT_BYTES).toString('utf8');
        const protocolHeader = Array.isArray(header) ? header.join(', ') : (header ?? null);
        fail(`http-${status}`, `Unexpected server response: ${status}`, { status, protocolHeader, body });
      };
      function onData(chunk: Buffer): void {
        size += chunk.length;
        if (chunks.reduce((n, c) => n + c.length, 0) < BODY_EXCERPT_BYTES) chunks.push(chunk);
        if (size >= BODY_EXCERPT_BYTES) answered();
      }
      const bodyTimer = setTimeout(answered, BODY_WAIT_MS);
      res.on('data', onData);
      res.once('end', answered);
      res.once('error', answered);
    }
    // The one handshake timeout (ws's own would end the attempt with an error that has no code): it covers a stalled
    // TCP connect, TLS and the upgrade.
    const timer = setTimeout(() => fail('timeout', `no handshake within ${target.connectTimeoutMs} ms`), target.connectTimeoutMs);
    ws.once('open', onOpen);
    ws.once('error', onError);
    ws.once('close', onEarlyClose);
    ws.once('unexpected-response', onUnexpectedResponse);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A message as `ws` delivers it. */
export interface RawMessage {
  data: WebSocket.RawData;
  isBinary: boolean;
}

/** Messages kept per connection until taken: a protocol that speaks first sends a few (Engine.IO: one or two). */
const EARLY_MESSAGES_MAX = 64;
const earlyMessages = new WeakMap<WebSocket, { kept: RawMessage[]; listener: (data: WebSocket.RawData, isBinary: boolean) => void }>();

/**
 * Keeps the first messages of a new connection. A message that comes with the handshake response is emitted
 * on a nextTick, before the opener's promise continuation could listen: without this it would be lost.
 */
function bufferEarlyMessages(ws: WebSocket): void {
  const kept: RawMessage[] = [];
  const listener = (data: WebSocket.RawData, isBinary: boolean): void => {
    if (kept.length < EARLY_MESSAGES_MAX) kept.push({ data, isBinary });
  };
  ws.on('message', listener);
  earlyMessages.set(ws, { kept, listener });
}

/** The messages that arrived since the connection opened, once; from then on the caller listens itself. */
export function takeEarlyMessages(ws: WebSocket): RawMessage[] {
  const early = earlyMessages.get(ws);
  if (!early) return [];
  ws.off('message', early.listener);
  earlyMessages.delete(ws);
  return early.kept;
}

/** Closes of connections that closed before we closed them (the server closed or dropped them). */
const closedEarly = new WeakMap<WebSocket, { code: number; reason: string }>();

/** The close of a connection the server closed (or dropped) before we closed it, once its close event fired; else null. */
export function earlyClose(ws: WebSocket): { code: number; reason: string } | null {
  return closedEarly.get(ws) ?? null;
}
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
      const early = closedEarly.get(ws)?.code ?? 1006;
      resolve({ clean: mode === 'abrupt', closeMs: 0, code: early, ...(mode === 'abrupt' ? {} : { failure: serverCloseKind(early) }) });
      return;
    }
    const serverClosedFirst = ws.readyState === WebSocket.CLOSING;
    // ws's own closeTimeout normally fires first; this is the backstop.
    const timer = setTimeout(() => ws.terminate(), timeoutMs + CLOSE_BACKSTOP_MS);
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

/**
 * A close that a server sends on purpose, as an answer: not 1006 (no close frame), and none of the codes that
 * say the server is going away or failing (1001 going away, 1011 internal error, 1012 restart, 1013 try later,
 * 1014 bad gateway, 1015 TLS).
 */
export function isDeliberateClose(code: number): boolean {
  return code !== 1006 && !(code === 1001 || (code >= 1011 && code <= 1015));
}

function ignore(): void {}

/** Maps a ws/net error to a failure kind by its code: refused, reset, timeout, tls or error. */
export function classifyError(err: Error & { code?: string }): FailureKind {
  if (isTlsFailure(err.code)) return 'tls';
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'refused';
    // 'socket hang up' (the server closed before answering the upgrade) carries ECONNRESET too.
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
      return 'reset';
    case 'ETIMEDOUT':
      return 'timeout';
  }
  return 'error';
}
