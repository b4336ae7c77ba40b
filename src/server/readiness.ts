// Waits until the server completes a real WebSocket handshake and keeps the connection; fails fast on definite answers.

import { setTimeout as sleep } from 'node:timers/promises';
import type WebSocket from 'ws';
import { closeConnection, earlyClose, isDeliberateClose, openConnection, type HttpAnswer, type Target } from '../client/connection.js';
import { candidateAddresses } from './endpoint.js';
import { closeWords, definiteFailureText, failureSummary, tlsFailureText, type FailureCounts } from './readiness-text.js';

export { askedSubprotocol, definiteFailureText, exitBeforeReadyText, tlsFailureText } from './readiness-text.js';

/** A server that took a handshake and kept the connection. */
export interface Ready {
  /** The target to use from now on (with the address that answered, for localhost, and an accepted fallback subprotocol). */
  target: Target;
  afterMs: number;
  attempts: number;
  /** Set when the server took the handshake only with a fallback subprotocol: what happened, for the report. */
  note?: string;
}

/** Why start-up gave up: the budget ran out, a definite answer repeated, TLS, the process exited, or the run stopped. */
export type NotReadyKind = 'timeout' | 'http' | 'closes-at-once' | 'hangs-up' | 'tls' | 'gave-up' | 'stopped';

/** Start-up ended without a ready server: the message is the sentence for the report, `kind` says why. */
export class NotReadyError extends Error {
  constructor(
    message: string,
    readonly kind: NotReadyKind = 'timeout',
  ) {
    super(message);
    this.name = 'NotReadyError';
  }
}

/** How long a new connection must stay open to count: a server that closes at once is not ready. */
export const SETTLE_MS = 100;
/** A definite answer must repeat this many times in a row... */
export const DEFINITE_ATTEMPTS = 3;
/** ...over at least this long: a server still starting can answer 404 or 400 for a moment (routes not mounted yet). */
export const DEFINITE_AFTER_MS = 1000;
/**
 * A hang-up on the upgrade (the TCP connection taken, no HTTP answer) must repeat at least this long: a server may
 * listen a moment before its WebSocket handler is attached, and Node hangs up on an upgrade nobody handles.
 */
export const HANGUP_DEFINITE_AFTER_MS = 2000;
/** The pause between rounds of attempts that reached a server (an HTTP error, a hang-up, a close) grows from the first to the last. */
const FIRST_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 100;
/**
 * The pause after a round in which every attempt was refused: nothing listens yet, and a refused connect costs the
 * server nothing, so the gate looks again soon (a backoff here is latency added to every run's start-up).
 */
const REFUSED_RETRY_MS = 25;

/** How long to wait, when to give up, and what counts as definite. */
export interface ReadinessOptions {
  timeoutMs: number;
  signal: AbortSignal;
  /** A reason to give up (the server process exited), or null to go on. */
  gaveUp?: () => string | null;
  /** Default SETTLE_MS. */
  settleMs?: number;
  /** Default DEFINITE_ATTEMPTS. */
  definiteAttempts?: number;
  /** Default DEFINITE_AFTER_MS (HANGUP_DEFINITE_AFTER_MS for hang-ups, whichever is longer). */
  definiteAfterMs?: number;
  /**
   * Subprotocols to offer instead when the server refuses a handshake without one or closes it at once with 4406
   * (pass `knownSubprotocols()` for `protocol: auto` when the user set none). Tried once: a server that refuses
   * them too is spoken to as the user configured it. Empty: never.
   */
  fallbackSubprotocols?: string[];
}

/** One attempt's outcome, as counted for the failure summary and for the fail-fast rule. */
interface Outcome {
  /** What is counted and compared between attempts: `http-404`, `closes-4406`, `refused`, ... */
  key: string;
  /** The same, with its message: shown as the most frequent failure. */
  text: string;
  response?: HttpAnswer;
  close?: { code: number; reason: string };
  /** A timeout of an attempt whose connect timeout was cut by the remaining budget: not a real failure. */
  cut: boolean;
  /** Node's error code, when the attempt ended with one. */
  code?: string;
}

/** The same outcome, attempt after attempt: how many times, since when. */
interface Streak {
  key: string;
  n: number;
  sinceMs: number;
}

/**
 * One wait for a ready server: what it offers, what it saw, and when it gives up. Each attempt's outcome goes
 * through `judge`, which throws when waiting cannot help; `throwIfOver` is the one place the budget, the
 * server's exit and the run's stop end the wait.
 */
class HandshakeWait {
  private readonly start = performance.now();
  private readonly counts: FailureCounts = new Map();
  /** Per address tried (localhost has two): one that refuses must not break the other's streak. */
  private readonly streaks = new Map<string, Streak>();
  /** The subprotocols offered now: the user's, or the fallback while it is tried. */
  private offered: string[];
  /** The refusal that made us try the fallback subprotocols, once tried. */
  private fallback: { refusal: Outcome; result: Outcome | null } | null = null;
  attempts = 0;

  constructor(
    private readonly target: Target,
    private readonly options: ReadinessOptions,
  ) {
    this.offered = target.subprotocols;
  }

  elapsed(): number {
    return performance.now() - this.start;
  }

  /** Throws when the server exited, the run stopped or the budget ran out; else the budget left. */
  throwIfOver(): number {
    const reason = this.options.gaveUp?.();
    if (reason) throw new NotReadyError(reason, 'gave-up');
    if (this.options.signal.aborted) throw new NotReadyError('stopped while waiting for the server to accept a handshake', 'stopped');
    const remaining = this.options.timeoutMs - this.elapsed();
    if (remaining <= 0) {
      throw new NotReadyError(
        `the server did not accept a WebSocket handshake at ${this.target.url} within ${Math.round(this.options.timeoutMs / 1000)} s ` +
          `(${this.attempts} attempts; ${failureSummary(this.counts)})`,
        'timeout',
      );
    }
    return remaining;
  }

  /** The target of the next attempt, its connect timeout cut to the budget left. */
  nextTarget(pinned: Target['pinned'], remaining: number): Target {
    const connectTimeoutMs = Math.max(1, Math.min(this.target.connectTimeoutMs, remaining));
    return { ...this.target, subprotocols: this.offered, connectTimeoutMs, ...(pinned ? { pinned } : {}) };
  }

  ready(pinned: Target['pinned']): Ready {
    const ready: Ready = {
      target: { ...this.target, subprotocols: this.offered, ...(pinned ? { pinned } : {}) },
      afterMs: this.elapsed(),
      attempts: this.attempts,
    };
    if (this.fallback && this.offered !== this.target.subprotocols) {
      ready.note = `${this.fallback.refusal.text} without a subprotocol; it accepted ${this.offered.join(', ')}`;
    }
    return ready;
  }

  /** Counts a failed attempt at `address`; throws when the same definite answer has repeated long enough. */
  judge(outcome: Outcome, address: string): void {
    if (outcome.key === 'tls')
      throw new NotReadyError(tlsFailureText(this.target.url, outcome.text.replace(/^tls: /, ''), outcome.code), 'tls');
    if (outcome.cut) return;
    const seen = this.counts.get(outcome.key) ?? { text: outcome.text, n: 0 };
    seen.n += 1;
    seen.text = outcome.text;
    this.counts.set(outcome.key, seen);
    if (this.offered !== this.target.subprotocols) {
      // The fallback was refused as well: back to what the user configured, whose refusal is the answer.
      this.fallback!.result = outcome;
      this.offered = this.target.subprotocols;
      return;
    }
    const fallback = this.options.fallbackSubprotocols ?? [];
    if (this.fallback === null && this.offered.length === 0 && fallback.length > 0 && wantsSubprotocol(outcome)) {
      // Not a failure yet: the next attempt offers the known subprotocols.
      this.fallback = { refusal: outcome, result: null };
      this.offered = fallback;
      return;
    }
    const last = this.streaks.get(address);
    const streak = last?.key === outcome.key ? { ...last, n: last.n + 1 } : { key: outcome.key, n: 1, sinceMs: this.elapsed() };
    this.streaks.set(address, streak);
    const kind = definiteKind(outcome);
    const overMs = this.elapsed() - streak.sinceMs;
    if (kind === null || streak.n < (this.options.definiteAttempts ?? DEFINITE_ATTEMPTS) || overMs < this.definiteAfterMs(kind)) return;
    const text = definiteFailureText(this.target.url, this.offered, outcome, { attempts: streak.n, overMs });
    throw new NotReadyError(`${text}${this.fallbackWords()}`, kind);
  }

  private definiteAfterMs(kind: NotReadyKind): number {
    const asked = this.options.definiteAfterMs ?? DEFINITE_AFTER_MS;
    return kind === 'hangs-up' ? Math.max(asked, HANGUP_DEFINITE_AFTER_MS) : asked;
  }

  /** What the fallback subprotocols got, when they were tried. */
  private fallbackWords(): string {
    if (!this.fallback) return '';
    const offered = (this.options.fallbackSubprotocols ?? []).join(', ');
    const result = this.fallback.result;
    return result ? ` (offered ${offered} as well: ${result.text})` : '';
  }
}

/**
 * Tries handshakes until one succeeds and the connection stays open `settleMs`, `timeoutMs` passes, `signal`
 * aborts, `gaveUp()` returns a reason, or a definite answer repeats (an HTTP 4xx, a close right after the
 * handshake, a hang-up on every upgrade): waiting will not change those.
 */
export async function waitForHandshake(target: Target, options: ReadinessOptions): Promise<Ready> {
  const wait = new HandshakeWait(target, options);
  const candidates = candidateAddresses(new URL(target.url).hostname).map((c) => c.pinned);
  const settleMs = options.settleMs ?? SETTLE_MS;
  let backoff = FIRST_BACKOFF_MS;
  for (;;) {
    let allRefused = true;
    for (const pinned of candidates) {
      const attemptTarget = wait.nextTarget(pinned, wait.throwIfOver());
      wait.attempts += 1;
      const outcome = await attempt(attemptTarget, attemptTarget.connectTimeoutMs < target.connectTimeoutMs, settleMs, options.signal);
      if (outcome === null) return wait.ready(pinned);
      wait.judge(outcome, pinned?.address ?? '');
      if (outcome.key !== 'refused') allRefused = false;
    }
    const remaining = wait.throwIfOver();
    const pause = allRefused ? REFUSED_RETRY_MS : backoff;
    if (!allRefused) backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    await sleep(Math.min(pause, remaining), undefined, { signal: options.signal }).catch(() => undefined);
  }
}

/** One handshake: null when it opened and stayed open `settleMs` (then closed cleanly), else what happened. */
async function attempt(target: Target, budgetCut: boolean, settleMs: number, signal: AbortSignal): Promise<Outcome | null> {
  const result = await openConnection(target, signal);
  if (!result.ok) {
    // An attempt whose timeout the remaining budget shortened says nothing about the server.
    const cut = budgetCut && result.failure === 'timeout';
    return {
      key: result.failure,
      text: `${result.failure}: ${result.message}`,
      ...(result.response ? { response: result.response } : {}),
      ...(result.code ? { code: result.code } : {}),
      cut,
    };
  }
  const close = await closedWithin(result.ws, settleMs, signal);
  // A drop (1006) or a failure code (1011, ...) is the server's fault, for the scenarios to measure; a deliberate
  // close (4406, 4401, 1008, ...) answers something about the client that waiting will not change.
  if (close === null || !isDeliberateClose(close.code)) {
    await closeConnection(result.ws, 'clean', target.closeTimeoutMs);
    return null;
  }
  await closeConnection(result.ws, 'abrupt', target.closeTimeoutMs);
  return { key: `closes-${close.code}`, text: `closed at once with ${closeWords(close)}`, close, cut: false };
}

/** The server's close if it arrives within `ms`, else null (the connection is left open). */
function closedWithin(ws: WebSocket, ms: number, signal: AbortSignal): Promise<{ code: number; reason: string } | null> {
  return new Promise((resolve) => {
    const done = (value: { code: number; reason: string } | null): void => {
      clearTimeout(timer);
      ws.off('close', onClose);
      signal.removeEventListener('abort', onAbort);
      resolve(value);
    };
    function onClose(code: number, reason: Buffer): void {
      done({ code, reason: reason.toString('utf8') });
    }
    function onAbort(): void {
      done(null);
    }
    const timer = setTimeout(() => done(null), ms);
    ws.once('close', onClose);
    if (ws.readyState === ws.CLOSED) done(earlyClose(ws) ?? { code: 1006, reason: '' });
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The kind of a definite answer, or null when waiting may change it: an HTTP client error (except timeouts and
 * rate limits), a deliberate close right after the handshake, or a hang-up on the upgrade (`reset`: the TCP
 * connection was taken, so the port is open, and dropped before any HTTP answer).
 */
function definiteKind(outcome: Outcome): NotReadyKind | null {
  if (outcome.close) return isDeliberateClose(outcome.close.code) ? 'closes-at-once' : null;
  if (outcome.key === 'reset') return 'hangs-up';
  const status = outcome.response?.status ?? Number(/^http-(\d{3})$/.exec(outcome.key)?.[1] ?? 0);
  return status >= 400 && status < 500 && status !== 408 && status !== 429 ? 'http' : null;
}

/** A refusal or a close that servers give when the client offered no subprotocol they speak. */
function wantsSubprotocol(outcome: Outcome): boolean {
  if (outcome.close) return outcome.close.code === 4406 || outcome.close.code === 1002 || /protocol/i.test(outcome.close.reason);
  const status = outcome.response?.status ?? 0;
  return status === 400 || status === 406 || status === 426;
}
