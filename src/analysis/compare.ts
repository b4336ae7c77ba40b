// Compares a run with one of the base branch: headline metrics side by side, and regression checks
// that fail only when a metric worsened by more than a share of the base AND an absolute floor (pure).

import type { Check, ComparisonMetric, ComparisonResult, Report } from '../model/report.js';
import { REPORT_SCHEMA_VERSION } from '../model/report.js';
import { COMPARED_METRICS, type CheckId, type ComparedMetricId } from '../model/checks.js';
import { formatValue, mbFromBytes } from '../model/format.js';
import { median } from './stats.js';
import { verdictOf } from './checks.js';
import { finalize, head, levelOf, type Draft } from './check-draft.js';

/** Settings that change what the numbers mean: two reports are compared only when these match. */
export const COMPARED_SETTINGS = [
  'profile',
  'warmup-connections',
  'flap-cycles',
  'flap-hold-ms',
  'flap-pause-ms',
  'leak-clients',
  'leak-cycles',
  'leak-rounds',
  'abrupt-ratio',
  'cooldown-ms',
  'sample-interval-ms',
] as const;

const checkValue = (id: CheckId) => (r: Report) => r.checks.find((c) => c.id === id)?.value ?? null;

/** How each compared metric is read from a report (the metrics themselves are registered in the model). */
const READ: Record<ComparedMetricId, (r: Report) => number | null> = {
  'connect-success-rate': checkValue('connect-success-rate'),
  'disconnect-success-rate': checkValue('disconnect-success-rate'),
  'handshake-p95': (r) => {
    const p95s = [r.scenarios.flapping, r.scenarios.leak].map((s) => s.handshakeMs?.p95).filter((v): v is number => v !== undefined);
    return p95s.length === 0 ? null : Math.max(...p95s);
  },
  'memory-growth': (r) => (r.memory.retainedGrowthBytes === null ? null : mbFromBytes(r.memory.retainedGrowthBytes)),
  // The check's value, not the raw fit: a trend the check did not trust (too few connections) is not compared.
  'leak-per-connection': checkValue('leak-per-connection'),
  'fd-growth': (r) => r.signals?.growth.fds ?? null,
  'lingering-connections': (r) => r.signals?.growth.lingeringConnections ?? null,
};

export interface CompareOptions {
  /** Worsening, in percent of the base value, that counts as a regression (with the floor). */
  maxRegressionPercent: number;
  level: 'error' | 'warn';
  /** Check ids the user downgraded to warnings. */
  warnOnly?: readonly string[];
  /** Where the base numbers came from, for people ("baseline-report base.json", "same job, 2 rounds"). */
  source: string;
}

/** Why two reports cannot be compared, or null when they can. */
export function incompatibility(base: Report, current: Report): string | null {
  if (base.schemaVersion !== REPORT_SCHEMA_VERSION) {
    return `the base report has schema version ${String(base.schemaVersion)}, this gate writes ${REPORT_SCHEMA_VERSION}`;
  }
  const differing = COMPARED_SETTINGS.filter((k) => (base.config[k] ?? '') !== (current.config[k] ?? ''));
  if (differing.length > 0) {
    return (
      `the scenario settings differ ` +
      `(${differing.map((k) => `${k}: ${base.config[k] ?? 'unset'} vs ${current.config[k] ?? 'unset'}`).join(', ')})`
    );
  }
  return null;
}

/** The median of a metric over several runs of one side (alternating rounds); null when never measured. */
function medianOf(reports: readonly Report[], read: (r: Report) => number | null): number | null {
  return median(reports.map(read).filter((v): v is number => v !== null));
}

/** The metrics of both sides (medians over their runs) side by side, and whether each regressed. */
export function compareMetrics(bases: readonly Report[], currents: readonly Report[], maxRegressionPercent: number): ComparisonMetric[] {
  return COMPARED_METRICS.map((m) => {
    const b = medianOf(bases, READ[m.id]);
    const c = medianOf(currents, READ[m.id]);
    const change = b === null || c === null ? null : c - b;
    const worsening = change === null ? null : m.worse === 'up' ? change : -change;
    const relative = b === null || worsening === null ? null : b === 0 ? (worsening > 0 ? Infinity : 0) : (worsening / Math.abs(b)) * 100;
    const regressed = worsening !== null && relative !== null && worsening > m.floor && relative > maxRegressionPercent;
    return {
      id: m.id,
      title: m.title,
      unit: m.unit,
      base: b,
      current: c,
      change,
      changePercent: b === null || change === null || b === 0 ? null : Math.round((change / Math.abs(b)) * 1000) / 10,
      floor: m.floor,
      regressed,
    };
  });
}

/**
 * The report with its comparison to the base attached, regression checks added and the verdict redone.
 * `bases` and `currents` are the runs of each side (one each, or several alternating rounds).
 */
export function withComparison(
  current: Report,
  bases: readonly Report[],
  options: CompareOptions,
  currents: readonly Report[] = [current],
): Report {
  const skipped = bases.map((b) => incompatibility(b, current)).find((why) => why !== null) ?? null;
  const comparison: ComparisonResult = skipped
    ? { source: options.source, skipped, maxRegressionPercent: options.maxRegressionPercent, metrics: [] }
    : {
        source: options.source,
        skipped: null,
        maxRegressionPercent: options.maxRegressionPercent,
        metrics: compareMetrics(bases, currents, options.maxRegressionPercent),
      };
  const checks = [...current.checks, ...regressionChecks(comparison, options)];
  return { ...current, comparison, checks, verdict: verdictOf(checks) };
}

/** One check per metric measured on both sides; a skipped comparison adds none (the report says why). */
export function regressionChecks(comparison: ComparisonResult, options: CompareOptions): Check[] {
  const limit = (m: ComparisonMetric): string => `worse by at most ${options.maxRegressionPercent} % or ${formatValue(m.floor, m.unit)}`;
  const worse = (m: ComparisonMetric): string =>
    `worse by ${formatValue(Math.abs(m.change!), m.unit)}${m.changePercent !== null ? ` (${Math.abs(m.changePercent)} %)` : ''} than ` +
    `${comparison.source}`;
  return comparison.metrics
    .filter((m) => m.base !== null && m.current !== null)
    .map((m) => {
      const id = `regression-${m.id}` as const;
      const draft: Draft = {
        ...head(id, limit(m)),
        measured: `${formatValue(m.base, m.unit)} → ${formatValue(m.current, m.unit)}`,
        value: m.change,
        outcome: m.regressed ? 'fail' : 'pass',
        ...(m.regressed ? { detail: worse(m) } : {}),
      };
      return finalize(draft, levelOf(id, options.warnOnly ?? [], options.level));
    });
}
