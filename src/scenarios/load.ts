// Flapping and leak prevention: clients that connect, run their session, hold, close and pause, cycle after cycle.

import { setTimeout as sleep } from 'node:timers/promises';
import { closeConnection, openConnection, type Target } from '../client/connection.js';
import { runSession, type RunningSession, type SessionScript, type StepFailure } from '../client/session/runner.js';
import { summarize } from '../analysis/stats.js';
import type { Config } from '../config/types.js';
import type { NetworkProxy } from '../net/proxy-thread.js';
import { injectedResets, judgedAttempts, judgedCloses, type LoadScenarioResult } from '../model/report.js';
import { SESSION_FAILURES_KEPT, type SessionFailure, type SessionResult } from '../model/session.js';

export interface LoadSpec {
  id: 'flapping' | 'leak';
  clients: number;
  cyclesPerClient: number;
  holdMs: number;
  pauseMs: number;
  /** Share of cycles (0..1) that end with terminate() instead of a close handshake, spread evenly. */
  abruptRatio?: number;
  /** The cycles are run in this many rounds; all clients finish a round before onRound is awaited. */
  rounds?: number;
  /** Called after each round, with the connections attempted so far (for the memory trend). */
  onRound?: (round: number, attempts: number) => Promise<void>;
  /**
   * True when the gate's own fault proxy reset the connection with this local port (the `network` input's
   * reset toxic): that failure was injected, so it is counted apart and not judged.
   */
  resetByGate?: (localPort: number) => boolean;
  /**
   * What each client says once connected, before its hold: the protocol's opening and the session's steps. Absent
   * or null: nothing (the connection is opened, held and closed).
   */
  session?: SessionScript | null;
}

/**
 * The flapping or leak scenario as the configuration prescribes it (both use the flapping hold and pause), with
 * the resets of the network faults' proxy, when there is one, told apart.
 */
export function loadSpecOf(
  config: Config,
  id: 'flapping' | 'leak',
  proxy: Pick<NetworkProxy, 'takeReset'> | null = null,
  session: SessionScript | null = null,
): LoadSpec {
  const flapping = id === 'flapping';
  return {
    ...(proxy ? { resetByGate: (port: number) => proxy.takeReset(port) } : {}),
    ...(session ? { session } : {}),
    id,
    clients: flapping ? 1 : config.leak.clients,
    cyclesPerClient: flapping ? config.flapping.cycles : config.leak.cycles,
    holdMs: config.flapping.holdMs,
    pauseMs: config.flapping.pauseMs,
    ...(flapping ? {} : { abruptRatio: config.leak.abruptRatio, rounds: config.leak.rounds }),
  };
}

/** One line for people: "45/45 connected, 23/23 closed cleanly, 22 cut on purpose, 6 reset by the network faults". */
export function loadLine(r: LoadScenarioResult): string {
  const cut = r.abruptDisconnects > 0 ? `, ${r.abruptDisconnects} cut on purpose` : '';
  const injected = injectedResets(r);
  const reset = injected > 0 ? `, ${injected} reset by the network faults` : '';
  const session = r.session ? `, ${r.session.completed}/${r.session.started} sessions completed (${r.session.describe})` : '';
  return `${r.connected}/${judgedAttempts(r)} connected${session}, ${r.cleanDisconnects}/${judgedCloses(r)} closed cleanly${cut}${reset}`;
}

interface Tally {
  attempts: number;
  connected: number;
  clean: number;
  abrupt: number;
  /** Failures the gate's reset toxic caused: while connecting, and while closing. */
  injectedConnect: number;
  injectedDisconnect: number;
  connectFailures: Record<string, number>;
  disconnectFailures: Record<string, number>;
  handshakeMs: number[];
  closeMs: number[];
  cycleMs: number[];
  sessionsStarted: number;
  sessionsCompleted: number;
  /** Failed steps by step and kind, in the order first seen. */
  sessionFailures: Map<string, SessionFailure>;
}

/** Runs the scenario until every client finished its cycles or `signal` aborts (partial results then). */
export async function runLoad(spec: LoadSpec, target: Target, signal: AbortSignal): Promise<LoadScenarioResult> {
  const tally = emptyTally();
  const start = performance.now();
  const rounds = Math.max(1, Math.min(spec.rounds ?? 1, spec.cyclesPerClient));
  let done = 0;
  for (let round = 0; round < rounds && !signal.aborted; round++) {
    const until = Math.round(((round + 1) * spec.cyclesPerClient) / rounds);
    const from = done;
    await Promise.all(Array.from({ length: spec.clients }, (_, client) => runClient(spec, client, from, until, target, signal, tally)));
    done = until;
    if (!signal.aborted) await spec.onRound?.(round, tally.attempts);
  }
  return summarizeLoad(spec, tally, performance.now() - start);
}

/** Does cycle k (numbered across all clients) end abruptly? Spreads ratio*n abrupt cycles evenly. */
export function isAbrupt(k: number, ratio: number): boolean {
  return Math.floor((k + 1) * ratio) > Math.floor(k * ratio);
}

async function runClient(
  spec: LoadSpec,
  client: number,
  from: number,
  until: number,
  target: Target,
  signal: AbortSignal,
  tally: Tally,
): Promise<void> {
  for (let cycle = from; cycle < until && !signal.aborted; cycle++) {
    const cycleStart = performance.now();
    const abrupt = isAbrupt(cycle * spec.clients + client, spec.abruptRatio ?? 0);
    // An interrupted cycle is not counted either way.
    if (!(await runCycle(spec, abrupt, target, signal, tally))) return;
    if (!(await pause(spec.pauseMs, signal))) return;
    tally.cycleMs.push(performance.now() - cycleStart);
  }
}

/** One connection: open, session, hold, close (or cut). False when the run stopped meanwhile (nothing counted). */
async function runCycle(spec: LoadSpec, abrupt: boolean, target: Target, signal: AbortSignal, tally: Tally): Promise<boolean> {
  const opened = await openConnection(target, signal);
  if (signal.aborted) {
    if (opened.ok) opened.ws.terminate();
    return false;
  }
  if (!opened.ok) {
    if (injected(spec, opened.localPort)) tally.injectedConnect += 1;
    else bump(tally.connectFailures, opened.failure);
    tally.attempts += 1;
    return true;
  }
  let running: RunningSession | null = null;
  try {
    running = spec.session ? await runSession(opened.ws, spec.session, target.closeTimeoutMs, signal) : null;
    const held = running ? await holdOpen(running, spec.holdMs, signal) : await pause(spec.holdMs, signal);
    if (!held || signal.aborted) {
      opened.ws.terminate();
      return false;
    }
    tally.attempts += 1;
    tally.connected += 1;
    tally.handshakeMs.push(opened.handshakeMs);
    if (running) countSession(tally, running.failure);
    // The abrupt half is cut after its session, without a close handshake: a client that vanished.
    const closed = await closeConnection(opened.ws, abrupt ? 'abrupt' : 'clean', target.closeTimeoutMs);
    if (abrupt) tally.abrupt += 1;
    else {
      tally.closeMs.push(closed.closeMs);
      if (closed.clean) tally.clean += 1;
      else if (injected(spec, opened.localPort)) tally.injectedDisconnect += 1;
      else bump(tally.disconnectFailures, closed.failure ?? 'error');
    }
    return true;
  } finally {
    running?.end();
  }
}

/** Holds a connection whose session ran: keep-alives are answered meanwhile; a close from the server ends it early. */
async function holdOpen(running: RunningSession, ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  await running.session.hold(ms, signal);
  return !signal.aborted;
}

function countSession(tally: Tally, failure: StepFailure | null): void {
  tally.sessionsStarted += 1;
  if (!failure) {
    tally.sessionsCompleted += 1;
    return;
  }
  const key = `${failure.step}\u0000${failure.kind}`;
  const seen = tally.sessionFailures.get(key);
  if (seen) seen.count += 1;
  else if (tally.sessionFailures.size < SESSION_FAILURES_KEPT) {
    tally.sessionFailures.set(key, { step: failure.step, kind: failure.kind, example: failure.why, count: 1 });
  } else {
    // Past the kept ones, counted with the last, so the counts still add up to the failures.
    [...tally.sessionFailures.values()].at(-1)!.count += 1;
  }
}

/** Waits ms; false when aborted meanwhile. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (ms <= 0) return !signal.aborted;
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

function injected(spec: LoadSpec, localPort: number | undefined): boolean {
  return localPort !== undefined && spec.resetByGate !== undefined && spec.resetByGate(localPort);
}

function bump(counts: Record<string, number>, kind: string): void {
  counts[kind] = (counts[kind] ?? 0) + 1;
}

function summarizeLoad(spec: LoadSpec, tally: Tally, durationMs: number): LoadScenarioResult {
  const injectedCounts =
    tally.injectedConnect + tally.injectedDisconnect > 0
      ? { injectedResets: { connect: tally.injectedConnect, disconnect: tally.injectedDisconnect } }
      : {};
  const counts = { attempts: tally.attempts, connected: tally.connected, abruptDisconnects: tally.abrupt, ...injectedCounts };
  const attempts = judgedAttempts(counts);
  const closes = judgedCloses(counts);
  return {
    id: spec.id,
    enabled: true,
    prescribed: {
      clients: spec.clients,
      cyclesPerClient: spec.cyclesPerClient,
      holdMs: spec.holdMs,
      pauseMs: spec.pauseMs,
      // The session's own think time is prescribed too: by the user, in the flow.
      cycleMs: spec.holdMs + spec.pauseMs + (spec.session?.thinkMs ?? 0),
    },
    attempts: tally.attempts,
    connected: tally.connected,
    cleanDisconnects: tally.clean,
    abruptDisconnects: tally.abrupt,
    ...injectedCounts,
    connectRate: attempts === 0 ? null : tally.connected / attempts,
    disconnectRate: closes === 0 ? null : tally.clean / closes,
    connectFailures: tally.connectFailures,
    disconnectFailures: tally.disconnectFailures,
    handshakeMs: summarize(tally.handshakeMs),
    closeMs: summarize(tally.closeMs),
    cycleMs: summarize(tally.cycleMs),
    durationMs: Math.round(durationMs),
    ...(spec.session ? { session: sessionResult(spec.session, tally) } : {}),
  };
}

function sessionResult(script: SessionScript, tally: Tally): SessionResult {
  return {
    describe: script.describe,
    started: tally.sessionsStarted,
    completed: tally.sessionsCompleted,
    failures: [...tally.sessionFailures.values()].sort((a, b) => b.count - a.count),
    thinkMs: script.thinkMs,
  };
}

/** The result of a scenario that did not run (disabled on purpose, or the run stopped before it). */
export function emptyLoadResult(spec: LoadSpec, enabled: boolean): LoadScenarioResult {
  return { ...summarizeLoad(spec, emptyTally(), 0), enabled };
}

function emptyTally(): Tally {
  return {
    attempts: 0,
    connected: 0,
    clean: 0,
    abrupt: 0,
    injectedConnect: 0,
    injectedDisconnect: 0,
    connectFailures: {},
    disconnectFailures: {},
    handshakeMs: [],
    closeMs: [],
    cycleMs: [],
    sessionsStarted: 0,
    sessionsCompleted: 0,
    sessionFailures: new Map(),
  };
}
