// The one table the bench prints (Markdown, so the README can carry it as is), built from the sections' results.

import type { FidelityResult } from './fidelity.js';
import type { HeapBenchResult } from './heap.js';
import { median } from './lib.js';
import type { OverheadResult } from './overhead.js';
import type { ProxyResult } from './proxy.js';
import type { SamplerResult } from './sampler.js';
import type { HeldMemory, ScaleRun } from './scale.js';
import type { StartupResult } from './startup.js';
import { floorText, WALL_TIME_TARGET, type WallTimeResult } from './walltime.js';

export interface Results {
  startedAt: string;
  durationS: number;
  machine: Record<string, unknown>;
  sections: Record<string, unknown>;
}

export interface Row {
  n: number;
  measurement: string;
  result: string;
  target: string;
  /** true: met, false: missed, null: no target or not measured. */
  met: boolean | null;
}

const MB_DEC = 1_000_000;
const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const kb = (bytes: number): string => `${fmt(bytes / 1024, 1)} KB`;
const mbOf = (bytes: number): string => `${fmt(bytes / (1024 * 1024), 1)} MB`;
const ms = (n: number): string => `${fmt(n, 2)} ms`;
const s = (millis: number): string => `${fmt(millis / 1000, 2)} s`;
const failures = (counts: Record<string, number>): string => {
  const entries = Object.entries(counts);
  return entries.length === 0 ? 'none' : entries.map(([k, v]) => `${k} ${v}`).join(', ');
};

function failed(section: unknown): string | null {
  if (section === undefined) return 'not run';
  const error = (section as { error?: string }).error;
  return error ?? null;
}

/** Adds one row to the section being rendered (its number is the section's). */
type Add = (measurement: string, result: string, target: string, met: boolean | null) => void;

/** One section of the table: where its result is in results.json, its number, name and target, and its rows. */
interface Section {
  key: string;
  n: number;
  what: string;
  target: string;
  rows: (result: never, add: Add, sections: Record<string, unknown>) => void;
}

const SCALE_TARGET = 'completes, bounded RSS, no port exhaustion';

/** The sections in the order the table lists them. */
const SECTIONS: Section[] = [
  { key: 'overhead', n: 1, what: 'engine vs bare ws loop', target: '≥ 0.90', rows: overheadRows },
  { key: 'proxy', n: 1, what: 'fault proxy, no toxic', target: '≥ 0.90', rows: proxyRows },
  { key: 'fidelity', n: 2, what: 'flapping cycle timing', target: '≤ 3 ms', rows: fidelityRows },
  { key: 'walltime', n: 3, what: 'default run wall time', target: `≤ ${WALL_TIME_TARGET} × floor`, rows: wallTimeRows },
  { key: 'evidence-cost', n: 3, what: "other runtimes' evidence", target: '≤ 1.5 s', rows: wallTimeRows },
  { key: 'sampler', n: 4, what: 'sampler cost', target: '< 1 % of a core', rows: samplerRows },
  { key: 'scale-flapping', n: 5, what: 'scale-flapping', target: SCALE_TARGET, rows: scaleRows(1000) },
  { key: 'scale-held', n: 5, what: 'scale-held', target: SCALE_TARGET, rows: scaleRows(5000) },
  { key: 'held-gate', n: 5, what: 'held connections after GC', target: '—', rows: heldRows },
  { key: 'startup', n: 6, what: 'bundle and start-up', target: '< 1.5 MB, < 300 ms', rows: startupRows },
  {
    key: 'heap',
    n: 7,
    what: 'heap snapshot and read',
    target: '≤ 3 s each at 50 MB; reader peak ≤ 2 × nodes × 32 B + 50 MB',
    rows: heapRows,
  },
];

export function renderTable(results: Results): { rows: Row[]; text: string } {
  const rows: Row[] = [];
  for (const { key, n, what, target, rows: render } of SECTIONS) {
    const add: Add = (measurement, result, rowTarget, met) => rows.push({ n, measurement, result, target: rowTarget, met });
    // A section without a result is one row saying why.
    const error = failed(results.sections[key]);
    if (error) add(what, error, target, null);
    else render(results.sections[key] as never, add, results.sections);
  }
  const mark = (met: boolean | null): string => (met === null ? '—' : met ? '✅' : '❌');
  const lines = [
    '| # | measurement | result | target | met |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.n} | ${r.measurement} | ${r.result} | ${r.target} | ${mark(r.met)} |`),
  ];
  const m = results.machine;
  lines.push(
    '',
    `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; load average ` +
      `${(m.loadAverageAtStart as number[]).join(' ')} at start, ${(m.loadAverageAtEnd as number[]).join(' ')} at end.`,
  );
  return { rows, text: lines.join('\n') };
}

const MODE_TEXT = { clean: 'close(1000)', terminate: 'terminate()', session: 'a session (send, await the echo, close(1000))' };

function overheadRows(overhead: OverheadResult, add: Add): void {
  for (const row of overhead.rows) {
    const gateCpu = median(row.trials.filter((t) => t.impl === 'gate').map((t) => t.cpuUsPerCycle));
    const bareCpu = median(row.trials.filter((t) => t.impl === 'bare').map((t) => t.cpuUsPerCycle));
    add(
      `engine / bare \`ws\` loop, concurrency ${row.concurrency}, ${MODE_TEXT[row.mode]}`,
      `${fmt(row.gateCyclesPerSecond)} / ${fmt(row.bareCyclesPerSecond)} cycles/s = **${fmt(row.ratio, 3)}** (${row.pairs} ` +
        `alternating blocks of ${fmt(row.cyclesPerBlock)} each; best blocks ${fmt(row.bestBlocksRatio, 3)}); client CPU ` +
        `${fmt(gateCpu)} / ${fmt(bareCpu)} µs per cycle`,
      '≥ 0.90',
      row.ratio >= 0.9,
    );
  }
}

function proxyRows(p: ProxyResult, add: Add): void {
  const cpu = p.cpuUsPerCycle;
  const server = p.serverCpuUsPerCycle;
  add(
    `through the fault proxy on its thread (no toxic) / straight to the server, concurrency ${p.concurrency}, close(1000)`,
    `${fmt(p.threadCyclesPerSecond)} / ${fmt(p.directCyclesPerSecond)} cycles/s = **${fmt(p.ratio, 3)}** (${p.pairs} rotated ` +
      `blocks of ${fmt(p.cyclesPerBlock)} each; blocks ${fmt(p.ratioRange[0], 3)}–${fmt(p.ratioRange[1], 3)}); what ${p.cores} ` +
      `cores allow at ${fmt(cpu.thread + server.thread)} µs of CPU per proxied cycle: **${fmt(p.cpuCeilingRatio, 3)}**`,
    '≥ 0.90',
    p.ratio >= 0.9,
  );
  add(
    "… the same proxy on the gate's thread / straight; a bare pipe() relay there",
    `${fmt(p.proxyCyclesPerSecond)} cycles/s = ${fmt(p.ratioInThread, 3)}; pipe relay ${fmt(p.pipeCyclesPerSecond)} cycles/s (proxy / ` +
      `pipe ${fmt(p.ratioToPipe, 3)}); pairs left open: ${p.pairsLeft}`,
    '—',
    p.pairsLeft === 0 ? null : false,
  );
  const main = p.mainThreadCpuUsPerCycle;
  add(
    "… CPU per cycle: gate process (all threads) + server; the gate's main thread alone",
    `direct ${fmt(cpu.direct)} + ${fmt(server.direct)}, proxy on its thread ${fmt(cpu.thread)} + ${fmt(server.thread)}, on the ` +
      `gate's thread ${fmt(cpu.proxy)} + ${fmt(server.proxy)}, pipe ${fmt(cpu.pipe)} + ${fmt(server.pipe)} µs; main thread: direct ` +
      `${fmt(main.direct)}, proxy on its thread ${fmt(main.thread)}, on the gate's thread ${fmt(main.proxy)} µs`,
    '—',
    null,
  );
  const l = p.latency;
  add(
    '… one client, cycle after cycle: median handshake and close, through the proxy on its thread / straight',
    `handshake ${ms(l.thread.handshakeMs)} / ${ms(l.direct.handshakeMs)}, close ${ms(l.thread.closeMs)} / ${ms(l.direct.closeMs)} ` +
      `(600 cycles each)`,
    '—',
    null,
  );
}

function fidelityRows(fidelity: FidelityResult, add: Add): void {
  const { gate, bare } = fidelity;
  add(
    `flapping cycle ${fidelity.holdMs} + ${fidelity.pauseMs} ms, ${gate.cycles} cycles: mean overhead beyond hold, pause and the ` +
      `server's handshake + close`,
    `**${ms(gate.meanEngineOverheadMs)}** (bare loop ${ms(bare.meanEngineOverheadMs)}); p99 jitter ${ms(gate.p99JitterMs)}`,
    '≤ 3 ms',
    gate.meanEngineOverheadMs <= 3,
  );
  add(
    `… the whole cycle against the prescribed ${gate.prescribedMs} ms`,
    `mean ${ms(gate.cycleMs.mean)} = +${ms(gate.meanOverheadMs)}: handshake ${ms(gate.handshakeMeanMs)} + close ` +
      `${ms(gate.closeMeanMs)} + engine; p50 ${ms(gate.cycleMs.p50)}, p99 ${ms(gate.cycleMs.p99)} (bare loop: ` +
      `+${ms(bare.meanOverheadMs)})`,
    '—',
    null,
  );
}

function wallTimeRows(wall: WallTimeResult, add: Add): void {
  for (const run of wall.runs) {
    const excess = Object.entries(run.excessMs)
      .filter(([, v]) => v >= 50)
      .map(([k, v]) => `${k} ${fmt(v)}`)
      .join(', ');
    add(
      `default run (${run.attempts} connections, verdict ${run.verdict}): ${run.how}`,
      `${s(run.wallMs)} / floor ${s(run.floor.ms)} = **${fmt(run.ratio, 2)}×** (floor: ${floorText(run.floor)}); ` +
        `over it, ms: ${excess}`,
      `≤ ${WALL_TIME_TARGET} × floor`,
      run.ratio <= WALL_TIME_TARGET,
    );
  }
  if (wall.heapCostMs && wall.heapCostMs.length > 0) {
    const worst = Math.max(...wall.heapCostMs);
    add(
      '… what heap snapshots add to a default run (heap-snapshots auto − off, pairs run one after the other)',
      `**+${wall.heapCostMs.map((ms) => s(ms)).join(', +')}** (4 snapshots, taken and read)`,
      '≤ 1.5 s',
      worst <= 1500,
    );
  }
  for (const [what, cost] of Object.entries(wall.evidenceCostMs ?? {})) {
    add(
      `… what the ${what} adds to a default run (heap-snapshots auto − off)`,
      `**+${cost.map((ms) => s(ms)).join(', +')}** (4 readings)`,
      '≤ 1.5 s',
      Math.max(...cost) <= 1500,
    );
  }
}

function samplerRows(sampler: SamplerResult, add: Add): void {
  const r = sampler;
  add(
    `sampler CPU at ${r.intervalMs} ms (${r.samplesTaken} samples over ${r.seconds} s, against as long idle)`,
    `**${fmt(r.cpuPercentOfOneCore, 2)} %** of one core (${fmt(r.cpuUsPerSample)} µs per sample; idle ${fmt(r.idleCpuMsPerS, 2)}, ` +
      `sampling ${fmt(r.sampledCpuMsPerS, 2)} ms CPU/s)`,
    '< 1 % of a core',
    r.cpuPercentOfOneCore < 1,
  );
  const m = r.memory;
  add(
    `sampler memory over ${fmt(m.samples)} samples`,
    `${fmt(m.heapBytesPerSample)} B of heap per sample (${fmt(m.jsonBytesPerSample)} B as JSON); heap after dropping the samples: ` +
      `${m.residualHeapBytes >= 0 ? '+' : ''}${kb(m.residualHeapBytes)}`,
    'no growth besides the samples',
    Math.abs(m.residualHeapBytes) < 256 * 1024,
  );
}

/** A scale run's row; `concurrent`: how many connections it holds at once. */
function scaleRows(concurrent: number): (r: ScaleRun, add: Add) => void {
  return (r, add) => {
    add(
      `${r.name} (${Object.entries(r.inputs)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ')})`,
      `${r.completed ? 'completed' : `**stopped**: ${r.stopped}`} in ${s(r.wallMs)}, ${fmt(r.connected)}/${fmt(r.attempts)} connected ` +
        `(failures: ${failures(r.connectFailures)}; unclean: ${failures(r.disconnectFailures)}), peak ${fmt(r.peakEstablished)} open, ` +
        `handshake p99 ${ms(r.handshakeP99Ms ?? Number.NaN)}; gate RSS peak +${mbOf(r.gateRss.peakBytes - r.gateRss.beforeBytes)} = ` +
        `**${kb(r.gateRssBytesPerConnection)} per connection** (${fmt(concurrent)} at once), ` +
        `by third of the leak phase ${r.gateRssPeakByLeakThirdBytes.map(mbOf).join(' / ')}; ` +
        `TIME_WAIT peak: ${fmt(r.timeWait.peakServerSide)} server side, ${fmt(r.timeWait.peakClientSide)} client side; ` +
        `the server's verdict: ${r.verdict}${r.failedChecks.length > 0 ? ` (${r.failedChecks.join('; ')})` : ''}`,
      'completes, bounded RSS, no port exhaustion',
      r.completed && !Object.keys(r.connectFailures).some((k) => k === 'error'),
    );
  };
}

/** The gate's held connections beside bare `ws`'s: one row from two sections. */
function heldRows(gate: HeldMemory, add: Add, sections: Record<string, unknown>): void {
  const error = failed(sections['held-bare']);
  if (error) {
    add('held connections after GC, bare ws', error, '—', null);
    return;
  }
  const bare = sections['held-bare'] as HeldMemory;
  add(
    `${fmt(gate.connections)} connections held open, after a full GC: the gate's connection layer / bare \`ws\``,
    `${kb(gate.rssBytesPerConnection)} / ${kb(bare.rssBytesPerConnection)} RSS, ${kb(gate.heapBytesPerConnection)} / ` +
      `${kb(bare.heapBytesPerConnection)} heap per connection (${fmt(gate.open)} and ${fmt(bare.open)} open)`,
    '—',
    null,
  );
}

function startupRows(startup: StartupResult, add: Add): void {
  for (const b of startup.bundles) {
    add(
      `bundle size: ${b.what}`,
      b.bytes === null ? `not built: ${b.error ?? 'missing'}` : `**${fmt(b.bytes / MB_DEC, 2)} MB** (${fmt(b.bytes)} bytes)`,
      '< 1.5 MB',
      b.bytes === null ? null : b.bytes < 1.5 * MB_DEC,
    );
  }
  for (const t of startup.timings) {
    add(
      `start-up: \`node ${t.bundle}\` to its first handshake, Node ${t.node}`,
      t.toFirstHandshakeMs === null
        ? `failed: ${t.error}`
        : `**${fmt(t.toFirstHandshakeMs)} ms** median of ${t.runsMs.length} (\`node -e 0\` alone: ${fmt(t.nodeAloneMs)} ms)`,
      '< 300 ms',
      t.toFirstHandshakeMs === null ? null : t.toFirstHandshakeMs < 300,
    );
  }
}

function heapRows(heap: HeapBenchResult, add: Add): void {
  for (const r of heap.rows) {
    add(
      `heap snapshot of a server holding ${fmt(r.heldMb)} MB of small objects (heapUsed ${fmt(r.serverHeapUsedMb, 1)} MB; ` +
        `${fmt(r.nodes)} nodes, ${fmt(r.fileMb, 1)} MB file)`,
      `snapshot **${s(r.snapshotMs)}**, read **${s(r.readMs)}**; reader peak RSS **${fmt(r.readerPeakRssMb, 1)} MB** (from ` +
        `${fmt(r.readerBaseRssMb, 1)} MB: +${fmt(r.readerPeakRssMb - r.readerBaseRssMb, 1)} MB, against 2 × nodes × 32 B = ` +
        `${fmt(r.targetPeakRssMb - 50, 1)} MB; 2 × nodes × 32 B + 50 MB = ${fmt(r.targetPeakRssMb, 1)} MB); retainer path search ` +
        `${s(r.pathMs)}, peak ` +
        `${fmt(r.pathPeakRssMb, 1)} MB`,
      // The issue sets its targets on the 50 MB heap and asks for the 5 and 200 MB figures beside it.
      r.heldMb === 50 ? '≤ 3 s each; peak ≤ target' : '— (reported)',
      r.heldMb === 50 ? r.snapshotMs <= 3000 && r.readMs <= 3000 && r.readerPeakRssMb <= r.targetPeakRssMb : null,
    );
  }
  add('… a Node process that has loaded nothing (`node -e`), the floor of any reader', `${fmt(heap.bareNodeRssMb, 1)} MB RSS`, '—', null);
}
