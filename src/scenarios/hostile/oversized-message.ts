// oversized-message: one binary message of hostile-max-bytes, sent for real, a chunk at a time with backpressure,
// until the server closes, drops, or stops reading.

import { randomBytes } from 'node:crypto';
import { frameHeader, OPCODE } from '../../client/frames.js';
import type { RawSocket } from '../../client/raw-socket.js';
import { now } from '../../model/clock.js';
import { closedOrDropped, type FrameCase, type Observed } from './case.js';
import { awaitReaction, reaction } from './reaction.js';

/** Bytes per write (a multiple of 4, so every chunk starts at the same mask offset). */
const CHUNK = 64 * 1024;

/** Sends the message; stops writing at the server's reaction or when it stops reading for `timeoutMs`. */
async function oversized(raw: RawSocket, maxBytes: number, timeoutMs: number, signal: AbortSignal): Promise<Observed> {
  const start = now();
  const key = randomBytes(4);
  // Zeros masked with the key are the key repeated: one chunk serves for the whole message.
  const chunk = Buffer.alloc(CHUNK);
  for (let i = 0; i < CHUNK; i++) chunk[i] = key[i & 3]!;
  const reacted = (): boolean => raw.closeInfo !== null || raw.ended || signal.aborted;
  raw.write(frameHeader({ opcode: OPCODE.binary }, maxBytes, key));
  let sent = 0;
  let stalled = false;
  while (sent < maxBytes && !reacted()) {
    const n = Math.min(CHUNK, maxBytes - sent);
    const flushed = raw.write(n === CHUNK ? chunk : chunk.subarray(0, n));
    sent += n;
    if (!flushed && !(await raw.drain(timeoutMs, reacted, signal)) && !reacted()) {
      stalled = true;
      break;
    }
  }
  const observed = stalled ? reaction(raw, start) : await awaitReaction(raw, start, true, timeoutMs, signal);
  const took = observed.outcome === 'kept-open' && sent === maxBytes && !stalled;
  return {
    ...observed,
    bytesSent: sent,
    ...(stalled ? { detail: `the server stopped reading after ${sent} bytes and did not close within ${timeoutMs} ms` } : {}),
    ...(took ? { detail: `the server took all ${maxBytes} bytes and stayed open` } : {}),
  };
}

export const oversizedMessage: FrameCase = {
  id: 'oversized-message',
  kind: 'frame',
  title: 'binary message of hostile-max-bytes',
  expected: "close 1009 if above the server's size limit, or take it within that limit (section 10.4); its memory is judged",
  // Within the server's own limit (ws allows 100 MiB) taking it whole is conformant; memory growth is judged apart.
  matchesRfc: (o) => closedOrDropped(o) || o.outcome === 'kept-open',
  run: (raw, { spec, timeoutMs, signal }) => oversized(raw, spec.maxBytes, timeoutMs, signal),
};
