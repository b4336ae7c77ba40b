// Waits until the server completes a real WebSocket handshake and keeps the connection; fails fast on definite answers.

import { setTimeout as sleep } from 'node:timers/promises';
import type WebSocket from 'ws';
import { closeConnection, earlyClose, isDeliberateClose, openConnection, type HttpAnswer, type Target } from '../client/connection.js';
import { candidateAddresses } from './endpoint.js';

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
export type NotReadyKind = 'timeout' | 'http' | 'closes-at-once' | 'tls' | 'gave-up' | 'stopped';

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

/** How long to wait, when to give up, and what counts as definite. */
export interface ReadinessOptions {
  timeoutMs: number;
  signal: AbortSignal;
  /** A reason to give up (the server process exited), or null to go on. */
  gaveUp?: () => string | null;
  /** How long a new connection must stay open to count (a server that closes at once is not ready). Default 100. */
  settleMs?: number;
  /** A definite answer must repeat this many times, over at least `definiteAfterMs`, before start-up ends. Default 3. */
  definiteAttempts?: number;
  /** Default 1000: a server still starting can answer 404 or 400 for a moment (routes not mounted yet). */
  definiteAfterMs?: number;
  /**
   * Subprotocols to offer instead when the server refuses a handshake without one or closes it at once with 4406
   * (pass `knownSubprotocols()` for `protocol: auto` when the user set none). Empty: never.
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
}

/**
 * Tries handshakes until one succeeds and the connection stays open `settleMs`, `timeoutMs` passes, `signal`
 * aborts, `gaveUp()` returns a reason, or a definite answer repeats (an HTTP 4xx, a close right after the
 * handshake): waiting will not change those. Backoff grows from 50 ms to 100 ms: a refused attempt costs little.
 */
export async function waitForHandshake(target: Target, options: ReadinessOptions): Promise<Ready> {
  const start = performance.now();
  const settleMs = options.settleMs ?? 100;
  const definiteAttempts = options.definiteAttempts ?? 3;
  const definiteAfterMs = options.definiteAfterMs ?? 1000;
  const fallback = options.fallbackSubprotocols ?? [];
  const candidates = candidateAddresses(new URL(target.url).hostname).map((c) => c.pinned);
  const counts = new Map<string, { text: string; n: number }>();
  let streak = null as { key: string; n: number; sinceMs: number } | null;
  let offered = target.subprotocols;
  let refusedWithout: Outcome | null = null;
  let attempts = 0;
  let delay = 50;
  const elapsed = (): number => performance.now() - start;
  for (;;) {
    for (const pinned of candidates) {
      const remaining = options.timeoutMs - elapsed();
      if (remaining <= 0) break;
      const reason = options.gaveUp?.();
      if (reason) throw new NotReadyError(reason, 'gave-up');
      if (options.signal.aborted) throw new NotReadyError('stopped while waiting for the server to accept a handshake', 'stopped');
      const connectTimeoutMs = Math.max(1, Math.min(target.connectTimeoutMs, remaining));
      const attemptTarget: Target = { ...target, subprotocols: offered, connectTimeoutMs, ...(pinned ? { pinned } : {}) };
      attempts += 1;
      const outcome = await attempt(attemptTarget, connectTimeoutMs < target.connectTimeoutMs, settleMs, options.signal);
      if (outcome === null) {
        const ready: Ready = {
          target: { ...target, subprotocols: offered, ...(pinned ? { pinned } : {}) },
          afterMs: elapsed(),
          attempts,
        };
        if (refusedWithout) ready.note = `${refusedWithout.text} without a subprotocol; it accepted ${offered.join(', ')}`;
        return ready;
      }
      if (outcome.key === 'tls') throw new NotReadyError(tlsFailureText(target.url, outcome.text.replace(/^tls: /, '')), 'tls');
      if (outcome.cut) continue;
      const seen = counts.get(outcome.key) ?? { text: outcome.text, n: 0 };
      seen.n += 1;
      seen.text = outcome.text;
      counts.set(outcome.key, seen);
      if (offered.length === 0 && fallback.length > 0 && wantsSubprotocol(outcome)) {
        // Not a failure yet: the next attempts offer the known subprotocols.
        refusedWithout = outcome;
        offered = fallback;
        streak = null;
        continue;
      }
      streak =
        streak !== null && streak.key === outcome.key ? { ...streak, n: streak.n + 1 } : { key: outcome.key, n: 1, sinceMs: elapsed() };
      if (isDefinite(outcome) && streak.n >= definiteAttempts && elapsed() - streak.sinceMs >= definiteAfterMs) {
        const text = definiteFailureText(target.url, offered, outcome, { attempts: streak.n, overMs: elapsed() - streak.sinceMs });
        throw new NotReadyError(
          refusedWithout ? `${text} (without a subprotocol: ${refusedWithout.text})` : text,
          outcome.close ? 'closes-at-once' : 'http',
        );
      }
    }
    const reason = options.gaveUp?.();
    if (reason) throw new NotReadyError(reason, 'gave-up');
    const remaining = options.timeoutMs - elapsed();
    if (remaining <= 0) {
      throw new NotReadyError(
        `the server did not accept a WebSocket handshake at ${target.url} within ${Math.round(options.timeoutMs / 1000)} s (${attempts} ` +
          `attempts; ${failureSummary(counts)})`,
        'timeout',
      );
    }
    try {
      await sleep(Math.min(delay, remaining), undefined, { signal: options.signal });
    } catch {
      throw new NotReadyError('stopped while waiting for the server to accept a handshake', 'stopped');
    }
    delay = Math.min(delay * 2, 100);
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

/** HTTP answers that will not change while the server starts: client errors, except timeouts and rate limits. */
function isDefinite(outcome: Outcome): boolean {
  if (outcome.close) return isDeliberateClose(outcome.close.code);
  const status = outcome.response?.status ?? Number(/^http-(\d{3})$/.exec(outcome.key)?.[1] ?? 0);
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/** A refusal or a close that servers give when the client offered no subprotocol they speak. */
function wantsSubprotocol(outcome: Outcome): boolean {
  if (outcome.close) return outcome.close.code === 4406 || outcome.close.code === 1002 || /protocol/i.test(outcome.close.reason);
  const status = outcome.response?.status ?? 0;
  return status === 400 || status === 406 || status === 426;
}

/** `code 4406 "Subprotocol not acceptable"`. */
function closeWords(close: { code: number; reason: string }): string {
  return `code ${close.code}${close.reason ? ` ${JSON.stringify(close.reason.slice(0, 200))}` : ' (no reason given)'}`;
}

/** The subprotocol a refusal names (in its Sec-WebSocket-Protocol header or its body), or null. */
export function askedSubprotocol(response: HttpAnswer): string | null {
  if (response.protocolHeader) return response.protocolHeader.trim();
  const named = /(?:sub-?)?protocols?\b[^:\n]{0,40}?:\s*["'`]?([A-Za-z0-9][A-Za-z0-9._+-]*(?:\s*,\s*[A-Za-z0-9][A-Za-z0-9._+-]*)*)/i.exec(
    response.body,
  );
  return named?.[1] ?? null;
}

/**
 * The sentence for a definite answer that repeated: what the server said and its likely cause (wrong path,
 * missing credentials, a subprotocol it requires, or a server that closes every connection right away).
 */
export function definiteFailureText(
  url: string,
  offered: readonly string[],
  outcome: { response?: HttpAnswer; close?: { code: number; reason: string }; key: string },
  seen: { attempts: number; overMs: number },
): string {
  const over = `${seen.attempts} attempts over ${(seen.overMs / 1000).toFixed(1)} s`;
  if (outcome.close) {
    const close = outcome.close;
    let cause = "check the server's log for why";
    if (close.code === 4406 || close.code === 1002 || /protocol/i.test(close.reason)) {
      cause =
        offered.length > 0
          ? `it does not accept the subprotocols offered (${offered.join(', ')})`
          : 'it wants a subprotocol: offer it with subprotocols (graphql-transport-ws for graphql-ws), or set protocol: auto';
    } else if (close.code === 1008 || close.code === 4401 || close.code === 4403 || /auth|token|forbidden|credential/i.test(close.reason)) {
      cause = 'it refuses the client: add the credentials it expects with headers';
    }
    return (
      `the server accepts the WebSocket handshake at ${url} but closes every connection right away (${closeWords(close)}; ` +
      `${over}): ${cause}`
    );
  }
  const response = outcome.response;
  const status = response?.status ?? Number(/^http-(\d{3})$/.exec(outcome.key)?.[1] ?? 0);
  const body = response?.body.replace(/\s+/g, ' ').trim() ?? '';
  const said = body ? ` ${JSON.stringify(body.slice(0, 120))}` : '';
  const head = `the server answered HTTP ${status}${said} to every WebSocket handshake at ${url} (${over})`;
  const path = new URL(url).pathname + new URL(url).search;
  const asked = response ? askedSubprotocol(response) : null;
  if (asked || (status === 400 && /protocol/i.test(body))) {
    const which = asked ? `: it asks for ${asked}; set subprotocols: ${asked}` : ': offer the one it expects with subprotocols';
    const refused = offered.length > 0 ? ` (offered: ${offered.join(', ')})` : '';
    return `${head}: it requires a subprotocol${refused}${which}`;
  }
  if (status === 404 || status === 410) {
    return `${head}: the path ${path} is likely wrong; check the URL's path (Socket.IO listens on /socket.io/?EIO=4&transport=websocket)`;
  }
  if (status === 401 || status === 403 || status === 407) {
    return `${head}: it wants credentials; add them with headers (for example Authorization: Bearer …) or check the ones given`;
  }
  if (status === 400 || status === 426) {
    const none = offered.length === 0 ? 'none was offered' : `offered: ${offered.join(', ')}`;
    return `${head}: it rejects the handshake; it may require a subprotocol (${none}; set subprotocols), a header, or another path`;
  }
  return `${head}: waiting will not change a ${status}`;
}

/**
 * `most frequent: reset: socket hang up (290 of 293)`, from the counted (not budget-cut) failures. Refusals are
 * what a server that is still starting gives: once any attempt got further, the summary is about those attempts.
 */
function failureSummary(counts: Map<string, { text: string; n: number }>): string {
  const answered = [...counts.entries()].filter(([key]) => key !== 'refused');
  const pool = answered.length > 0 ? answered.map(([, entry]) => entry) : [...counts.values()];
  let top: { text: string; n: number } | null = null;
  let total = 0;
  for (const entry of pool) {
    total += entry.n;
    if (!top || entry.n > top.n) top = entry;
  }
  if (!top) return 'no attempt completed';
  const refused = answered.length > 0 ? (counts.get('refused')?.n ?? 0) : 0;
  const before = refused > 0 ? `, after ${refused} refused while the port was not yet listening` : '';
  return `most frequent: ${top.text} (${top.n} of ${total}${before})${summaryHint(top.text)}`;
}

/** What the most frequent failure suggests, when it suggests something. */
function summaryHint(failure: string): string {
  if (/socket hang up/i.test(failure)) {
    return (
      '; the server takes the TCP connection but hangs up on the upgrade request: likely a wrong path (Socket.IO listens on ' +
      '/socket.io/?EIO=4&transport=websocket)'
    );
  }
  if (failure.startsWith('refused')) return '; nothing listens on the port: check the port and that the server binds 127.0.0.1';
  if (failure.startsWith('timeout')) return '; the server takes the TCP connection but never answers the upgrade request';
  return '';
}

/** The sentence for a server command that exited before the server accepted a handshake. */
export function exitBeforeReadyText(exit: { code: number | null; signal: string | null }): string {
  if (exit.signal) return `the server was killed by signal ${exit.signal} before accepting a handshake`;
  if (exit.code === 0) {
    return (
      'the server command exited (code 0) before accepting a handshake: the server command must keep running in the foreground (no ' +
      'trailing &, nohup, setsid or daemon mode)'
    );
  }
  return `the server crashed before accepting a handshake (exit code ${exit.code})`;
}

/** Why a wss:// handshake failed, with what to change. */
export function tlsFailureText(url: string, message: string): string {
  const plain = /wrong version number|EPROTO|packet length too long/i.test(message);
  const hint = plain
    ? 'the server does not speak TLS on this port: use a ws:// URL'
    : 'set ca-file to the PEM file of the CA that signed its certificate, or insecure-tls: true for a loopback test server';
  return `the TLS handshake with ${url} failed: ${message} (${hint})`;
}
