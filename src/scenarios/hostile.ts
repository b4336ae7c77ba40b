// The hostile scenario: malformed frames, floods and broken handshakes, each on its own raw connection, then a liveness check.

import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { caseMatchesRfc, HOSTILE_CASES, notRunCase, type CaseObservation } from '../analysis/hostile.js';
import { closeConnection, openConnection, type Target } from '../client/connection.js';
import { OPCODE, frameHeader, malformed, pingFrame } from '../client/frames.js';
import { newKey, upgradeRequest } from '../client/handshake.js';
import { RawOpenError, RawSocket, openRaw } from '../client/raw-socket.js';
import { HOSTILE_CASE_IDS, type HostileCaseId, type HostileCaseResult, type HostileResult } from '../model/hostile.js';
import { now } from '../model/clock.js';

/** The scenario's own settings (from the hostile-* inputs). */
export interface HostileSpec {
  /** `hostile-max-bytes`: the size of the oversized message, sent for real until the server reacts. */
  maxBytes: number;
  /** `hostile-pings`: pings in the flood, written at once. */
  pings: number;
  /** The cases to run, in HOSTILE_CASE_IDS order; default all. */
  cases?: readonly HostileCaseId[];
}

/** The run's stop signal and what the scenario may learn about the server process. */
export interface HostileProbes {
  signal: AbortSignal;
  /** False once the server process exited; absent when it cannot be watched (attach without a pid). */
  isServerAlive?: () => boolean;
  /** The server tree's memory in bytes (RSS), or null when it cannot be read. */
  readMemory?: () => Promise<number | null>;
}

/** The payload of the ping sent after a hostile frame: its pong proves the server read past the frame and stayed. */
const PROBE = Buffer.from('hostile-probe');
/** How long a kept-open verdict waits after the probe's pong for a close that might still be on its way. */
const AFTER_PROBE_MS = 30;
/** The slow handshake's pace: one byte per interval. */
const DRIBBLE_MS = 100;
/** Bytes per write of the oversized message (a multiple of 4, so every chunk starts at the same mask offset). */
const CHUNK = 64 * 1024;
/** After a failed handshake, how long the server's exit may take to be noticed before it counts as alive. */
const EXIT_GRACE_MS = 1000;
/** Instead of an HTTP request: a TLS ClientHello's first bytes, a NUL and binary noise, then a blank line. */
const GARBAGE = Buffer.concat([
  Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x00, 0xff, 0xfe]),
  Buffer.from('\u0000garbage\r\n\r\n', 'latin1'),
]);

type Observed = CaseObservation & Omit<Partial<HostileCaseResult>, 'outcome'> & { ms: number };

/** Runs the selected cases in order, each on its own connection; stops early when the server exits or stops accepting. */
export async function runHostile(spec: HostileSpec, target: Target, probes: HostileProbes): Promise<HostileResult> {
  const start = now();
  const selected = HOSTILE_CASE_IDS.filter((id) => !spec.cases || spec.cases.includes(id));
  const readMemory = probes.readMemory ?? (async () => null);
  const before = await readMemory();
  const memory = { beforeBytes: before, peakBytes: before, afterBytes: before };
  const result: HostileResult = {
    id: 'hostile',
    enabled: true,
    cases: [],
    serverSurvived: true,
    stillAccepting: true,
    memory,
    memoryGrowthBytes: null,
    servedOthersDuringStalls: { tried: 0, succeeded: 0 },
    durationMs: 0,
    notes: [],
  };
  let stopReason: string | null = null;
  // The two stalled handshakes run together: the point is that others are served while both are open.
  const stallIds: HostileCaseId[] = selected.filter((id) => id === 'slow-handshake' || id === 'garbage-handshake');
  const steps: HostileCaseId[][] = [
    ...selected.filter((id) => !stallIds.includes(id)).map((id) => [id]),
    ...(stallIds.length > 0 ? [stallIds] : []),
  ];

  for (const ids of steps) {
    if (!stopReason && probes.signal.aborted) stopReason = 'the run was stopped';
    if (stopReason) {
      for (const id of ids) result.cases.push(notRunCase(id, stopReason));
      continue;
    }
    // The reading after the previous case is the one before this case: /proc walks cost time on a busy machine.
    const memoryBefore = memory.afterBytes;
    let observed: Array<[HostileCaseId, Observed]>;
    if (ids.length === 1 && !stallIds.includes(ids[0]!)) {
      observed = [[ids[0]!, await runFrameCase(ids[0]!, spec, target, probes.signal)]];
    } else {
      const stalls = await runStalls(ids, target, probes.signal);
      result.servedOthersDuringStalls = stalls.served;
      observed = stalls.cases;
    }
    const alive = await survived(target, probes);
    const memoryAfter = await readMemory();
    if (memoryAfter !== null) {
      memory.afterBytes = memoryAfter;
      memory.peakBytes = Math.max(memory.peakBytes ?? memoryAfter, memoryAfter);
    }
    // The run stops at once when the server exits: that stop is the crash this case caused, judged below.
    if (probes.signal.aborted && alive.serverAlive) {
      // What a case saw after the run's stop is no reaction of the server's.
      stopReason = 'the run was stopped';
      for (const [id] of observed) result.cases.push(notRunCase(id, 'the run was stopped during the case'));
      continue;
    }
    for (const [id, o] of observed) {
      const crashed = !alive.serverAlive;
      // Only the judgement needs these two; the Report carries what they were derived from.
      const { lastPongAnswered, servedOthers, ...fields } = o;
      const c: HostileCaseResult = {
        id,
        ...HOSTILE_CASES[id],
        ...fields,
        outcome: crashed ? 'crashed' : o.outcome,
        matchesRfc: !crashed && caseMatchesRfc(id, { ...fields, lastPongAnswered, servedOthers }),
        ms: Math.round(o.ms * 10) / 10,
        acceptingAfter: alive.accepting,
        ...(memoryBefore !== null && memoryAfter !== null ? { memoryGrowthBytes: memoryAfter - memoryBefore } : {}),
      };
      if (crashed && o.outcome !== 'crashed')
        c.detail = `the server exited; on the connection: ${o.outcome}${c.detail ? ` (${c.detail})` : ''}`;
      result.cases.push(c);
    }
    if (!alive.serverAlive) {
      result.serverSurvived = false;
      result.stillAccepting = false;
      result.crashedDuring = ids[0]!;
      stopReason = `the server exited during '${ids.join("' / '")}'`;
    } else if (!alive.accepting) {
      result.stillAccepting = false;
      result.stoppedAcceptingAfter = ids[ids.length - 1]!;
      stopReason = `the server stopped accepting handshakes after '${ids.join("' / '")}'`;
    }
  }
  if (stopReason) result.notes.push(stopReason);
  if (memory.beforeBytes !== null && memory.peakBytes !== null) result.memoryGrowthBytes = memory.peakBytes - memory.beforeBytes;
  else result.notes.push('the server tree memory could not be read: growth not measured');
  result.durationMs = Math.round(now() - start);
  return result;
}

/** Whether the server process is alive and a normal handshake succeeds; a crash may take a moment to be seen. */
async function survived(target: Target, probes: HostileProbes): Promise<{ serverAlive: boolean; accepting: boolean }> {
  const accepting = await acceptsHandshake(target, probes.signal);
  const isAlive = probes.isServerAlive;
  if (accepting || !isAlive) return { serverAlive: isAlive?.() ?? true, accepting };
  const deadline = now() + EXIT_GRACE_MS;
  while (isAlive() && now() < deadline && !probes.signal.aborted) await sleep(25);
  return { serverAlive: isAlive(), accepting: false };
}

/** One normal handshake with the `ws` client, closed cleanly: the server still serves. */
async function acceptsHandshake(target: Target, signal: AbortSignal): Promise<boolean> {
  const opened = await openConnection(target, signal);
  if (!opened.ok) return false;
  await closeConnection(opened.ws, 'clean', target.closeTimeoutMs);
  return true;
}

/** A handshake that failed where the case needed an open connection. */
function refusedObservation(err: unknown, start: number): Observed {
  const e = err instanceof RawOpenError ? err : new RawOpenError('error', String(err));
  return {
    outcome: 'refused',
    ms: now() - start,
    ...(e.httpStatus !== undefined ? { httpStatus: e.httpStatus } : {}),
    detail: `the opening handshake failed (${e.failure}: ${e.message})`,
  };
}

/** The server's reaction as an outcome: its close frame, a drop, or nothing. */
function reaction(raw: RawSocket, start: number): Observed {
  if (raw.closeInfo) return { outcome: 'closed', code: raw.closeInfo.code, reason: raw.closeInfo.reason, ms: now() - start };
  if (raw.ended) {
    const reset = raw.endError?.code === 'ECONNRESET' ? { detail: 'the server reset the connection' } : {};
    return { outcome: 'dropped', ms: now() - start, ...reset };
  }
  return { outcome: 'kept-open', ms: now() - start };
}

/** The bytes of a single-frame case. */
function caseBytes(id: HostileCaseId): Buffer {
  switch (id) {
    case 'invalid-utf8':
      return malformed.invalidUtf8Text();
    case 'reserved-bits':
      return malformed.reservedBits();
    case 'unknown-opcode':
      return malformed.unknownOpcode();
    case 'unmasked-frame':
      return malformed.unmaskedText();
    case 'fragmented-control':
      return malformed.fragmentedPing();
    case 'oversized-control':
      return malformed.oversizedPing();
    case 'orphan-continuation':
      return malformed.orphanContinuation();
    case 'invalid-close-code':
      return malformed.invalidCloseCode();
    case 'huge-length-claim':
      return malformed.hugeLengthHeader();
    default:
      throw new Error(`'${id}' is not a single-frame case`);
  }
}

/** Opens a raw connection, runs one frame case on it, and always destroys it. */
async function runFrameCase(id: HostileCaseId, spec: HostileSpec, target: Target, signal: AbortSignal): Promise<Observed> {
  const start = now();
  let raw: RawSocket;
  try {
    raw = await openRaw(target, { signal });
  } catch (err) {
    return refusedObservation(err, start);
  }
  try {
    if (id === 'oversized-message') return await oversized(raw, spec.maxBytes, target.closeTimeoutMs, signal);
    if (id === 'ping-flood') return await pingFlood(raw, spec.pings, target.closeTimeoutMs, signal);
    const caseStart = now();
    raw.write(caseBytes(id));
    // After a close frame nothing may follow; after a huge length claim a ping would only be more payload.
    const probe = id !== 'invalid-close-code' && id !== 'huge-length-claim';
    return await awaitReaction(raw, caseStart, probe, target.closeTimeoutMs, signal);
  } finally {
    if (raw.closeInfo) raw.replyClose();
    raw.destroy();
  }
}

/** Waits for a close or a drop; with `probe`, a pong to a ping sent behind the hostile bytes ends the wait early. */
async function awaitReaction(raw: RawSocket, start: number, probe: boolean, timeoutMs: number, signal: AbortSignal): Promise<Observed> {
  const reacted = (): boolean => raw.closeInfo !== null || raw.ended;
  const probed = (): boolean => raw.lastPong !== null && raw.lastPong.equals(PROBE);
  if (probe) raw.write(pingFrame(PROBE));
  await raw.waitUntil(() => reacted() || (probe && probed()), timeoutMs, signal);
  const ms = now() - start;
  if (!reacted() && probe && probed()) await raw.waitUntil(reacted, AFTER_PROBE_MS, signal);
  return { ...reaction(raw, start), ms: reacted() ? now() - start : ms };
}

/**
 * Sends one binary message of `maxBytes` for real, a chunk at a time with backpressure, until the server
 * closes, drops, or stops reading for `timeoutMs`; then waits for its reaction as any other case.
 */
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

/** Writes `count` pings at once and waits for the pong to the last one, a close or a drop. */
async function pingFlood(raw: RawSocket, count: number, timeoutMs: number, signal: AbortSignal): Promise<Observed> {
  const payloads = Array.from({ length: count }, (_, i) => Buffer.from(`flood-${i}`));
  const last = payloads[payloads.length - 1] ?? PROBE;
  const start = now();
  raw.write(Buffer.concat(payloads.map((p) => pingFrame(p))));
  const answered = (): boolean => raw.lastPong !== null && raw.lastPong.equals(last);
  await raw.waitUntil(() => raw.closeInfo !== null || raw.ended || answered(), timeoutMs, signal);
  const observed = reaction(raw, start);
  return { ...observed, pings: count, pongs: raw.pongs, lastPongAnswered: answered() };
}

/**
 * The slow and the garbage handshakes, together for `closeTimeoutMs`; meanwhile normal handshakes must
 * succeed (at a quarter and at half of the window).
 */
async function runStalls(
  ids: HostileCaseId[],
  target: Target,
  signal: AbortSignal,
): Promise<{ cases: Array<[HostileCaseId, Observed]>; served: { tried: number; succeeded: number } }> {
  const windowMs = target.closeTimeoutMs;
  const running = ids.map((id) => stall(id, target, windowMs, signal));
  const served = { tried: 0, succeeded: 0 };
  const start = now();
  for (const at of [windowMs / 4, windowMs / 2]) {
    const wait = at - (now() - start);
    if (wait > 0) await sleep(wait, undefined, { signal }).catch(() => undefined);
    if (signal.aborted) break;
    served.tried += 1;
    if (await acceptsHandshake(target, signal)) served.succeeded += 1;
  }
  const observed = await Promise.all(running);
  return {
    cases: ids.map((id, i) => {
      const o = observed[i]!;
      return [id, id === 'slow-handshake' ? { ...o, servedOthers: served.tried > 0 && served.succeeded === served.tried } : o];
    }),
    served,
  };
}

/** One broken handshake held for `windowMs`: the server should drop it (or answer it with an HTTP error). */
async function stall(id: HostileCaseId, target: Target, windowMs: number, signal: AbortSignal): Promise<Observed> {
  const start = now();
  let raw: RawSocket;
  try {
    raw = await RawSocket.connect(target, { signal });
  } catch (err) {
    return refusedObservation(err, start);
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    if (id === 'garbage-handshake') {
      raw.write(GARBAGE);
    } else {
      const request = Buffer.from(upgradeRequest(target.url, newKey(), target.subprotocols, target.headers), 'latin1');
      let sent = 0;
      // Never the last byte: the request must not complete however long the window.
      const dribble = (): void => {
        if (sent < request.length - 1) raw.write(request.subarray(sent, ++sent));
      };
      dribble();
      timer = setInterval(dribble, DRIBBLE_MS);
    }
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
    clearInterval(timer);
    raw.destroy();
  }
}

/** The status of an HTTP response at the start of `data`, or null when there is none. */
function httpStatusOf(data: Buffer): number | null {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(data.subarray(0, 16).toString('latin1'));
  return match ? Number(match[1]) : null;
}
