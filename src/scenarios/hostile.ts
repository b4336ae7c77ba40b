// The hostile scenario: the cases of the registry (scenarios/hostile/), each on its own raw connection, the stalled
// handshakes together; after each, whether the server is alive, accepts handshakes and still serves a session.

import { setTimeout as sleep } from 'node:timers/promises';
import { closeConnection, openConnection, type Target } from '../client/connection.js';
import { openRaw, type RawSocket } from '../client/raw-socket.js';
import { now } from '../model/clock.js';
import {
  HOSTILE_CASE_IDS,
  type HostileCaseId,
  type HostileCaseResult,
  type HostileResult,
  type LeftBehindReading,
} from '../model/hostile.js';
import { HOSTILE_CASES } from './hostile/index.js';
import type { FrameCase, HostileSpec, Observed, StallCase } from './hostile/case.js';
import { refusedObservation } from './hostile/reaction.js';
import { runStalls } from './hostile/stalled-handshakes.js';

export type { HostileSpec } from './hostile/case.js';

/** The run's stop signal and what the scenario may learn about the server. */
export interface HostileProbes {
  signal: AbortSignal;
  /** False once the server process exited; absent when it cannot be watched (attach without a pid). */
  isServerAlive?: () => boolean;
  /** The server tree's memory in bytes (RSS), or null when it cannot be read. */
  readMemory?: () => Promise<number | null>;
  /** A normal session (recovery's exchange): null when it passed, else what failed. Tried after each case. */
  servesSession?: () => Promise<string | null>;
  /** The exact signals now (fds, lingering connections, processes, stats-url sessions); null when none can be read. */
  readSignals?: () => Promise<LeftBehindReading | null>;
}

/** After a failed handshake, how long the server's exit may take to be noticed before it counts as alive. */
const EXIT_GRACE_MS = 1000;
const EXIT_POLL_MS = 25;
/** A signal above its reading before the cases is read again this often, this long, before it counts as left behind. */
const SETTLE_POLL_MS = 100;
const SETTLE_MAX_MS = 2000;

/** One step of the scenario: a frame case alone, or the stall cases together. */
type Step = { kind: 'frame'; case: FrameCase } | { kind: 'stall'; cases: StallCase[] };

/** Runs the selected cases in order; stops early when the server exits or stops accepting handshakes. */
export async function runHostile(spec: HostileSpec, target: Target, probes: HostileProbes): Promise<HostileResult> {
  const start = now();
  const readMemory = probes.readMemory ?? (async () => null);
  const before = await readMemory();
  const signalsBefore = (await probes.readSignals?.()) ?? null;
  const result: HostileResult = {
    id: 'hostile',
    enabled: true,
    cases: [],
    serverSurvived: true,
    stillAccepting: true,
    memory: { beforeBytes: before, peakBytes: before, afterBytes: before },
    memoryGrowthBytes: null,
    servedOthersDuringStalls: { tried: 0, succeeded: 0 },
    durationMs: 0,
    notes: [],
  };
  let stopReason: string | null = null;
  for (const step of stepsOf(spec)) {
    const ids = step.kind === 'frame' ? [step.case.id] : step.cases.map((c) => c.id);
    if (!stopReason && probes.signal.aborted) stopReason = 'the run was stopped';
    if (stopReason) {
      for (const id of ids) result.cases.push(notRunCase(id, stopReason));
      continue;
    }
    stopReason = await runStep(step, ids, spec, target, probes, result);
  }
  if (stopReason) result.notes.push(stopReason);
  const { beforeBytes, peakBytes } = result.memory;
  if (beforeBytes !== null && peakBytes !== null) result.memoryGrowthBytes = peakBytes - beforeBytes;
  else result.notes.push('the server tree memory could not be read: growth not measured');
  if (signalsBefore && probes.readSignals && result.serverSurvived) {
    const after = await settledSignals(signalsBefore, probes.readSignals, probes.signal);
    if (after) result.signals = { before: signalsBefore, after };
  }
  result.durationMs = Math.round(now() - start);
  return result;
}

/** The frame cases one by one, then the stall cases together: the point is that others are served while both are open. */
function stepsOf(spec: HostileSpec): Step[] {
  const selected = HOSTILE_CASE_IDS.filter((id) => !spec.cases || spec.cases.includes(id)).map((id) => HOSTILE_CASES[id]);
  const frames = selected.filter((c): c is FrameCase => c.kind === 'frame');
  const stalls = selected.filter((c): c is StallCase => c.kind === 'stall');
  return [
    ...frames.map((c): Step => ({ kind: 'frame', case: c })),
    ...(stalls.length > 0 ? [{ kind: 'stall', cases: stalls } as const] : []),
  ];
}

/** Runs one step, judges what it saw into `result`, and returns why the scenario stops here (null: go on). */
async function runStep(
  step: Step,
  ids: HostileCaseId[],
  spec: HostileSpec,
  target: Target,
  probes: HostileProbes,
  result: HostileResult,
): Promise<string | null> {
  // The reading after the previous case is the one before this case: /proc walks cost time on a busy machine.
  const memoryBefore = result.memory.afterBytes;
  let observed: Array<[HostileCaseId, Observed]>;
  if (step.kind === 'frame') {
    observed = [[step.case.id, await runFrameCase(step.case, spec, target, probes.signal)]];
  } else {
    const stalls = await runStalls(step.cases, target, probes.signal, () => acceptsHandshake(target, probes.signal));
    result.servedOthersDuringStalls = stalls.served;
    observed = stalls.cases;
  }
  const alive = await survived(target, probes);
  const memoryAfter = await readMemoryInto(result, probes);
  // The run stops at once when the server exits: that stop is the crash this case caused, judged below.
  if (probes.signal.aborted && alive.serverAlive) {
    // What a case saw after the run's stop is no reaction of the server's.
    for (const [id] of observed) result.cases.push(notRunCase(id, 'the run was stopped during the case'));
    return 'the run was stopped';
  }
  const growth = memoryBefore !== null && memoryAfter !== null ? memoryAfter - memoryBefore : undefined;
  for (const [id, o] of observed) result.cases.push(caseResult(id, o, alive, growth));
  const quoted = `'${ids.join("' / '")}'`;
  if (!alive.serverAlive) {
    result.serverSurvived = false;
    result.stillAccepting = false;
    result.crashedDuring = ids[0]!;
    return `the server exited during ${quoted}`;
  }
  if (!alive.accepting) {
    result.stillAccepting = false;
    result.stoppedAcceptingAfter = ids[ids.length - 1]!;
    return `the server stopped accepting handshakes after ${quoted}`;
  }
  if (!result.brokenAfter && probes.servesSession) await trySession(ids, probes.servesSession, result);
  return null;
}

/** A normal session after the case; the first that fails names the case as the one that broke the server's handling. */
async function trySession(ids: HostileCaseId[], servesSession: () => Promise<string | null>, result: HostileResult): Promise<void> {
  const problem = await servesSession();
  if (problem === null) return;
  const after = ids[ids.length - 1]!;
  result.brokenAfter = { case: after, problem };
  for (const c of result.cases.filter((x) => ids.includes(x.id))) {
    c.detail = `${c.detail ? `${c.detail}; ` : ''}a normal session failed right after it`;
  }
}

/** One case's result from what it saw and what the server was right after it. */
function caseResult(
  id: HostileCaseId,
  o: Observed,
  alive: { serverAlive: boolean; accepting: boolean },
  growth?: number,
): HostileCaseResult {
  const { title, expected, matchesRfc } = HOSTILE_CASES[id];
  const crashed = !alive.serverAlive;
  // Only the judgement needs these two; the Report carries what they were derived from.
  const { lastPongAnswered: _pong, servedOthers: _served, ...fields } = o;
  const c: HostileCaseResult = {
    id,
    title,
    expected,
    ...fields,
    outcome: crashed ? 'crashed' : o.outcome,
    matchesRfc: !crashed && matchesRfc(o),
    ms: Math.round(o.ms * 10) / 10,
    acceptingAfter: alive.accepting,
    ...(growth !== undefined ? { memoryGrowthBytes: growth } : {}),
  };
  if (crashed && o.outcome !== 'crashed')
    c.detail = `the server exited; on the connection: ${o.outcome}${c.detail ? ` (${c.detail})` : ''}`;
  return c;
}

/** Reads the tree's memory into the result's after and peak; returns the reading. */
async function readMemoryInto(result: HostileResult, probes: HostileProbes): Promise<number | null> {
  const reading = (await probes.readMemory?.()) ?? null;
  if (reading !== null) {
    result.memory.afterBytes = reading;
    result.memory.peakBytes = Math.max(result.memory.peakBytes ?? reading, reading);
  }
  return reading;
}

/** Whether the server process is alive and a normal handshake succeeds; a crash may take a moment to be seen. */
async function survived(target: Target, probes: HostileProbes): Promise<{ serverAlive: boolean; accepting: boolean }> {
  const accepting = await acceptsHandshake(target, probes.signal);
  const isAlive = probes.isServerAlive;
  if (accepting || !isAlive) return { serverAlive: isAlive?.() ?? true, accepting };
  const deadline = now() + EXIT_GRACE_MS;
  while (isAlive() && now() < deadline && !probes.signal.aborted) await sleep(EXIT_POLL_MS);
  return { serverAlive: isAlive(), accepting: false };
}

/** One normal handshake with the `ws` client, closed cleanly: the server still serves. */
async function acceptsHandshake(target: Target, signal: AbortSignal): Promise<boolean> {
  const opened = await openConnection(target, signal);
  if (!opened.ok) return false;
  await closeConnection(opened.ws, 'clean', target.closeTimeoutMs);
  return true;
}

/** Opens a raw connection, runs one frame case on it, and always destroys it. */
async function runFrameCase(c: FrameCase, spec: HostileSpec, target: Target, signal: AbortSignal): Promise<Observed> {
  const start = now();
  let raw: RawSocket;
  try {
    raw = await openRaw(target, { signal });
  } catch (err) {
    return refusedObservation(err, start);
  }
  try {
    return await c.run(raw, { spec, timeoutMs: target.closeTimeoutMs, signal });
  } finally {
    if (raw.closeInfo) raw.replyClose();
    raw.destroy();
  }
}

/** What rose above its reading before the cases; empty when nothing did. */
function risen(before: LeftBehindReading, after: LeftBehindReading): Array<keyof LeftBehindReading> {
  return (Object.keys(before) as Array<keyof LeftBehindReading>).filter((k) => (after[k] ?? 0) > (before[k] ?? 0));
}

/**
 * The signals after the cases, read again while one is above its reading before them (a connection the gate just
 * closed may take the server a moment to let go of), for at most SETTLE_MAX_MS.
 */
async function settledSignals(
  before: LeftBehindReading,
  read: () => Promise<LeftBehindReading | null>,
  signal: AbortSignal,
): Promise<LeftBehindReading | null> {
  const deadline = now() + SETTLE_MAX_MS;
  let after = await read();
  while (after && risen(before, after).length > 0 && now() < deadline && !signal.aborted) {
    await sleep(SETTLE_POLL_MS);
    after = (await read()) ?? after;
  }
  return after;
}

/**
 * The result for a scenario that did not run: not selected (`enabled` false, no cases), or selected but the run
 * stopped before it (every case `not-run`, with the reason).
 */
export function hostileNotRun(enabled: boolean, reason: string): HostileResult {
  return {
    id: 'hostile',
    enabled,
    cases: enabled ? HOSTILE_CASE_IDS.map((id) => notRunCase(id, reason)) : [],
    serverSurvived: true,
    stillAccepting: true,
    memory: { beforeBytes: null, peakBytes: null, afterBytes: null },
    memoryGrowthBytes: null,
    servedOthersDuringStalls: { tried: 0, succeeded: 0 },
    durationMs: 0,
    notes: [reason],
  };
}

/** A case the run did not reach, and why. */
export function notRunCase(id: HostileCaseId, why: string): HostileCaseResult {
  const { title, expected } = HOSTILE_CASES[id];
  return { id, title, expected, outcome: 'not-run', matchesRfc: false, ms: 0, acceptingAfter: false, detail: why };
}
