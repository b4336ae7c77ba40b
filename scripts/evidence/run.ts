// One series run: whole gate runs one after another (runGate from the sources, as the tests call it), and the
// figures of each that the table and the docs quote.

import type { RawInputs } from '../../src/config/inputs.js';
import { describeConfig, parseConfig } from '../../src/config/parse.js';
import type { Report } from '../../src/model/report.js';
import { runGate } from '../../src/run/runner.js';
import type { Series } from './series.js';

/** The figures of one run. */
export interface RunFigures {
  verdict: Report['verdict'];
  /** `id: measured (detail)` of every check that did not pass. */
  notPassed: string[];
  /** The checks that did not pass are exactly the series' expected ones. */
  asExpected: boolean;
  /** What leak-per-connection judged (heap KiB/conn for a Node server with heap evidence, else the RSS trend). */
  leakJudged: string | null;
  leakJudgedValue: number | null;
  /** The RSS trend, KiB per connection, and its standard error. */
  rssTrendKb: number | null;
  rssTrendSeKb: number | null;
  retainedGrowthMb: number | null;
  /** Growth of the exact signals between the baseline and the end of cooldown. */
  signals: { fds: number | null; threads: number | null; processes: number | null; lingering: number | null; sessions: number | null };
  abruptDisconnects: number;
  /** Whether a runtime's heap judged the trend (heap snapshots, a Python census, a JVM class histogram). */
  heapEvidence: boolean;
  /** What judged the memory trend: the evidence's source, or rss. */
  judgedBy: Report['memoryJudge']['by'];
  /** The run's wall time. */
  seconds: number;
  /** Server processes the gate saw that are still alive after it (always [] unless teardown failed). */
  survivors: number[];
}

const MB = 1024 * 1024;
const round = (n: number | null | undefined, digits = 1): number | null => (n == null ? null : Number(n.toFixed(digits)));

export function figuresOf(report: Report, series: Series, seconds: number): RunFigures {
  const notPassedChecks = report.checks.filter((c) => c.status !== 'pass');
  const leak = report.checks.find((c) => c.id === 'leak-per-connection');
  const g = report.signals.growth;
  const expected = [...series.expectNotPassed].sort();
  const actual = notPassedChecks.map((c) => c.id).sort();
  return {
    verdict: report.verdict,
    notPassed: notPassedChecks.map((c) => `${c.id}: ${c.measured}${c.detail ? ` (${c.detail})` : ''}`),
    asExpected: JSON.stringify(actual) === JSON.stringify(expected),
    leakJudged: leak?.measured ?? null,
    leakJudgedValue: round(leak?.value),
    rssTrendKb: round(report.memory.trend?.kbPerConnection),
    rssTrendSeKb: round(report.memory.trend?.standardErrorKb),
    retainedGrowthMb: round(report.memory.retainedGrowthBytes === null ? null : report.memory.retainedGrowthBytes / MB),
    signals: { fds: g.fds, threads: g.threads, processes: g.processes, lingering: g.lingeringConnections, sessions: g.sessions },
    abruptDisconnects: report.scenarios.leak.abruptDisconnects,
    heapEvidence: report.memoryJudge.by !== 'rss',
    judgedBy: report.memoryJudge.by,
    seconds: round(seconds)!,
    survivors: report.server.survivors,
  };
}

/** Runs the series' gate runs in order; stops early (keeping what was measured) when `signal` aborts. */
export async function runSeries(
  series: Series,
  extra: RawInputs,
  signal: AbortSignal,
  onRun: (index: number, figures: RunFigures) => void,
): Promise<RunFigures[]> {
  const inputs: RawInputs = { ...series.inputs, ...extra, 'report-path': '' };
  const config = parseConfig(inputs);
  const out: RunFigures[] = [];
  for (let i = 0; i < series.runs && !signal.aborted; i++) {
    const started = performance.now();
    const report = await runGate(config, { signal, configDescription: describeConfig(inputs) });
    if (signal.aborted) break;
    const figures = figuresOf(report, series, (performance.now() - started) / 1000);
    out.push(figures);
    onRun(i + 1, figures);
  }
  return out;
}
