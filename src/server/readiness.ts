// Waits until the server completes a real WebSocket handshake, retrying with backoff.

import { setTimeout as sleep } from 'node:timers/promises';
import { closeConnection, openConnection, type Target } from '../client/connection.js';
import { candidateAddresses } from './endpoint.js';

export interface Ready {
  /** The target to use from now on (with the address that answered, for localhost). */
  target: Target;
  afterMs: number;
  attempts: number;
}

export class NotReadyError extends Error {
  constructor(
    message: string,
    readonly lastFailure: string | null,
  ) {
    super(message);
    this.name = 'NotReadyError';
  }
}

/**
 * Tries handshakes until one succeeds, `timeoutMs` passes, `signal` aborts, or `gaveUp()` returns a
 * reason (the server process exited). Backoff grows from 50 ms to 100 ms: a refused attempt costs little.
 */
export async function waitForHandshake(
  target: Target,
  options: { timeoutMs: number; signal: AbortSignal; gaveUp?: () => string | null },
): Promise<Ready> {
  const start = performance.now();
  const candidates = candidateAddresses(new URL(target.url).hostname).map((c) => c.pinned);
  let attempts = 0;
  let delay = 50;
  let last: string | null = null;
  for (;;) {
    for (const pinned of candidates) {
      const elapsed = performance.now() - start;
      const remaining = options.timeoutMs - elapsed;
      if (remaining <= 0) break;
      const reason = options.gaveUp?.();
      if (reason) throw new NotReadyError(reason, last);
      if (options.signal.aborted) throw new NotReadyError('stopped while waiting for the server to accept a handshake', last);
      const attemptTarget: Target = {
        ...target,
        connectTimeoutMs: Math.max(1, Math.min(target.connectTimeoutMs, remaining)),
        ...(pinned ? { pinned } : {}),
      };
      attempts += 1;
      const result = await openConnection(attemptTarget, options.signal);
      if (result.ok) {
        await closeConnection(result.ws, 'clean', target.closeTimeoutMs);
        return { target: { ...target, ...(pinned ? { pinned } : {}) }, afterMs: performance.now() - start, attempts };
      }
      last = `${result.failure}: ${result.message}`;
      // The server answered and its TLS will not change while we wait: say so now, not at startup-timeout-s.
      if (result.failure === 'tls') throw new NotReadyError(tlsFailureText(target.url, result.message), last);
    }
    const reason = options.gaveUp?.();
    if (reason) throw new NotReadyError(reason, last);
    const remaining = options.timeoutMs - (performance.now() - start);
    if (remaining <= 0) {
      throw new NotReadyError(
        `the server did not accept a WebSocket handshake at ${target.url} within ${Math.round(options.timeoutMs / 1000)} s (${attempts} attempts; last: ${last ?? 'none'})`,
        last,
      );
    }
    try {
      await sleep(Math.min(delay, remaining), undefined, { signal: options.signal });
    } catch {
      throw new NotReadyError('stopped while waiting for the server to accept a handshake', last);
    }
    delay = Math.min(delay * 2, 100);
  }
}

/** Why a wss:// handshake failed, with what to change. */
export function tlsFailureText(url: string, message: string): string {
  const plain = /wrong version number|EPROTO|packet length too long/i.test(message);
  const hint = plain
    ? 'the server does not speak TLS on this port: use a ws:// URL'
    : 'set ca-file to the PEM file of the CA that signed its certificate, or insecure-tls: true for a loopback test server';
  return `the TLS handshake with ${url} failed: ${message} (${hint})`;
}
