// The stalled handshakes: a request dribbled a byte at a time and garbage instead of HTTP, held open together for
// close-timeout-ms while normal handshakes must still succeed.

import { setTimeout as sleep } from 'node:timers/promises';
import type { Target } from '../../client/connection.js';
import { newKey, upgradeRequest } from '../../client/handshake.js';
import { RawSocket } from '../../client/raw-socket.js';
import { now } from '../../model/clock.js';
import type { HostileCaseId } from '../../model/hostile.js';
import type { Observed, StallCase } from './case.js';
import { refusedObservation } from './reaction.js';

/** The slow handshake's pace: one byte per interval. */
const DRIBBLE_MS = 100;
/** Instead of an HTTP request: a TLS ClientHello's first bytes, a NUL and binary noise, then a blank line. */
const GARBAGE = Buffer.concat([
  Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x00, 0xff, 0xfe]),
  Buffer.from('\u0000garbage\r\n\r\n', 'latin1'),
]);
/** When, as a share of the window, a normal handshake is tried while the stalled ones are held. */
const SERVED_PROBES_AT = [1 / 4, 1 / 2];

export const slowHandshake: StallCase = {
  id: 'slow-handshake',
  kind: 'stall',
  title: `handshake dribbled a byte per ${DRIBBLE_MS} ms`,
  expected: 'drop it, or keep serving others meanwhile',
  matchesRfc: (o) => o.outcome === 'dropped' || o.outcome === 'refused' || (o.outcome === 'kept-open' && o.servedOthers === true),
  begin(raw, target) {
    const request = Buffer.from(upgradeRequest(target.url, newKey(), target.subprotocols, target.headers), 'latin1');
    let sent = 0;
    // Never the last byte: the request must not complete however long the window.
    const dribble = (): void => {
      if (sent < request.length - 1) raw.write(request.subarray(sent, ++sent));
    };
    dribble();
    const timer = setInterval(dribble, DRIBBLE_MS);
    return () => clearInterval(timer);
  },
};

export const garbageHandshake: StallCase = {
  id: 'garbage-handshake',
  kind: 'stall',
  title: 'garbage instead of HTTP',
  expected: 'HTTP 4xx or drop',
  matchesRfc: (o) =>
    o.outcome === 'dropped' || (o.outcome === 'refused' && o.httpStatus !== undefined && o.httpStatus >= 400 && o.httpStatus < 500),
  begin(raw) {
    raw.write(GARBAGE);
    return () => {};
  },
};

/** Handshakes tried while the stalled ones were held: succeeded / tried. */
export interface Served {
  tried: number;
  succeeded: number;
}

/**
 * Holds every stall case open together for `target.closeTimeoutMs`; meanwhile `accepts` (a normal handshake)
 * must succeed at a quarter and at half of the window.
 */
export async function runStalls(
  cases: readonly StallCase[],
  target: Target,
  signal: AbortSignal,
  accepts: () => Promise<boolean>,
): Promise<{ cases: Array<[HostileCaseId, Observed]>; served: Served }> {
  const windowMs = target.closeTimeoutMs;
  const running = cases.map((c) => stall(c, target, windowMs, signal));
  const served = { tried: 0, succeeded: 0 };
  const start = now();
  for (const share of SERVED_PROBES_AT) {
    const wait = share * windowMs - (now() - start);
    if (wait > 0) await sleep(wait, undefined, { signal }).catch(() => undefined);
    if (signal.aborted) break;
    served.tried += 1;
    if (await accepts()) served.succeeded += 1;
  }
  const observed = await Promise.all(running);
  const servedOthers = served.tried > 0 && served.succeeded === served.tried;
  return { cases: cases.map((c, i) => [c.id, { ...observed[i]!, servedOthers }]), served };
}

/** One broken handshake held for `windowMs`: the server should drop it (or answer it with an HTTP error). */
async function stall(c: StallCase, target: Target, windowMs: number, signal: AbortSignal): Promise<Observed> {
  const start = now();
  let raw: RawSocket;
  try {
    raw = await RawSocket.connect(target, { signal });
  } catch (err) {
    return refusedObservation(err, start);
  }
  const stop = c.begin(raw, target);
  try {
    await raw.waitUntil(() => raw.ended, windowMs, signal);
    const ms = now() - start;
    const status = httpStatusOf(raw.received);
    if (status !== null) {
      return {
        outcome: 'refused',
        httpStatus: status,
        ms,
        ...(raw.ended ? {} : { detail: 'the server answered but kept the connection open' }),
      };
    }
    if (raw.ended) return { outcome: 'dropped', ms };
    return raw.received.length > 0
      ? { outcome: 'kept-open', ms, detail: 'the server sent something other than HTTP' }
      : { outcome: 'kept-open', ms };
  } finally {
    stop();
    raw.destroy();
  }
}

/** The status of an HTTP response at the start of `data`, or null when there is none. */
function httpStatusOf(data: Buffer): number | null {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(data.subarray(0, 16).toString('latin1'));
  return match ? Number(match[1]) : null;
}
