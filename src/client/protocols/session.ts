// One open connection spoken through an adapter: answers keep-alives, queues the server's messages, knows when it closed.

import WebSocket from 'ws';
import { earlyClose, takeEarlyMessages } from '../connection.js';
import type { ProtocolAdapter } from './adapter.js';

/** The server's close as the client saw it. `atMs` counts from the moment the session was attached. */
export interface SessionClose {
  code: number;
  reason: string;
  atMs: number;
}

/**
 * Messages kept unread at most: a server that pushes while a load client holds its connection would otherwise
 * queue without bound; the oldest go first (a reply is waited for right after sending, so it is among the newest).
 */
const INBOX_MAX = 1024;

/** Why a wait ended without the message it waited for. */
export type WaitEnd = { kind: 'closed'; close: SessionClose } | { kind: 'timeout' } | { kind: 'aborted' };

/** A message, or why the wait ended without one. */
export type WaitResult = { kind: 'message'; text: string; atMs: number } | WaitEnd;

/**
 * Wraps an open `ws`. Every wait ends at once when the connection closes: a closed connection will not answer,
 * and waiting out a timeout would misreport when the close happened.
 */
export class ProtocolSession {
  /** The server's close, once it arrived. */
  close: SessionClose | null = null;
  private readonly inbox: Array<{ text: string; atMs: number }> = [];
  private wake: (() => void) | null = null;
  private readonly origin = performance.now();

  private constructor(
    readonly ws: WebSocket,
    readonly adapter: ProtocolAdapter,
  ) {}

  /** Starts listening on `ws` (opened by openConnection: the messages that came since it opened are read first). */
  static attach(ws: WebSocket, adapter: ProtocolAdapter): ProtocolSession {
    const session = new ProtocolSession(ws, adapter);
    for (const early of takeEarlyMessages(ws)) session.onMessage(early.data, early.isBinary);
    ws.on('message', session.onMessage);
    ws.once('close', session.onClose);
    // A close frame that came with the handshake response leaves the socket CLOSING: its close event, with the
    // code and reason, is still to come. Only a socket already CLOSED needs its close looked up.
    if (ws.readyState === WebSocket.CLOSED) {
      const early = earlyClose(ws);
      session.close = { code: early?.code ?? 1006, reason: early?.reason ?? '', atMs: 0 };
    }
    return session;
  }

  /** Stops listening (the connection itself stays as it is). */
  detach(): void {
    this.ws.off('message', this.onMessage);
    this.ws.off('close', this.onClose);
    this.wake?.();
  }

  /** Milliseconds since the session was attached. */
  elapsedMs(): number {
    return performance.now() - this.origin;
  }

  /** Forgets queued messages: a reply that arrived before we sent anything answers nothing of ours. */
  clearInbox(): void {
    this.inbox.length = 0;
  }

  private readonly onMessage = (data: WebSocket.RawData, isBinary: boolean): void => {
    const text = isBinary ? `<binary ${rawLength(data)} bytes>` : rawText(data);
    const reply = isBinary ? null : this.adapter.keepAlive(text);
    if (reply !== null) {
      if (this.ws.readyState === WebSocket.OPEN) this.ws.send(reply);
      return;
    }
    if (this.inbox.length >= INBOX_MAX) this.inbox.shift();
    this.inbox.push({ text, atMs: this.elapsedMs() });
    this.wake?.();
  };

  private readonly onClose = (code: number, reason: Buffer): void => {
    this.close = { code, reason: reason.toString('utf8'), atMs: this.elapsedMs() };
    this.wake?.();
  };

  /**
   * The first queued message (that `accept` takes, dropping the ones before it), waiting up to `timeoutMs`.
   * Ends early when the connection closes or `signal` aborts.
   */
  async next(timeoutMs: number, signal: AbortSignal, accept: (text: string) => boolean = () => true): Promise<WaitResult> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      while (this.inbox.length > 0) {
        const message = this.inbox.shift()!;
        if (accept(message.text)) return { kind: 'message', ...message };
      }
      if (this.close) return { kind: 'closed', close: this.close };
      if (signal.aborted) return { kind: 'aborted' };
      const remaining = deadline - performance.now();
      if (remaining <= 0) return { kind: 'timeout' };
      await this.sleep(remaining, signal);
    }
  }

  /** Waits `ms`, or less when the connection closes or `signal` aborts. */
  async hold(ms: number, signal: AbortSignal): Promise<void> {
    const deadline = performance.now() + ms;
    while (!this.close && !signal.aborted) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) return;
      await this.sleep(remaining, signal);
    }
  }

  /** On a connection that is no longer open: waits for its close event (code and reason), at most `timeoutMs`. */
  private async closing(timeoutMs: number, signal: AbortSignal): Promise<WaitEnd> {
    const deadline = performance.now() + timeoutMs;
    while (!this.close && !signal.aborted) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) return { kind: 'timeout' };
      await this.sleep(remaining, signal);
    }
    return this.close ? { kind: 'closed', close: this.close } : { kind: 'aborted' };
  }

  /** Sleeps until woken by a message or close, the timeout, or an abort. */
  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
  }

  /** Round-trip time of one WebSocket ping, or why no pong came. */
  async ping(timeoutMs: number, signal: AbortSignal): Promise<{ kind: 'pong'; rttMs: number } | WaitEnd> {
    if (this.ws.readyState !== WebSocket.OPEN) return this.closing(timeoutMs, signal);
    const ws = this.ws;
    return new Promise((resolve) => {
      const start = performance.now();
      const done = (value: { kind: 'pong'; rttMs: number } | WaitEnd): void => {
        clearTimeout(timer);
        ws.off('pong', onPong);
        ws.off('close', onClose);
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      };
      function onPong(): void {
        done({ kind: 'pong', rttMs: performance.now() - start });
      }
      const onClose = (): void => done({ kind: 'closed', close: this.close ?? { code: 1006, reason: '', atMs: this.elapsedMs() } });
      function onAbort(): void {
        done({ kind: 'aborted' });
      }
      const timer = setTimeout(() => done({ kind: 'timeout' }), timeoutMs);
      ws.on('pong', onPong);
      // Registered after the session's own close listener, so `this.close` is set when this one runs.
      ws.once('close', onClose);
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        ws.ping();
      } catch {
        done({ kind: 'closed', close: this.close ?? { code: 1006, reason: '', atMs: this.elapsedMs() } });
      }
    });
  }

  /** Queues one message without waiting for it to be written; why it could not be, or null. */
  write(text: string): string | null {
    if (this.ws.readyState !== WebSocket.OPEN) return 'the connection was already closing';
    this.ws.send(text);
    return null;
  }

  /** Sends one message; resolves with why it failed, or null once it is written. Never waits past timeoutMs. */
  async send(text: string, timeoutMs: number): Promise<string | null> {
    if (this.ws.readyState !== WebSocket.OPEN) {
      const end = await this.closing(timeoutMs, new AbortController().signal);
      return `the connection was already closing: ${waitEndText(end, timeoutMs)}`;
    }
    const ws = this.ws;
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => resolve(`not written within ${timeoutMs} ms (the server stopped reading; ${ws.bufferedAmount} bytes queued)`),
        timeoutMs,
      );
      ws.send(text, (err) => {
        clearTimeout(timer);
        resolve(err ? err.message : null);
      });
    });
  }

  /**
   * Runs the adapter's opening exchange: waits for the server's greeting, sends the opening message and waits
   * for its acknowledgement. Resolves with null on success, or a sentence saying what went wrong.
   */
  async open(timeoutMs: number, signal: AbortSignal): Promise<string | null> {
    return (await this.opening(timeoutMs, signal))?.text ?? null;
  }

  /** As open(), with how the opening failed: no answer, the server closed, refused, or our message not written. */
  async opening(timeoutMs: number, signal: AbortSignal): Promise<OpeningProblem | null> {
    const opening = this.adapter.opening;
    if (!opening) return null;
    const name = this.adapter.id;
    const ended = (end: WaitEnd): OpeningProblem['kind'] => (end.kind === 'closed' ? 'closed' : 'no-reply');
    if (opening.greeting) {
      const greeting = await this.next(timeoutMs, signal, opening.greeting.matches);
      if (greeting.kind !== 'message') {
        return { kind: ended(greeting), text: `${name}: ${opening.greeting.describe} did not arrive: ${waitEndText(greeting, timeoutMs)}` };
      }
    }
    this.clearInbox();
    // The acknowledgement is waited for anyway: a write that fails closes the connection, which ends that wait.
    const sendError = this.write(opening.send);
    if (sendError) return { kind: 'not-sent', text: `${name}: the opening message ${opening.send} could not be sent: ${sendError}` };
    let refusal: string | null = null;
    const ack = await this.next(timeoutMs, signal, (text) => {
      refusal = opening.refusal?.(text) ?? null;
      return refusal !== null || opening.ack.matches(text);
    });
    if (ack.kind !== 'message') {
      return {
        kind: ended(ack),
        text: `${name}: ${opening.ack.describe} did not arrive after ${opening.send}: ${waitEndText(ack, timeoutMs)}`,
      };
    }
    if (refusal) return { kind: 'refused', text: `${name}: ${refusal}` };
    return null;
  }
}

/** Why an opening exchange failed, and the sentence that says so. */
export interface OpeningProblem {
  kind: 'no-reply' | 'closed' | 'refused' | 'not-sent';
  text: string;
}

/** `code 4401 "Unauthorized"`, or `code 1005 (no reason given)`. */
export function closeText(close: { code: number; reason: string }): string {
  return `code ${close.code} ${close.reason ? JSON.stringify(close.reason.slice(0, 200)) : '(no reason given)'}`;
}

/** Why a wait ended, as the end of a sentence. */
export function waitEndText(end: WaitEnd, timeoutMs: number): string {
  switch (end.kind) {
    case 'closed':
      return `the server closed the connection (${closeText(end.close)}) at ${Math.round(end.close.atMs)} ms`;
    case 'timeout':
      return `nothing within ${timeoutMs} ms`;
    case 'aborted':
      return 'the run was stopped';
  }
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

function rawLength(data: WebSocket.RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return (data as ArrayBuffer).byteLength;
}
