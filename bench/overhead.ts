// Engine overhead: connect/close cycles per second of the gate's scenario engine against a bare `ws` loop.

import WebSocket from 'ws';
import { closeConnection, openConnection, type Target } from '../src/client/connection.js';
import { raw } from '../src/client/protocols/raw.js';
import { compileSession } from '../src/client/session/runner.js';
import { parseSession } from '../src/config/session.js';
import { runLoad, type LoadSpec } from '../src/scenarios/load.js';
import { fullGc, median, note, portSockets, round, startEchoServer, type PortSockets } from './lib.js';

/** `session`: close(1000) after one message sent and its echo awaited (a session of one step, `send` with `match`). */
export type CloseMode = 'clean' | 'terminate' | 'session';

export interface Trial {
  impl: 'bare' | 'gate';
  cycles: number;
  ms: number;
  perSecond: number;
  /** CPU time this process (the client side) spent per cycle: stable under machine load, unlike the rate. */
  cpuUsPerCycle: number;
  failures: number;
}

export interface OverheadRow {
  concurrency: number;
  mode: CloseMode;
  /** Cycles per block; each implementation ran `pairs` blocks. */
  cyclesPerBlock: number;
  pairs: number;
  /**
   * All cycles of an implementation over all its time: blocks alternate, so the machine's load weighs on both
   * alike. Their ratio is what the target is judged on.
   */
  bareCyclesPerSecond: number;
  gateCyclesPerSecond: number;
  ratio: number;
  /** The fastest block of each (the min-time estimator): steadier under bursts of load, noisier with few blocks. */
  bareBestCyclesPerSecond: number;
  gateBestCyclesPerSecond: number;
  bestBlocksRatio: number;
  /** Median, lowest and highest ratio of adjacent pairs of blocks. */
  medianPairRatio: number;
  ratioRange: [number, number];
  /** What drove the gate's terminate() cycles: runLoad itself, or its connection layer when runLoad cannot. */
  gateEngine: string;
  trials: Trial[];
}

export interface OverheadResult {
  rows: OverheadRow[];
  warmupCycles: number;
  sockets: PortSockets;
}

const CONCURRENCY = [1, 10, 100];
const MODES: CloseMode[] = ['clean', 'terminate', 'session'];
/** The session row is measured at one concurrency, the gate's own (leak clients are a few). */
const modesAt = (concurrency: number): CloseMode[] => MODES.filter((m) => m !== 'session' || concurrency === 10);
/** The session both loops run: the gate's compiled once, as a run compiles it. */
const SESSION_MESSAGE = 'ws-resilience-gate bench';
const SESSION = compileSession(parseSession(`- send: { payload: '${SESSION_MESSAGE}', match: { regexp: bench } }`, null), raw);
/** Short blocks, many pairs: on a shared 2-core machine the load drifts within seconds. */
const PAIRS = (concurrency: number): number => (concurrency === 1 ? 12 : concurrency === 10 ? 10 : 8);
const CYCLES = (concurrency: number): number => (concurrency === 1 ? 150 : concurrency === 10 ? 400 : 1000);
/** JIT and first-connection costs out of the way; the server's slower drift is shared out by alternating. */
const WARMUP = 2000;

/** One bare cycle: open, then close(1000) or terminate(), resolve on `close`. True when it opened. */
function bareCycle(url: string, mode: CloseMode): Promise<boolean> {
  return new Promise((resolve) => {
    let opened = false;
    // The gate offers no permessage-deflate either, so both do the same work on the wire.
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on('open', () => {
      opened = true;
      if (mode === 'session') ws.send(SESSION_MESSAGE);
      else if (mode === 'clean') ws.close(1000);
      else ws.terminate();
    });
    ws.on('message', () => ws.close(1000));
    ws.on('error', () => {});
    ws.on('close', () => resolve(opened));
  });
}

/** `concurrency` workers, each doing cycles/concurrency bare cycles back to back (as the gate's clients do). */
async function bareLoop(url: string, concurrency: number, cycles: number, mode: CloseMode): Promise<number> {
  let failures = 0;
  const perWorker = cycles / concurrency;
  const worker = async (): Promise<void> => {
    for (let i = 0; i < perWorker; i++) if (!(await bareCycle(url, mode))) failures += 1;
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return failures;
}

/** One signal for the whole section, as a gate run has one for all its phases. */
const signal = new AbortController().signal;

/** Whether runLoad can end cycles with terminate() (LoadSpec.abruptRatio); checked once, on a real run. */
let runLoadTerminates: boolean | null = null;

/** The gate's engine: runLoad with zero hold and pause; every metric it records is recorded. */
async function gateLoop(
  target: Target,
  concurrency: number,
  cycles: number,
  mode: CloseMode,
): Promise<{ failures: number; engine: string }> {
  const spec: LoadSpec & { abruptRatio?: number } = {
    id: 'leak',
    clients: concurrency,
    cyclesPerClient: cycles / concurrency,
    holdMs: 0,
    pauseMs: 0,
    abruptRatio: mode === 'terminate' ? 1 : 0,
    ...(mode === 'session' ? { session: SESSION } : {}),
  };
  if (mode === 'terminate' && runLoadTerminates === false) return connectionLayerLoop(target, concurrency, cycles);
  const result = (await runLoad(spec, target, signal)) as Awaited<ReturnType<typeof runLoad>> & { abruptDisconnects?: number };
  if (mode === 'terminate' && runLoadTerminates === null) {
    runLoadTerminates = result.abruptDisconnects === result.connected;
    if (!runLoadTerminates) {
      note('runLoad has no terminate() mode here (LoadSpec.abruptRatio): terminate rows use its connection layer');
      return connectionLayerLoop(target, concurrency, cycles);
    }
  }
  const cleanFailures = mode === 'terminate' ? 0 : result.connected - result.cleanDisconnects;
  const sessionFailures = result.session ? result.session.started - result.session.completed : 0;
  return { failures: result.attempts - result.connected + cleanFailures + sessionFailures, engine: 'runLoad' };
}

/** runLoad's cycle with terminate(): openConnection + closeConnection('abrupt'), timings kept as runLoad keeps them. */
async function connectionLayerLoop(target: Target, concurrency: number, cycles: number): Promise<{ failures: number; engine: string }> {
  let failures = 0;
  const handshakeMs: number[] = [];
  const closeMs: number[] = [];
  const cycleMs: number[] = [];
  const worker = async (): Promise<void> => {
    for (let i = 0; i < cycles / concurrency; i++) {
      const start = performance.now();
      const opened = await openConnection(target, signal);
      if (!opened.ok) {
        failures += 1;
        continue;
      }
      handshakeMs.push(opened.handshakeMs);
      closeMs.push((await closeConnection(opened.ws, 'abrupt', target.closeTimeoutMs)).closeMs);
      cycleMs.push(performance.now() - start);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { failures, engine: 'openConnection + closeConnection(abrupt)' };
}

async function trial(
  impl: 'bare' | 'gate',
  target: Target,
  concurrency: number,
  cycles: number,
  mode: CloseMode,
): Promise<Trial & { engine: string }> {
  fullGc();
  const cpu = process.cpuUsage();
  const start = performance.now();
  const outcome =
    impl === 'bare'
      ? { failures: await bareLoop(target.url, concurrency, cycles, mode), engine: 'bare' }
      : await gateLoop(target, concurrency, cycles, mode);
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const cpuUsPerCycle = round((used.user + used.system) / cycles, 1);
  return {
    impl,
    cycles,
    ms: round(ms, 1),
    perSecond: round((cycles * 1000) / ms, 0),
    cpuUsPerCycle,
    failures: outcome.failures,
    engine: outcome.engine,
  };
}

/** Runs every (concurrency, mode) pair as interleaved bare/gate trials against one warm echo server. */
export async function runOverhead(): Promise<OverheadResult> {
  const echo = await startEchoServer('overhead');
  try {
    // The server's RSS and both loops' JIT settle over the first few thousand cycles (DESIGN: measured facts).
    note(`warm-up: ${WARMUP} bare + ${WARMUP} gate cycles`);
    for (const mode of MODES) {
      await bareLoop(echo.url, 10, WARMUP / 2, mode);
      await gateLoop(echo.target, 10, WARMUP / 2, mode);
    }
    const rows: OverheadRow[] = [];
    for (const concurrency of CONCURRENCY) {
      for (const mode of modesAt(concurrency)) {
        const cycles = CYCLES(concurrency);
        const trials: Array<Trial & { engine: string }> = [];
        const ratios: number[] = [];
        const pairs = PAIRS(concurrency);
        for (let t = 0; t < pairs; t++) {
          // Alternate who goes first, so a drift in the machine's load or the server's state favours neither.
          const order: Array<'bare' | 'gate'> = t % 2 === 0 ? ['bare', 'gate'] : ['gate', 'bare'];
          const pair: Record<string, Trial & { engine: string }> = {};
          for (const impl of order) trials.push((pair[impl] = await trial(impl, echo.target, concurrency, cycles, mode)));
          ratios.push(pair.gate!.perSecond / pair.bare!.perSecond);
        }
        const rate = (impl: 'bare' | 'gate'): number => {
          const mine = trials.filter((x) => x.impl === impl);
          return round((mine.reduce((sum, x) => sum + x.cycles, 0) * 1000) / mine.reduce((sum, x) => sum + x.ms, 0), 0);
        };
        const best = (impl: 'bare' | 'gate'): number => Math.max(...trials.filter((x) => x.impl === impl).map((x) => x.perSecond));
        const bare = rate('bare');
        const gate = rate('gate');
        const row: OverheadRow = {
          concurrency,
          mode,
          cyclesPerBlock: cycles,
          pairs,
          bareCyclesPerSecond: bare,
          gateCyclesPerSecond: gate,
          ratio: round(gate / bare, 3),
          bareBestCyclesPerSecond: best('bare'),
          gateBestCyclesPerSecond: best('gate'),
          bestBlocksRatio: round(best('gate') / best('bare'), 3),
          medianPairRatio: round(median(ratios), 3),
          ratioRange: [round(Math.min(...ratios), 3), round(Math.max(...ratios), 3)],
          gateEngine: trials.find((x) => x.impl === 'gate')?.engine ?? 'runLoad',
          trials: trials.map(({ engine: _engine, ...rest }) => rest),
        };
        note(
          `c=${concurrency} ${mode}: gate ${gate}/s, bare ${bare}/s = ${row.ratio} (best blocks ` +
            `${row.gateBestCyclesPerSecond}/${row.bareBestCyclesPerSecond} = ${row.bestBlocksRatio})`,
        );
        rows.push(row);
      }
    }
    return { rows, warmupCycles: WARMUP * 2, sockets: portSockets(echo.port) };
  } finally {
    await echo.stop();
  }
}
