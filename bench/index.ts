// `npm run bench`: runs each section in its own child process, prints one table, writes bench/results.json.
// Not a test: nothing here fails a build; the numbers are for people (and the README) to read.
// `npm run bench -- --only sampler,startup` runs some sections; `--table` prints the table of the last results again.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { runFidelity } from './fidelity.js';
import { readerChild, runHeapBench } from './heap.js';
import { ROOT, note, round, sectionStop, stopSection } from './lib.js';
import { runOverhead } from './overhead.js';
import { runProxyOverhead } from './proxy.js';
import { runSamplerCost } from './sampler.js';
import { heldMemory, runScaleFlapping, runScaleHeld, scaleEnvironment } from './scale.js';
import { runStartup } from './startup.js';
import { renderTable, type Results } from './table.js';
import { runEvidenceCost, runWallTime } from './walltime.js';

const SECTIONS = {
  startup: runStartup,
  overhead: runOverhead,
  proxy: runProxyOverhead,
  fidelity: runFidelity,
  sampler: runSamplerCost,
  walltime: runWallTime,
  'evidence-cost': runEvidenceCost,
  'scale-flapping': runScaleFlapping,
  'scale-held': runScaleHeld,
  'held-gate': () => heldMemory('gate'),
  'held-bare': () => heldMemory('bare'),
  heap: runHeapBench,
} as const;
type SectionName = keyof typeof SECTIONS;
const ORDER = Object.keys(SECTIONS) as SectionName[];

/** Every bounded section together stays under ~5 minutes; one that hangs is stopped after this. */
const SECTION_TIMEOUT_MS = 150_000;
/** A stopped section tears its gate runs and servers down within this, or is killed. */
const SECTION_STOP_GRACE_MS = 30_000;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
}

/** Child mode: run one section, write its result as JSON to --out. */
async function runSection(name: SectionName, out: string): Promise<void> {
  const result = await SECTIONS[name]();
  // A stopped section's figures are of cancelled runs: none is written, and the table says it ended without one.
  if (!sectionStop.signal.aborted) writeFileSync(out, JSON.stringify(result));
}

/** Runs one section in a fresh node (own heap and RSS; fd limit raised to the hard limit where a shell can). */
function spawnSection(name: SectionName, dir: string): Promise<unknown> {
  const out = join(dir, `${name}.json`);
  const nodeArgs = ['--expose-gc', resolve(process.argv[1]!), '--section', name, '--out', out];
  const child =
    process.platform === 'win32'
      ? spawn(process.execPath, nodeArgs, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] })
      : spawn('/bin/sh', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"', process.execPath, ...nodeArgs], {
          cwd: ROOT,
          stdio: ['ignore', 'inherit', 'inherit'],
        });
  return new Promise((resolvePromise) => {
    // SIGTERM first: the section cancels its gate runs, which stop their servers; SIGKILL only if that hangs.
    let kill: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      kill = setTimeout(() => child.kill('SIGKILL'), SECTION_STOP_GRACE_MS);
    }, SECTION_TIMEOUT_MS);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(kill);
      try {
        resolvePromise(JSON.parse(readFileSync(out, 'utf8')));
      } catch {
        resolvePromise({ error: `section ${name} ended with ${signal ?? `exit code ${code}`} and no result` });
      }
    });
  });
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    return line?.split(':')[1]?.trim() ?? cpus()[0]?.model ?? 'unknown';
  } catch {
    return cpus()[0]?.model ?? 'unknown';
  }
}

async function main(): Promise<void> {
  const only = arg('--only')?.split(',') as SectionName[] | undefined;
  const unknown = only?.filter((s) => !ORDER.includes(s)) ?? [];
  if (unknown.length > 0) throw new Error(`unknown section(s) ${unknown.join(', ')}; known: ${ORDER.join(', ')}`);
  const started = performance.now();
  const machine = {
    cpus: cpus().length,
    cpuModel: cpuModel(),
    memoryGiB: round(totalmem() / 1024 ** 3, 1),
    os: `${process.platform} ${release()}`,
    node: process.version,
    loadAverageAtStart: loadavg().map((l) => round(l, 2)),
    loadAverageAtEnd: [] as number[],
    ...scaleEnvironment(),
  };
  const dir = mkdtempSync(join(tmpdir(), 'ws-gate-bench-'));
  const sections: Record<string, unknown> = {};
  try {
    for (const name of only ?? ORDER) {
      process.stderr.write(`▶ ${name}\n`);
      const t = performance.now();
      sections[name] = await spawnSection(name, dir);
      note(`(${((performance.now() - t) / 1000).toFixed(1)} s)`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  machine.loadAverageAtEnd = loadavg().map((l) => round(l, 2));
  const results: Results = {
    startedAt: new Date().toISOString(),
    durationS: round((performance.now() - started) / 1000, 1),
    machine,
    sections,
  };
  const table = renderTable(results);
  const out = join(ROOT, 'bench/results.json');
  writeFileSync(out, `${JSON.stringify({ ...results, table: table.rows }, null, 2)}\n`);
  process.stdout.write(`${table.text}\n\nWritten to bench/results.json in ${results.durationS} s.\n`);
}

/** Prints the table of bench/results.json again (after a change to how it is rendered), measuring nothing. */
function reprintTable(): void {
  const path = join(ROOT, 'bench/results.json');
  const { table: _old, ...results } = JSON.parse(readFileSync(path, 'utf8')) as Results & { table: unknown };
  const table = renderTable(results);
  writeFileSync(path, `${JSON.stringify({ ...results, table: table.rows }, null, 2)}\n`);
  process.stdout.write(`${table.text}\n`);
}

const section = arg('--section');
const heapRead = arg('--heap-read');
if (process.argv.includes('--table')) {
  reprintTable();
} else if (heapRead !== undefined) {
  // A child of the heap section: reads one snapshot in a fresh process, for its peak RSS.
  readerChild(heapRead, arg('--out')!).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`heap reader child failed: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
} else if (section !== undefined) {
  if (!ORDER.includes(section as SectionName)) throw new Error(`unknown section ${section}`);
  process.once('SIGTERM', () => void stopSection(`the bench stopped section ${section} after ${SECTION_TIMEOUT_MS / 1000} s`));
  runSection(section as SectionName, arg('--out')!).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`bench section ${section} failed: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
} else {
  main().catch((err: unknown) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
