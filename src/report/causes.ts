// The cause shown beside a failing or warning check: a table from check id to the evidence that explains it, so a
// new check adds one line here.

import { formatBytesDelta, formatChange, formatCountDelta, formatMb, formatValue, NBSP } from '../model/format.js';
import { evidenceWithSuspects, retainerPathParts, type GrowthRow } from '../model/evidence.js';
import { AFTER_STOP, type Check, type ComparisonMetric, type Report, type SignalReading } from '../model/report.js';
import {
  beforeAfter,
  describeStop,
  describeViolation,
  isRegressionCheck,
  memoryBeforeAfter,
  plural,
  recoveryProblems,
  stageFailures,
  type TextStyle,
} from './sentences.js';
import { floorText } from './tables.js';
import { typeset } from './typeset.js';

/** Finds the evidence for one check in the report; null when the report holds nothing beyond the check itself. */
export type CauseFn = (check: Check, report: Report, style: TextStyle) => string | null;

const SIGNAL_NAMES: Array<[keyof SignalReading, string]> = [
  ['fds', 'fds'],
  ['threads', 'threads'],
  ['processes', 'processes'],
  ['sessions', 'sessions'],
];

/** The exact signals that moved: "fds +65, 71 lingering"; null when all stayed put or none were read. */
export function movedSignals(report: Report): string | null {
  const growth = report.signals?.growth;
  if (!growth) return null;
  const parts: string[] = [];
  for (const [key, name] of SIGNAL_NAMES) {
    const v = growth[key];
    if (v !== null && v !== 0) parts.push(`${name} ${formatCountDelta(v)}`);
  }
  const lingering = growth.lingeringConnections;
  if (lingering !== null && lingering > 0) parts.push(`${lingering} lingering`);
  return parts.length === 0 ? null : parts.join(', ');
}

/** A retainer path in a cause line: short enough that no cap on a piece of text cuts it (the PR comment's is 200). */
export const RETAINER_PATH_MAX = 200;

/**
 * "(GC roots) → Map sessions → Session": each step's node, then the edge it holds the next one by. A path longer
 * than maxChars keeps its first part and as many of its last as fit, with "…" between: the end is the user's code
 * (the variable that holds the objects), the middle is often a framework's router or the runtime's handles.
 */
export function retainerPathText(path: GrowthRow['retainerPath'], maxChars = RETAINER_PATH_MAX): string | null {
  if (!path || path.length === 0) return null;
  const parts = retainerPathParts(path);
  const whole = parts.join(' → ');
  if (whole.length <= maxChars) return whole;
  const last = parts[parts.length - 1]!;
  const head = `${parts[0]!} → … → `;
  if (head.length + last.length > maxChars) return `… → ${last}`;
  let tail = last;
  for (let i = parts.length - 2; i > 0; i--) {
    const longer = `${parts[i]!} → ${tail}`;
    if (head.length + longer.length > maxChars) break;
    tail = longer;
  }
  return head + tail;
}

/** Suspects after the first that a cause line names: enough to see what else one leak holds on to. */
const OTHER_SUSPECTS_NAMED = 3;

/**
 * The top heap suspect: "+65 Session (1.00 per connection, +1.3 MiB), held by (GC roots) → …", then the next
 * few by name ("also growing: +65 Socket, +65 Receiver and 4 more classes"); null without heap evidence.
 */
export function heapSuspect(report: Report, esc: (text: string) => string): string | null {
  const [suspect, ...others] = evidenceWithSuspects(report.evidence)?.suspects ?? [];
  if (!suspect) return null;
  const path = retainerPathText(suspect.retainerPath);
  // A gauge of a metrics page counts things, not bytes.
  const bytes = suspect.kind === 'gauge' ? '' : `, ${formatBytesDelta(suspect.bytesDelta)}`;
  const figures = `${suspect.perConnection.toFixed(2)} per connection${bytes}`;
  const named = others.slice(0, OTHER_SUSPECTS_NAMED).map((o) => `${formatCountDelta(o.countDelta)} ${esc(o.name)}`);
  const more = others.length - named.length;
  const also =
    named.length === 0
      ? ''
      : `; also growing: ${named.join(', ')}${more > 0 ? ` and ${more} more ${more === 1 ? 'class' : 'classes'}` : ''}`;
  return `${formatCountDelta(suspect.countDelta)} ${esc(suspect.name)} (${figures})${path ? `, held by ${esc(path)}` : ''}${also}`;
}

function joinCauses(parts: Array<string | null>): string | null {
  const kept = parts.filter((p): p is string => p !== null && p !== '');
  return kept.length === 0 ? null : kept.join('; ');
}

function signalBeforeAfter(key: keyof SignalReading, label: string): CauseFn {
  return (_check, report) => {
    const before = report.signals?.baseline?.[key];
    const after = report.signals?.after?.[key];
    if (before == null || after == null) return null;
    return `${label} ${beforeAfter(String(before), String(after))}`;
  };
}

/** The metric a regression check is about, found by its id. */
function comparedMetric(check: Check, report: Report): ComparisonMetric | undefined {
  return report.comparison?.metrics.find((m) => `regression-${m.id}` === check.id);
}

/** The rule in words that cannot be misread: "worse than the base by more than 25 % of it and by more than 5 points". */
export function regressionRule(maxRegressionPercent: number, metric: Pick<ComparisonMetric, 'floor' | 'unit'>): string {
  const floor = floorText(metric);
  return `worse than the base by more than ${maxRegressionPercent}${NBSP}% of it and by more than ${floor}`;
}

const regressionCause: CauseFn = (check, report) => {
  const metric = comparedMetric(check, report);
  if (!metric || metric.base === null || metric.current === null) return typeset(check.detail ?? '') || null;
  return `regressed: ${regressionRule(report.comparison!.maxRegressionPercent, metric)}`;
};

/** True when a check of one of these ids failed or warned: its own line shows that evidence. */
function shownElsewhere(report: Report, ids: string[]): boolean {
  return report.checks.some((c) => ids.includes(c.id) && (c.status === 'fail' || c.status === 'warn'));
}

const SIGNAL_CHECK_IDS = ['fd-growth', 'lingering-connections', 'thread-growth', 'process-growth', 'session-growth'];

/** The exact signals, unless their own checks failed and say it there. */
function signalsUnlessShown(report: Report): string | null {
  return shownElsewhere(report, SIGNAL_CHECK_IDS) ? null : movedSignals(report);
}

/** The trend's fit, without the slope the check's own line already gives. */
function trendFit(report: Report): string | null {
  const t = report.memory.trend;
  if (!t || t.kbPerConnection === null) return null;
  const fitted = t.points.slice(t.skipped);
  return `fitted over ${plural(fitted.length, 'reading')} from ${fitted[0]!.connections} to ${fitted.at(-1)!.connections} connections`;
}

const detailCause: CauseFn = (check, _report, style) => (check.detail ? style.esc(typeset(check.detail)) : null);

/** The cause of each check, by id. A check without an entry shows its own detail. */
export const CAUSES: Record<string, CauseFn> = {
  'server-ready': (check, report, style) => describeStop(report, style) ?? detailCause(check, report, style),
  'connect-success-rate': (check, report, style) => stageFailures(report, 'connect', style.esc) ?? detailCause(check, report, style),
  'disconnect-success-rate': (check, report, style) => stageFailures(report, 'disconnect', style.esc) ?? detailCause(check, report, style),
  'memory-growth': (_check, report, style) =>
    joinCauses([memoryBeforeAfter(report), signalsUnlessShown(report), heapSuspect(report, style.esc)]),
  'peak-memory-growth': (_check, report) =>
    report.memory.baselineBytes === null || report.memory.peakBytes === null
      ? null
      : `peak ${formatMb(report.memory.peakBytes)} over a baseline of ${formatMb(report.memory.baselineBytes)}`,
  'leak-per-connection': (check, report, style) =>
    joinCauses([
      (report.memoryJudge?.by ?? 'rss') !== 'rss' ? (check.detail ?? null) : trendFit(report),
      signalsUnlessShown(report),
      heapSuspect(report, style.esc),
    ]),
  'fd-growth': signalBeforeAfter('fds', 'open fds'),
  'lingering-connections': (check) => `${plural(check.value ?? 0, 'connection')} still ESTABLISHED or CLOSE_WAIT after cooldown`,
  'thread-growth': signalBeforeAfter('threads', 'threads'),
  'process-growth': signalBeforeAfter('processes', 'processes'),
  'session-growth': signalBeforeAfter('sessions', 'sessions'),
  recovery: (check, report, style) =>
    report.scenarios.recovery.problems.length > 0 ? recoveryProblems(report, style.esc) : detailCause(check, report, style),
  'server-crash': (check, report, style) => describeStop(report, style) ?? detailCause(check, report, style),
  'run-completed': (check, report, style) => describeStop(report, style) ?? detailCause(check, report, style),
  'retained-objects': (check, report, style) => heapSuspect(report, style.esc) ?? detailCause(check, report, style),
  'dead-peer-reaping': detailCause,
  'hostile-survived': detailCause,
};

/** The cause of a check in one line, from the table (regression checks: the base value); null when nothing is known. */
export function causeOf(check: Check, report: Report, style: TextStyle): string | null {
  const fn = CAUSES[check.id] ?? (isRegressionCheck(check) ? regressionCause : detailCause);
  return fn(check, report, style);
}

/**
 * What a failing check's line leads with: the violation ("connect success rate 64 % < 80 %"); for a regression the
 * metric from base to now ("retained memory growth 2.0 MiB → 9.0 MiB (+7.0 MiB)"); for a crash or a failed start
 * only the title, since the cause says what happened.
 */
export function checkHeadline(check: Check, report: Report, esc: (text: string) => string): string {
  if (isStopCheck(check) && causeOf(check, report, { esc, strong: (t) => t }) !== null) return esc(check.title);
  const metric = isRegressionCheck(check) ? comparedMetric(check, report) : undefined;
  if (metric && metric.base !== null && metric.current !== null) {
    const change = formatChange(metric.change, metric.unit);
    return (
      `${esc(metric.title)} ${beforeAfter(formatValue(metric.base, metric.unit), formatValue(metric.current, metric.unit))} ` +
      `(${change}) against the base`
    );
  }
  return describeViolation(check, esc);
}

/** The checks a reader must see, and the ones that only failed because the run had stopped. */
export interface Outcome {
  /** Failing and warning checks, each once, in report order. */
  shown: Check[];
  /** Failing checks that measured nothing because the run stopped early: one line, not one row each. */
  notMeasuredAfterStop: Check[];
}

const STOP_CHECKS = new Set(['server-ready', 'server-crash', 'run-completed']);

/** The checks whose cause is the stop itself (crash, failed start, early end). */
export function isStopCheck(check: Check): boolean {
  return STOP_CHECKS.has(check.id);
}

/** Splits the failing and warning checks into those shown with a cause and those the stop explains. */
export function outcome(report: Report): Outcome {
  const bad = report.checks.filter((c) => c.status === 'fail' || c.status === 'warn');
  const afterStop = (c: Check): boolean =>
    report.stopped !== null && !STOP_CHECKS.has(c.id) && (c.value === null || c.status === 'not-measured');
  let shown = bad.filter((c) => !afterStop(c));
  // The crash (or the failed start) already says that the run stopped there.
  if (shown.some((c) => c.id === 'server-crash' || c.id === 'server-ready')) {
    shown = shown.filter((c) => c.id !== 'run-completed');
  }
  return { shown, notMeasuredAfterStop: report.checks.filter((c) => afterStop(c) && c.status !== 'pass') };
}

/**
 * "2 checks not measured after the crash: memory trend, fd growth; recovery could not run and fails for it"; null
 * when none. Said apart, so the line counts as the heading does (failed, not measured).
 */
export function describeNotMeasuredAfterStop(report: Report, checks: Check[], esc: (text: string) => string): string | null {
  if (checks.length === 0 || !report.stopped) return null;
  const when = AFTER_STOP[report.stopped.reason] ?? 'after the stop';
  const titles = (list: Check[]): string => list.map((c) => esc(c.title.toLowerCase())).join(', ');
  const failed = checks.filter((c) => c.status === 'fail');
  const unmeasured = checks.filter((c) => c.status !== 'fail');
  const fails = failed.length === 0 ? '' : `${titles(failed)} could not run and ${failed.length === 1 ? 'fails' : 'fail'} for it`;
  if (unmeasured.length === 0) return `${when[0]!.toUpperCase()}${when.slice(1)}, ${fails}`;
  return `${plural(unmeasured.length, 'check')} not measured ${when}: ${titles(unmeasured)}${fails ? `; ${fails}` : ''}`;
}

/**
 * The Why section as lines: each failing or warning check once, with its cause beside it, then one line for the
 * checks the stop left unmeasured. The terminal prints them; the action's failure message joins the failing ones.
 */
export function whyLines(report: Report, style: TextStyle): Array<{ check: Check | null; text: string }> {
  const { shown, notMeasuredAfterStop } = outcome(report);
  const lines: Array<{ check: Check | null; text: string }> = shown.map((check) => {
    const cause = causeOf(check, report, style);
    return { check, text: `${checkHeadline(check, report, style.esc)}${cause ? ` — ${cause}` : ''}` };
  });
  const rest = describeNotMeasuredAfterStop(report, notMeasuredAfterStop, style.esc);
  if (rest) lines.push({ check: null, text: rest });
  return lines;
}
