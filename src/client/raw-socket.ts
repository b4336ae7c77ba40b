// A WebSocket connection at the byte level (own TCP/TLS socket and handshake), for bytes the `ws` client refuses to send.

import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { now, remaining } from '../model/clock.js';
import type { FailureKind } from '../model/report.js';
import { classifyError, type Target } from './connection.js';
import { FrameReader, OPCODE, closeFrame, parseClosePayload, type CloseInfo } from './frames.js';
import { trustOptions } from './tls.js';
import { MAX_RESPONSE_HEAD, handshakeProblem, newKey, parseResponseHead, upgradeRequest, type ResponseHead } from './handshake.js';

/** Why a raw connection could not be opened: a FailureKind as the rest of the gate uses them, plus the HTTP status. */
export class RawOpenError extends Error {
  constructor(
    readonly failure: FailureKind,
    message: string,
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = 'RawOpenError';
  }
}

/** Bounds of an open: the run's signal and a timeout. */
export interface RawOptions {
  signal?: AbortSignal;
  /** Bound for the TCP (and TLS) connect and, for openRaw, the handshake too; default target.connectTimeoutMs. */
  timeoutMs?: number;
}

/** A socket to the target's host and port, plain or TLS; the handshake is the caller's (or openRaw's). */
function dial(target: Target): Socket {
  const url = new URL(target.url);
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const host = target.pinned?.address ?? hostname;
  const port = Number(url.port || (url.protocol === 'wss:' ? 443 : 80));
  if (url.protocol !== 'wss:') return netConnect({ host, port });
  return tlsConnect({
    host,
    port,
    // SNI takes host names only (RFC 6066 section 3).
    ...(isIP(hostname) ? {} : { servername: hostname }),
    ALPNProtocols: ['http/1.1'],
    ...trustOptions(target),
  });
}

/**
 * One raw connection. Before `upgrade()` it keeps the first bytes the server sends (an HTTP answer to a
 * broken request); after it, it reads frames: the close frame, pongs, and counts data.
 */
export class RawSocket {
  /** Bytes received before the handshake completed (at most MAX_RESPONSE_HEAD). */
  received: Buffer = Buffer.alloc(0);
  /** The server's close frame, once one arrived. */
  closeInfo: CloseInfo | null = null;
  /** True once the TCP connection ended (FIN, RST or error) or was destroyed. */
  ended = false;
  /** The error that ended it, if one did (ECONNRESET: the server reset it). */
  endError: (Error & { code?: string }) | null = null;
  pongs = 0;
  lastPong: Buffer | null = null;
  /** The subprotocol the server chose; null without one. */
  protocol: string | null = null;
  readonly reader = new FrameReader();
  private framing = false;
  private drained = true;
  private readonly waiters = new Set<() => void>();

  private constructor(readonly socket: Socket) {
    socket.on('data', this.onData);
    socket.on('drain', this.onDrain);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  /** Opens the TCP (or TLS) connection only: for handshakes that are themselves the test. */
  static connect(target: Target, options: RawOptions = {}): Promise<RawSocket> {
    const timeoutMs = options.timeoutMs ?? target.connectTimeoutMs;
    const { signal } = options;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(new RawOpenError('aborted', 'aborted before connecting'));
        return;
      }
      const socket = dial(target);
      const ready = target.url.startsWith('wss:') ? 'secureConnect' : 'connect';
      const finish = (err: RawOpenError | null): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        socket.off(ready, onReady);
        socket.off('error', onError);
        if (err) {
          socket.destroy();
          reject(err);
        } else resolve(new RawSocket(socket));
      };
      function onReady(): void {
        finish(null);
      }
      function onError(err: Error): void {
        finish(new RawOpenError(classifyError(err), err.message));
      }
      function onAbort(): void {
        finish(new RawOpenError('aborted', 'aborted while connecting'));
      }
      const timer = setTimeout(() => finish(new RawOpenError('timeout', `no connection within ${timeoutMs} ms`)), timeoutMs);
      socket.once(ready, onReady);
      socket.once('error', onError);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Performs the opening handshake: a fresh key, the target's subprotocols and headers; checks the 101, the
   * Upgrade and Connection headers and Sec-WebSocket-Accept. Throws RawOpenError (http-<status> for a refusal).
   */
  async upgrade(target: Target, options: RawOptions = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? target.connectTimeoutMs;
    const key = newKey();
    this.write(Buffer.from(upgradeRequest(target.url, key, target.subprotocols, target.headers), 'latin1'));
    // Written by the condition below, which runs on every event until the head is complete.
    const state: { head: ResponseHead | null; problem: string | null } = { head: null, problem: null };
    const complete = (): boolean => {
      try {
        state.head = parseResponseHead(this.received);
      } catch (err) {
        state.problem = (err as Error).message;
      }
      return state.head !== null || state.problem !== null || this.ended;
    };
    const answered = await this.waitUntil(complete, timeoutMs, options.signal);
    if (options.signal?.aborted) throw new RawOpenError('aborted', 'aborted during the handshake');
    if (state.problem) throw new RawOpenError('error', state.problem);
    if (!answered) throw new RawOpenError('timeout', `no handshake response within ${timeoutMs} ms`);
    const head = state.head;
    if (!head)
      throw new RawOpenError(
        this.endError ? classifyError(this.endError) : 'reset',
        'the server closed the connection during the handshake',
      );
    const { status, headers, rest } = head;
    const wrong = handshakeProblem(head, key, target.subprotocols);
    if (wrong) throw new RawOpenError(status === 101 ? 'error' : `http-${status}`, wrong, status);
    this.protocol = headers['sec-websocket-protocol'] ?? null;
    this.framing = true;
    this.received = Buffer.alloc(0);
    if (rest.length > 0) this.readFrames(rest);
  }

  /** Writes bytes unless the connection ended; false when the kernel buffer is full (wait with drain()). */
  write(data: Buffer | string): boolean {
    if (this.ended || this.socket.destroyed) return false;
    const flushed = this.socket.write(data);
    if (!flushed) this.drained = false;
    return flushed;
  }

  /** Waits until the socket can take more bytes, `stop()` holds, or `timeoutMs` passes; true when drained. */
  async drain(timeoutMs: number, stop: () => boolean, signal?: AbortSignal): Promise<boolean> {
    await this.waitUntil(() => this.drained || this.ended || stop(), timeoutMs, signal);
    return this.drained && !this.ended;
  }

  /** Resolves true as soon as `condition()` holds (checked after every event), false at the timeout or abort. */
  waitUntil(condition: () => boolean, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (condition()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const finish = (result: boolean): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.waiters.delete(check);
        resolve(result);
      };
      function check(): void {
        if (condition()) finish(true);
      }
      function onAbort(): void {
        finish(false);
      }
      const timer = setTimeout(() => finish(condition()), timeoutMs);
      this.waiters.add(check);
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Answers the server's close frame (the polite half of the closing handshake) and ends our side. */
  replyClose(): void {
    if (this.ended || this.socket.destroyed) return;
    this.socket.end(closeFrame(this.closeInfo?.code === 1005 || !this.closeInfo ? 1000 : validEcho(this.closeInfo.code)));
  }

  /** Ends the connection now; safe to call more than once. */
  destroy(): void {
    this.socket.destroy();
    this.ended = true;
    this.notify();
  }

  private readFrames(data: Buffer): void {
    for (const frame of this.reader.push(data)) {
      if (frame.opcode === OPCODE.close && !this.closeInfo) this.closeInfo = parseClosePayload(frame.payload);
      if (frame.opcode === OPCODE.pong) {
        this.pongs += 1;
        this.lastPong = frame.payload;
      }
    }
  }

  private notify(): void {
    for (const check of [...this.waiters]) check();
  }

  private readonly onData = (data: Buffer): void => {
    if (this.framing) this.readFrames(data);
    else if (this.received.length < MAX_RESPONSE_HEAD) this.received = Buffer.concat([this.received, data]);
    this.notify();
  };

  private readonly onDrain = (): void => {
    this.drained = true;
    this.notify();
  };

  private readonly onError = (err: Error): void => {
    this.endError ??= err;
    this.ended = true;
    this.notify();
  };

  private readonly onClose = (): void => {
    this.ended = true;
    this.notify();
  };
}

/** The code to echo in our close reply: the server's own when a client may send it, else 1000. */
function validEcho(code: number): number {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999) ? code : 1000;
}

/** Connects and completes the opening handshake; throws RawOpenError and leaves nothing open when it cannot. */
export async function openRaw(target: Target, options: RawOptions = {}): Promise<RawSocket> {
  const deadline = now() + (options.timeoutMs ?? target.connectTimeoutMs);
  const raw = await RawSocket.connect(target, options);
  try {
    // What the TCP (and TLS) connect left of the budget; at least 1 ms, so a late upgrade times out rather than never.
    await raw.upgrade(target, { ...options, timeoutMs: Math.max(1, remaining(deadline)) });
    return raw;
  } catch (err) {
    raw.destroy();
    throw err;
  }
}
