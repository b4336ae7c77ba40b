// npm run evidence: runs the evidence series (scripts/evidence/series.ts), prints a table, and writes each series'
// runs to docs/evidence/<id>.json and the table to docs/evidence.md, which the docs cite.
//
//   npm run evidence                         every series
//   npm run evidence -- clean-node --runs 3  one series, three runs
//   npm run evidence -- --list               the series
//   npm run evidence -- --dry                run and print, write nothing
//   npm run evidence -- --page               rebuild docs/evidence.md from the stored results, running nothing

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { format } from 'prettier';
import { hasTool, skipLine } from '../../__tests__/helpers/tools.js';
import { runSeries } from './run.js';
import { SERIES, type Series } from './series.js';
import { markdownPage, surprises, terminalTable, type SeriesResult } from './table.js';

const ROOT = resolve(import.meta.dirname, '../..');
const RESULTS_DIR = join(ROOT, 'docs/evidence');
const PAGE = join(ROOT, 'docs/evidence.md');

function usage(): string {
  return `usage: npm run evidence -- [series...] [--runs N] [--dry] [--list] [--page]\nseries: ${SERIES.map((s) => s.id).join(', ')}`;
}

function environment(): SeriesResult['environment'] {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    // Not a git checkout.
  }
  const cpu = cpus();
  return {
    date: new Date().toISOString(),
    commit,
    node: process.versions.node,
    cpus: cpu.length,
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    platform: `${process.platform} ${process.arch}`,
  };
}

async function runOne(series: Series, signal: AbortSignal): Promise<SeriesResult | null> {
  if (series.needs && !hasTool(series.needs)) {
    process.stderr.write(`${series.id}: ${skipLine(series.needs)}\n`);
    return null;
  }
  const prepared = series.prepare ? await series.prepare() : null;
  try {
    process.stderr.write(`${series.id}: ${series.runs} runs against the ${series.title}\n`);
    const runs = await runSeries(series, prepared?.inputs ?? {}, signal, (i, f) => {
      const leak = f.leakJudged ?? 'n/a';
      process.stderr.write(`  run ${i}: ${f.verdict}${f.asExpected ? '' : ' (NOT as expected)'}, leak ${leak}, ${f.seconds} s\n`);
    });
    return {
      id: series.id,
      title: series.title,
      inputs: { ...series.inputs, ...prepared?.shown },
      expectNotPassed: series.expectNotPassed,
      environment: environment(),
      runs,
    };
  } finally {
    await prepared?.cleanup();
  }
}

/** Every results file in docs/evidence/, in the registry's order (files of series no longer listed last). */
function storedResults(): SeriesResult[] {
  const files = readdirSync(RESULTS_DIR).filter((f) => f.endsWith('.json'));
  const order = (id: string): number => {
    const at = SERIES.findIndex((s) => s.id === id);
    return at === -1 ? SERIES.length : at;
  };
  return files
    .map((f) => JSON.parse(readFileSync(join(RESULTS_DIR, f), 'utf8')) as SeriesResult)
    .sort((a, b) => order(a.id) - order(b.id) || a.id.localeCompare(b.id));
}

async function write(results: SeriesResult[]): Promise<void> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  for (const result of results) {
    const path = join(RESULTS_DIR, `${result.id}.json`);
    writeFileSync(path, await format(JSON.stringify(result), { filepath: path }));
  }
  writeFileSync(PAGE, await format(markdownPage(storedResults()), { filepath: PAGE }));
  process.stderr.write(`wrote ${results.map((r) => `docs/evidence/${r.id}.json`).join(', ')} and docs/evidence.md\n`);
}

async function main(): Promise<number> {
  // The series' commands and paths are relative to the repository root, as in a workflow.
  process.chdir(ROOT);
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      runs: { type: 'string' },
      dry: { type: 'boolean' },
      list: { type: 'boolean' },
      page: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  if (values.page) {
    writeFileSync(PAGE, await format(markdownPage(storedResults()), { filepath: PAGE }));
    process.stderr.write('wrote docs/evidence.md from docs/evidence/*.json\n');
    return 0;
  }
  if (values.list) {
    for (const s of SERIES) process.stdout.write(`${s.id.padEnd(16)} ${s.runs} runs  ${s.title}\n`);
    return 0;
  }
  const unknown = positionals.filter((p) => !SERIES.some((s) => s.id === p));
  const runs = values.runs === undefined ? null : Number(values.runs);
  if (unknown.length > 0 || (runs !== null && !(Number.isInteger(runs) && runs >= 1))) {
    const what =
      unknown.length > 0 ? `unknown series '${unknown.join("', '")}'` : `--runs must be a whole number >= 1, got '${values.runs}'`;
    process.stderr.write(`${what}\n${usage()}\n`);
    return 2;
  }
  const chosen = SERIES.filter((s) => positionals.length === 0 || positionals.includes(s.id)).map((s) =>
    runs === null ? s : { ...s, runs },
  );

  // As in CI: a failed run's server log and the heap snapshots' directory go under RUNNER_TEMP, removed at the end.
  const temp = mkdtempSync(join(tmpdir(), 'ws-gate-evidence-'));
  process.env.RUNNER_TEMP = temp;
  const stop = new AbortController();
  const onSignal = (name: NodeJS.Signals): void => stop.abort(name);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const results: SeriesResult[] = [];
  try {
    for (const series of chosen) {
      if (stop.signal.aborted) break;
      const result = await runOne(series, stop.signal);
      if (result && result.runs.length > 0) results.push(result);
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  if (results.length === 0) return stop.signal.aborted ? 130 : 1;
  process.stdout.write(`\n${terminalTable(results)}\n`);
  const odd = results.flatMap(surprises);
  if (odd.length > 0) process.stdout.write(`\nruns that did not end as expected:\n${odd.join('\n')}\n`);
  if (stop.signal.aborted) process.stdout.write('\nstopped early: nothing written\n');
  else if (!values.dry) await write(results);
  return odd.length > 0 ? 1 : 0;
}

process.exitCode = await main();
