// Wall time of a default run against the example echo server, against the floor its own settings prescribe: the
// waits the run itself prescribes (DESIGN.md, "Wall-time floor"). Protocol detection and the leak evidence (heap
// snapshots) are not in it: they overlap the warm-up and the idle windows the run already has.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RawInputs } from '../src/config/inputs.js';
import { type Config } from '../src/config/types.js';
import { describeConfig, parseConfig } from '../src/config/parse.js';
import { baselineWindowMs } from '../src/phases/index.js';
import { runGate } from '../src/run/runner.js';
import type { Report } from '../src/model/report.js';
import { ECHO_SERVER, ROOT, note, round, sectionStop } from './lib.js';
import { buildJavaFixture } from '../__tests__/helpers/java-build.js';

/** The most a default run may take, heap evidence on, as a multiple of its floor (issue 23). */
export const WALL_TIME_TARGET = 1.1;

export interface Floor {
  /** Sum of the parts, in ms. */
  ms: number;
  parts: {
    /** The baseline's idle window, baselineWindowMs(sample-interval-ms). */
    baselineMs: number;
    /** flap-cycles x (hold + pause). */
    flappingMs: number;
    /** leak-cycles x (hold + pause), per client; the clients run concurrently. */
    leakMs: number;
    /** One settle window of baselineWindowMs / 2 after each leak round, where memory is read for the trend. */
    settlesMs: number;
    /** The warm-up connections' session think time (they run the load's session, one after the other). */
    warmupThinkMs: number;
    cooldownMs: number;
    recoveryHoldMs: number;
  };
  /** The run's own settings the floor was computed from. */
  settings: Record<string, string | number>;
}

/** "baseline 500 + flapping 3000 + leak 2250 + settle windows 750 + cooldown 2000 + recovery 1000 ms". */
export function floorText(floor: Floor): string {
  const p = floor.parts;
  return (
    `${p.warmupThinkMs > 0 ? `warm-up think ${p.warmupThinkMs} + ` : ''}` +
    `baseline ${p.baselineMs} + flapping ${p.flappingMs} + leak ${p.leakMs} + settle windows ${p.settlesMs} + ` +
    `cooldown ${p.cooldownMs} + recovery ${p.recoveryHoldMs} ms`
  );
}

export interface GateRun {
  /** What ran: `runGate` from this tree's src/ (in this process), or the committed CLI bundle as a process. */
  how: string;
  wallMs: number;
  /** The report's own durationMs (runGate start to report). */
  reportDurationMs: number;
  floor: Floor;
  ratio: number;
  verdict: string;
  /** Heap snapshots were taken (inside the floor's idle windows: no allowance of their own). */
  heapSnapshots: boolean;
  /** Time per phase, from the report. */
  phasesMs: Record<string, number>;
  /** Each phase's time beyond its part of the floor (startup, warm-up, teardown have none); `other`: outside any phase. */
  excessMs: Record<string, number>;
  attempts: number;
}

export interface WallTimeResult {
  runs: GateRun[];
  /**
   * What heap snapshots add to a default run against a small Node server: wall time with heap-snapshots auto
   * minus off, per pair of runs made one after the other (the target is at most 1.5 s).
   */
  heapCostMs: number[];
  /**
   * The same for the other runtimes' evidence (a Python census, a node:cluster's three heaps, a JVM's class
   * histogram), by what it was read from; a runtime whose tools are missing has no entry.
   */
  evidenceCostMs?: Record<string, number[]>;
}

/**
 * DESIGN.md's floor: baseline window + flapping cycles x (hold + pause) + leak cycles x (hold + pause) + settle
 * windows + cooldown + recovery hold; with a session, its think time per connection, the warm-up's included.
 */
export function floorOf(config: Config): Floor {
  // A session's think time is prescribed too, by the user, once per connection.
  const cycle = config.flapping.holdMs + config.flapping.pauseMs + (config.client.session?.thinkMs ?? 0);
  const on = (id: string): boolean => (config.scenarios as string[]).includes(id);
  const leak = config.leak as { clients: number; cycles: number; rounds?: number; abruptRatio?: number };
  // As runLoad splits them: never more rounds than cycles; memory is read after every round, the last included.
  const rounds = leak.rounds === undefined ? 1 : Math.max(1, Math.min(leak.rounds, leak.cycles));
  const parts = {
    baselineMs: baselineWindowMs(config.sampleIntervalMs),
    flappingMs: on('flapping') ? config.flapping.cycles * cycle : 0,
    leakMs: on('leak') ? config.leak.cycles * cycle : 0,
    settlesMs: on('leak') ? rounds * (baselineWindowMs(config.sampleIntervalMs) / 2) : 0,
    warmupThinkMs: config.warmupConnections * (config.client.session?.thinkMs ?? 0),
    cooldownMs: config.cooldownMs,
    recoveryHoldMs: on('recovery') ? config.recovery.holdMs : 0,
  };
  return {
    ms: Object.values(parts).reduce((s, v) => s + v, 0),
    parts,
    settings: {
      scenarios: config.scenarios.join(','),
      'warmup-connections': config.warmupConnections,
      'sample-interval-ms': config.sampleIntervalMs,
      'flap-cycles': config.flapping.cycles,
      'flap-hold-ms': config.flapping.holdMs,
      'flap-pause-ms': config.flapping.pauseMs,
      'leak-clients': leak.clients,
      'leak-cycles': leak.cycles,
      ...(leak.rounds !== undefined ? { 'leak-rounds': leak.rounds } : {}),
      ...(leak.abruptRatio !== undefined ? { 'abrupt-ratio': leak.abruptRatio } : {}),
      'cooldown-ms': config.cooldownMs,
      'recovery-hold-ms': config.recovery.holdMs,
    },
  };
}

function phasesOf(report: Report): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of report.phases) out[p.name] = (out[p.name] ?? 0) + (p.endMs - p.startMs);
  return out;
}

const attemptsOf = (report: Report): number => report.scenarios.flapping.attempts + report.scenarios.leak.attempts;

/** The echo server with the gate's defaults: what `npm start` runs. */
export function defaultInputs(extra: RawInputs = {}): RawInputs {
  return { 'server-command': `node ${JSON.stringify(ECHO_SERVER)}`, url: 'ws://127.0.0.1:0/', 'report-path': '', ...extra };
}

/** runGate from this tree's src/, in this process. */
export async function runGateTimed(
  inputs: RawInputs,
  onProgress?: (line: string) => void,
): Promise<{ report: Report; wallMs: number; config: Config }> {
  const config = parseConfig(inputs);
  const start = performance.now();
  const options = { configDescription: describeConfig(inputs), signal: sectionStop.signal, ...(onProgress ? { onProgress } : {}) };
  const report = await runGate(config, options);
  return { report, wallMs: performance.now() - start, config };
}

function gateRun(how: string, report: Report, wallMs: number, floor: Floor): GateRun {
  const phasesMs = phasesOf(report);
  const part: Record<string, number> = {
    warmup: floor.parts.warmupThinkMs,
    baseline: floor.parts.baselineMs,
    flapping: floor.parts.flappingMs,
    leak: floor.parts.leakMs + floor.parts.settlesMs,
    cooldown: floor.parts.cooldownMs,
    recovery: floor.parts.recoveryHoldMs,
  };
  const excessMs: Record<string, number> = {};
  for (const [name, ms] of Object.entries(phasesMs)) excessMs[name] = ms - (part[name] ?? 0);
  excessMs.other = Math.round(wallMs - Object.values(phasesMs).reduce((sum, v) => sum + v, 0));
  return {
    how,
    wallMs: Math.round(wallMs),
    reportDurationMs: report.durationMs,
    floor,
    ratio: round(wallMs / floor.ms, 3),
    verdict: report.verdict,
    // A committed bundle older than the evidence of every runtime writes no `evidence` (schema 1).
    heapSnapshots: (report.evidence ?? []).some((e) => e.source === 'heap-snapshots' && e.status === 'measured'),
    phasesMs,
    excessMs,
    attempts: attemptsOf(report),
  };
}

/** The committed CLI bundle as a user runs it (`npm start` without npm): process start to exit. */
async function runCliTimed(): Promise<GateRun | null> {
  const cli = join(ROOT, 'dist/cli/index.js');
  if (!existsSync(cli)) return null;
  const dir = mkdtempSync(join(tmpdir(), 'ws-gate-bench-cli-'));
  const json = join(dir, 'report.json');
  try {
    const start = performance.now();
    const child = spawn(
      process.execPath,
      [cli, '--server-command', `node ${JSON.stringify(ECHO_SERVER)}`, '--url', 'ws://127.0.0.1:0/', '--json', json],
      // A stopped section stops the CLI as a cancelled job would (SIGTERM: it tears its server down).
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], signal: sectionStop.signal },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // The abort's AbortError: the exit that follows says how it ended.
    child.on('error', () => undefined);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const wallMs = performance.now() - start;
    if (!existsSync(json)) throw new Error(`dist/cli/index.js exited ${code} without a report: ${stderr.slice(-500)}`);
    const report = JSON.parse(readFileSync(json, 'utf8')) as Report;
    // The floor from the settings the bundle itself reports using.
    let floor: Floor;
    try {
      floor = floorOf(parseConfig({ ...(report.config as RawInputs), 'report-path': '' }));
    } catch {
      floor = floorOf(parseConfig(defaultInputs()));
    }
    return gateRun('node dist/cli/index.js (committed bundle; process start to exit)', report, wallMs, floor);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const SESSION_RUN = 'Socket.IO example with a session: namespace connect, emit echo awaited, think 50 ms';
const SESSION_INPUTS: RawInputs = {
  ...defaultInputs(),
  'server-command': `node ${JSON.stringify(join(ROOT, 'examples/socketio/server.js'))}`,
  url: 'ws://127.0.0.1:0/socket.io/?EIO=4&transport=websocket',
  session: '- emit: [echo, hi]\n  response: { channel: echo, data: hi }\n- think: 0.05',
};

/** heap-snapshots auto minus off against one server, in two pairs run one after the other, alternating the order. */
async function heapCostPairs(inputs: RawInputs, what: string, runs: GateRun[], pairs = 2): Promise<number[]> {
  const cost: number[] = [];
  for (let i = 0; i < pairs; i++) {
    // Alternating, so a drift in the machine's load favours neither.
    const order = i % 2 === 0 ? (['auto', 'off'] as const) : (['off', 'auto'] as const);
    const wall: Record<string, number> = {};
    for (const heap of order) {
      note(`default run ${i + 1}/2 against ${what}, heap-snapshots ${heap} (runGate from src/)`);
      const { report, wallMs, config } = await runGateTimed({ ...inputs, 'heap-snapshots': heap });
      wall[heap] = wallMs;
      runs.push(gateRun(`runGate() from src/ against ${what}, heap-snapshots ${heap} (start to report)`, report, wallMs, floorOf(config)));
    }
    cost.push(Math.round(wall.auto! - wall.off!));
  }
  return cost;
}

/** One pair a runtime: three runtimes with two pairs each took the section past the 150 s a section is given. */
const OTHER_PAIRS = 1;

/** The other runtimes' evidence, each against a server of the tests' fixtures, where its tools are here. */
async function otherRuntimes(runs: GateRun[]): Promise<Record<string, number[]>> {
  const cost: Record<string, number[]> = {};
  const python = spawnSync('/usr/bin/python3', ['-c', 'import websockets'], { stdio: 'ignore' }).status === 0;
  if (python) {
    const server = defaultInputs({ 'server-command': `/usr/bin/python3 ${JSON.stringify(join(ROOT, 'examples/python/echo_server.py'))}` });
    cost['Python census (websockets echo server)'] = await heapCostPairs(server, 'the Python websockets echo server', runs, OTHER_PAIRS);
  }
  const cluster = defaultInputs({ 'server-command': `node ${JSON.stringify(join(ROOT, '__tests__/fixtures/cluster-server.js'))}` });
  cost['heap snapshots of a node:cluster (primary and 2 workers)'] = await heapCostPairs(
    cluster,
    'a node:cluster with 2 workers',
    runs,
    OTHER_PAIRS,
  );
  if (spawnSync('javac', ['-version'], { stdio: 'ignore' }).status === 0) {
    const netty = buildJavaFixture('__tests__/fixtures/java/NettyWsServer.java', ROOT);
    try {
      cost['JVM class histogram (Netty echo server)'] = await heapCostPairs(
        defaultInputs({ 'server-command': netty.command }),
        'a Netty server',
        runs,
        OTHER_PAIRS,
      );
    } finally {
      netty.remove();
    }
  }
  return cost;
}

/** `walltime`: the default run against the example echo server, heap snapshots on and off, and the CLI bundle's. */
export async function runWallTime(): Promise<WallTimeResult> {
  const runs: GateRun[] = [];
  const heapCostMs = await heapCostPairs(defaultInputs(), 'the example echo server', runs);
  note('default run with a session (the Socket.IO example: namespace connect, an emit answered, think 50 ms)');
  const session = await runGateTimed(SESSION_INPUTS);
  runs.push(gateRun(`runGate() from src/, ${SESSION_RUN}`, session.report, session.wallMs, floorOf(session.config)));
  note('default run with the committed CLI bundle');
  const cli = await runCliTimed();
  if (cli) runs.push(cli);
  return { runs, heapCostMs };
}

/**
 * `evidence-cost`: the other runtimes' evidence, a section of its own: twelve more default runs would take the
 * walltime section past the time a section is given.
 */
export async function runEvidenceCost(): Promise<WallTimeResult> {
  const runs: GateRun[] = [];
  const evidenceCostMs = await otherRuntimes(runs);
  return { runs, heapCostMs: [], evidenceCostMs };
}
