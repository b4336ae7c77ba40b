// Runs the gate with a comparison against the base branch: a report from an earlier run, or the base
// server gated in this same job, in rounds alternating with this run's.

import { withComparison, type CompareOptions } from './analysis/compare.js';
import type { Config } from './config/types.js';
import { runGate, type GateOptions } from './gate.js';
import { readJsonReport } from './report/json.js';
import type { Report } from './model/report.js';

/** Runs the gate, and the base when configured; returns this run's report with the comparison attached. */
export async function runGateWithBaseline(config: Config, options: GateOptions = {}): Promise<Report> {
  const { reportPath, serverCommand, rounds, maxRegressionPercent, level } = config.baseline;
  const compare = (source: string): CompareOptions => ({ maxRegressionPercent, level, warnOnly: config.warnOnly, source });

  if (reportPath !== null) {
    const current = await runGate(config, options);
    const source = `the base report ${reportPath}`;
    try {
      return withComparison(current, [await readJsonReport(reportPath)], compare(source));
    } catch (err) {
      // A missing or unreadable base is said in the report (and so in the comment), never compared silently.
      return { ...current, comparison: { source, skipped: (err as Error).message, maxRegressionPercent, metrics: [] } };
    }
  }
  if (serverCommand === null) return runGate(config, options);

  const baseConfig: Config = {
    ...config,
    server: { ...config.server, command: serverCommand, logPath: config.server.logPath === null ? null : `${config.server.logPath}.base` },
    baseline: { ...config.baseline, reportPath: null, serverCommand: null },
  };
  const progress = options.onProgress ?? (() => {});
  const bases: Report[] = [];
  const currents: Report[] = [];
  // Alternating base and this run spreads any drift of the runner (other jobs, thermal) over both sides.
  for (let round = 1; round <= rounds && !options.signal?.aborted; round++) {
    const tag = rounds > 1 ? ` ${round}/${rounds}` : '';
    bases.push(await runGate(baseConfig, { ...options, onProgress: (line) => progress(`[base${tag}] ${line}`) }));
    if (options.signal?.aborted) break;
    currents.push(await runGate(config, { ...options, onProgress: (line) => progress(`[this run${tag}] ${line}`) }));
  }
  // Cancelled before this run's first round: the report says so (runGate stops at once on an aborted signal).
  const current = currents.at(-1) ?? (await runGate(config, options));
  const source = `the base server (baseline-server-command), ${bases.length} round${bases.length === 1 ? '' : 's'} in this job`;
  return withComparison(current, bases, compare(source), currents.length > 0 ? currents : [current]);
}
