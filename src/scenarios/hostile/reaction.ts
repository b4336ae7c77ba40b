// What the server did on a hostile connection: its close frame, a drop, or nothing, with a ping behind the hostile
// bytes whose pong proves it read past them and stayed.

import { pingFrame } from '../../client/frames.js';
import { RawOpenError, type RawSocket } from '../../client/raw-socket.js';
import { now } from '../../model/clock.js';
import type { Observed } from './case.js';

/** The payload of the ping sent after a hostile frame: its pong proves the server read past the frame and stayed. */
export const PROBE = Buffer.from('hostile-probe');
/** How long a kept-open verdict waits after the probe's pong for a close that might still be on its way. */
const AFTER_PROBE_MS = 30;

/** The server's reaction as an outcome: its close frame, a drop, or nothing. */
export function reaction(raw: RawSocket, start: number): Observed {
  if (raw.closeInfo) return { outcome: 'closed', code: raw.closeInfo.code, reason: raw.closeInfo.reason, ms: now() - start };
  if (raw.ended) {
    const reset = raw.endError?.code === 'ECONNRESET' ? { detail: 'the server reset the connection' } : {};
    return { outcome: 'dropped', ms: now() - start, ...reset };
  }
  return { outcome: 'kept-open', ms: now() - start };
}

/** Waits for a close or a drop; with `probe`, a pong to a ping sent behind the hostile bytes ends the wait early. */
export async function awaitReaction(
  raw: RawSocket,
  start: number,
  probe: boolean,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Observed> {
  const reacted = (): boolean => raw.closeInfo !== null || raw.ended;
  const probed = (): boolean => raw.lastPong !== null && raw.lastPong.equals(PROBE);
  if (probe) raw.write(pingFrame(PROBE));
  await raw.waitUntil(() => reacted() || (probe && probed()), timeoutMs, signal);
  const ms = now() - start;
  if (!reacted() && probe && probed()) await raw.waitUntil(reacted, AFTER_PROBE_MS, signal);
  return { ...reaction(raw, start), ms: reacted() ? now() - start : ms };
}

/** A handshake that failed where the case needed an open connection. */
export function refusedObservation(err: unknown, start: number): Observed {
  const e = err instanceof RawOpenError ? err : new RawOpenError('error', String(err));
  return {
    outcome: 'refused',
    ms: now() - start,
    ...(e.httpStatus !== undefined ? { httpStatus: e.httpStatus } : {}),
    detail: `the opening handshake failed (${e.failure}: ${e.message})`,
  };
}
