// Runs the gate with a comparison against the base branch: a report from an earlier run, or the base
// server gated in this same job, in rounds alternating with this run's.

import { withComparison, type CompareOptions } from '../analysis/compare.js';
import type { Config } from '../config/types.js';
import type { Report } from '../model/report.js';
import { readJsonReport } from '../report/json.js';
import { runGate, type GateOptions } from './runner.js';

/** Runs the gate, and the base when configured; returns this run's report with the comparison attached. */
export async function runGateWithBaseCompare(config: Config, options: GateOptions = {}): Promise<Report> {
  const { reportPath, serverCommand, rounds, maxRegressionPercent, level } = config.baseCompare;
  const compare = (source: string): CompareOptions => ({ maxRegressionPercent, level, warnOnly: config.warnOnly, source });

  if (reportPath !== null) {
    const current = await runGate(config, options);
    const source = `the base report ${reportPath}`;
    try {
      return withComparison(current, [await readJsonReport(reportPath, 'baseline-report')], compare(source));
    } catch (err) {
      // A missing or unreadable base is said in the report (and so in the comment), never compared silently.
      return { ...current, comparison: { source, skipped: (err as Error).message, maxRegressionPercent, metrics: [] } };
    }
  }
  if (serverCommand === null) return runGate(config, options);

  const baseConfig: Config = {
    ...config,
    server: { ...config.server, command: serverCommand },
    baseCompare: { ...config.baseCompare, reportPath: null, serverCommand: null },
  };
  const progress = options.onProgress ?? (() => {});
  const log = config.server.logPath;
  // Each round keeps its own log; server-log itself holds the log of the run the report is about (the last one).
  const logOf = (side: 'base' | 'this', round: number): Pick<GateOptions, 'serverLogPath'> => {
    if (log === null) return {};
    if (side === 'base') return { serverLogPath: `${log}.base-round-${round}` };
    return round === rounds ? {} : { serverLogPath: `${log}.round-${round}` };
  };
  const bases: Report[] = [];
  const currents: Report[] = [];
  // Alternating base and this run spreads any drift of the runner (other jobs, thermal) over both sides.
  for (let round = 1; round <= rounds && !options.signal?.aborted; round++) {
    const tag = rounds > 1 ? ` ${round}/${rounds}` : '';
    const base = { ...options, ...logOf('base', round), onProgress: (line: string) => progress(`[base${tag}] ${line}`) };
    bases.push(await runGate(baseConfig, base));
    if (options.signal?.aborted) break;
    const current = { ...options, ...logOf('this', round), onProgress: (line: string) => progress(`[this run${tag}] ${line}`) };
    currents.push(await runGate(config, current));
  }
  // Cancelled before this run's first round: the report says so (runGate stops at once on an aborted signal).
  const current = currents.at(-1) ?? (await runGate(config, options));
  const source = `the base server (baseline-server-command), ${bases.length} round${bases.length === 1 ? '' : 's'} in this job`;
  return withComparison(current, bases, compare(source), currents.length > 0 ? currents : [current]);
}
