// Table rows from a Report (checks, scenarios, memory, signals, failures, base comparison, environment), as plain
// cells shared by Markdown and terminal, plus the Markdown table itself.

import {
  formatChange,
  formatMb,
  formatMbDelta,
  formatMs,
  formatPercentDelta,
  formatRate,
  formatSeconds,
  formatValue,
} from '../model/format.js';
import {
  judgedAttempts,
  judgedCloses,
  type CheckStatus,
  type ComparisonMetric,
  type LatencySummary,
  type LoadScenarioResult,
  type Report,
} from '../model/report.js';
import type { SessionFailureKind } from '../model/session.js';
import { describeTrend, isRegressionCheck, limitText, measuredText } from './sentences.js';

/** A Markdown table; every cell must already be escaped. */
export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export const STATUS_LABEL: Record<CheckStatus, string> = {
  pass: '✅ pass',
  warn: '⚠️ warn',
  fail: '❌ fail',
  'not-measured': '➖ not measured',
};

/** "server ready" -> "Server ready": table rows start with a capital. */
export function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export const CHECK_HEADER = ['Check', 'Measured', 'Limit', 'Status'];

/** One row per check (title, measured, limit, status), without the regression checks the base table already shows. */
export function checkRows(report: Report): string[][] {
  return report.checks
    .filter((c) => !isRegressionCheck(c))
    .map((c) => [upperFirst(c.title), measuredText(c), limitText(c), STATUS_LABEL[c.status] ?? c.status]);
}

function latencyTriple(summary: LatencySummary | null): string {
  if (!summary || summary.count === 0) return 'n/a';
  return `${formatMs(summary.p50)} / ${formatMs(summary.p95)} / ${formatMs(summary.p99)}`;
}

/**
 * Clean closes out of the closes that were tried: connections cut on purpose with terminate() or by the reset
 * toxic are not judged, so they are counted apart ("4/5 (80 %), 5 cut on purpose") and the fraction matches the
 * rate next to it.
 */
function disconnectCell(s: LoadScenarioResult): string {
  const abrupt = s.abruptDisconnects ?? 0;
  const reset = s.injectedResets?.disconnect ?? 0;
  const apart = [abrupt > 0 ? `${abrupt} cut on purpose` : '', reset > 0 ? `${reset} reset by the network faults` : ''].filter(Boolean);
  return [`${s.cleanDisconnects}/${judgedCloses(s)} (${formatRate(s.disconnectRate)})`, ...apart].join(', ');
}

/** Connections out of the attempts judged; those the reset toxic cut mid-handshake counted apart. */
function connectCell(s: LoadScenarioResult): string {
  const reset = s.injectedResets?.connect ?? 0;
  const judged = `${s.connected}/${judgedAttempts(s)} (${formatRate(s.connectRate)})`;
  return reset > 0 ? `${judged}, ${reset} reset by the network faults` : judged;
}

export const SCENARIO_HEADER = [
  'Scenario',
  'Clients × cycles',
  'Connects',
  'Clean disconnects',
  'Cycle (measured / prescribed)',
  'Handshake p50 / p95 / p99',
  'Close p50 / p95 / p99',
  'Session',
];

/** The scenario figures as cells: clients × cycles, connects, clean disconnects, cycle, handshake, close. */
export function scenarioCells(s: LoadScenarioResult): string[] {
  if (!s.enabled) return ['disabled', '–', '–', '–', '–', '–', '–'];
  return [
    `${s.prescribed.clients} × ${s.prescribed.cyclesPerClient}`,
    connectCell(s),
    disconnectCell(s),
    `${s.cycleMs && s.cycleMs.count > 0 ? formatMs(s.cycleMs.mean) : 'n/a'} / ${formatMs(s.prescribed.cycleMs)}`,
    latencyTriple(s.handshakeMs),
    latencyTriple(s.closeMs),
    sessionCell(s),
  ];
}

/** What each client said and how many completed it: "socket.io connect + 2 steps, 45/45 completed"; "none". */
function sessionCell(s: LoadScenarioResult): string {
  if (!s.session) return 'none';
  const { describe, completed, started } = s.session;
  return `${describe}, ${completed}/${started} completed`;
}

/** How a session step failed, in words for the failures table. */
const SESSION_FAILURE_WORDS: Record<SessionFailureKind, string> = {
  'no-reply': 'no reply',
  mismatch: 'no matching reply',
  closed: 'closed by the server',
  refused: 'refused',
  'not-sent': 'not sent',
  unsupported: 'not possible on this protocol',
};

/** The scenarios side by side, one row per figure (narrow enough for a comment column): header and rows. */
export function scenarioColumns(report: Report): { header: string[]; rows: string[][] } {
  const scenarios = [report.scenarios.flapping, report.scenarios.leak];
  const cells = scenarios.map(scenarioCells);
  return {
    header: ['Scenario', ...scenarios.map((s) => s.id)],
    rows: SCENARIO_HEADER.slice(1).map((label, i) => [label, ...cells.map((c) => c[i]!)]),
  };
}

/** Which figure judged the memory trend, and when RSS did, how to get evidence for the server's runtime. */
export function judgeRows(report: Report): Array<[string, string]> {
  const judge = report.memoryJudge;
  if (!judge) return [];
  // The evidence's own sentence names it; RSS's says why no evidence judged.
  const judged = judge.by === 'rss' ? `RSS: ${judge.why}` : judge.why;
  return [['Judged by', judged], ...(judge.better ? [['Better evidence', judge.better] as [string, string]] : [])];
}

/** Memory figures as label/value pairs; null when memory was not measured. */
export function memoryRows(report: Report): Array<[string, string]> | null {
  const m = report.memory;
  if (!m.measured) return null;
  return [
    ['Baseline', formatMb(m.baselineBytes)],
    ['Peak', formatMb(m.peakBytes)],
    ['Retained (after cooldown)', formatMb(m.retainedBytes)],
    [
      'Retained growth',
      m.retainedGrowthBytes === null
        ? 'n/a'
        : `${formatMbDelta(m.retainedGrowthBytes)}${m.growthPercent === null ? '' : ` (${formatPercentDelta(m.growthPercent)})`}`,
    ],
    ['Peak growth', formatMbDelta(m.peakGrowthBytes)],
    ['Trend (leak per connection)', describeTrend(report)],
    ...judgeRows(report),
    ['Samples', `${m.samples.length}, every ${formatMs(m.sampleIntervalMs)}`],
    ...(m.probeOverheadBytes
      ? [['Heap snapshots (left out of the figures)', `${formatMbDelta(m.probeOverheadBytes)} of RSS`] as [string, string]]
      : []),
  ];
}

const SIGNAL_LABELS: Array<[keyof Report['signals']['growth'], string]> = [
  ['fds', 'Open fds'],
  ['lingeringConnections', 'Connections left ESTABLISHED/CLOSE_WAIT'],
  ['threads', 'Threads'],
  ['processes', 'Processes'],
  ['sessions', 'Sessions (stats-url)'],
];

export const SIGNAL_HEADER = ['Exact signal', 'Baseline', 'After cooldown', 'Change'];

/** The exact leak signals, one row each: baseline, after cooldown, change; n/a where not read. */
export function signalRows(report: Report): string[][] {
  const { baseline, after, growth } = report.signals;
  const show = (v: number | null | undefined): string => (v === null || v === undefined ? 'n/a' : String(v));
  return SIGNAL_LABELS.filter(
    ([key]) => key !== 'sessions' || baseline?.sessions != null || after?.sessions != null || report.config['stats-url'],
  ).map(([key, label]) => {
    const change = growth[key];
    return [label, show(baseline?.[key]), show(after?.[key]), formatChange(change, '')];
  });
}

/** One kind of failure a scenario counted. */
export interface FailureRow {
  scenario: string;
  stage: string;
  kind: string;
  count: number;
}

export const FAILURE_HEADER = ['Scenario', 'Stage', 'Kind', 'Count'];

/** Every failure the scenarios counted (connect failures and close reasons), most frequent first. */
export function failureRows(report: Report): FailureRow[] {
  const rows: FailureRow[] = [];
  for (const s of [report.scenarios.flapping, report.scenarios.leak]) {
    for (const [kind, count] of Object.entries(s.connectFailures)) rows.push({ scenario: s.id, stage: 'connect', kind, count });
    for (const [kind, count] of Object.entries(s.disconnectFailures)) rows.push({ scenario: s.id, stage: 'disconnect', kind, count });
    // A session that did not complete is a failure of its own kind, named by the step that failed.
    for (const f of s.session?.failures ?? []) {
      rows.push({
        scenario: s.id,
        stage: `session ${f.step}`,
        kind: `session: ${SESSION_FAILURE_WORDS[f.kind] ?? f.kind}`,
        count: f.count,
      });
    }
  }
  const r = report.scenarios.recovery;
  if (r.connectFailure) rows.push({ scenario: 'recovery', stage: 'connect', kind: r.connectFailure, count: 1 });
  return rows.filter((row) => row.count > 0).sort((a, b) => b.count - a.count);
}

export const COMPARISON_HEADER = ['Metric', 'Base', 'This PR', 'Change', 'Noise floor'];

/** True when a metric moved by more than its noise floor (either way), so it belongs in the base table. */
export function changedBeyondNoise(m: ComparisonMetric): boolean {
  return m.change !== null && Math.abs(m.change) > m.floor;
}

/**
 * "+7.0 MiB (+350 %)": a percentage only when the base is above the metric's noise floor (a change against a
 * near-zero base reads as "+20731 %", which says nothing), else the absolute change alone.
 */
export function changeText(m: ComparisonMetric): string {
  const absolute = formatChange(m.change, m.unit);
  if (m.change === null || m.base === null || Math.abs(m.base) <= m.floor || m.changePercent === null) return absolute;
  return `${absolute} (${formatPercentDelta(m.changePercent)})`;
}

/** A metric's noise floor as an amount: "5 points" for rates, "5.0 MiB", "4" for counts. */
export function floorText(m: Pick<ComparisonMetric, 'floor' | 'unit'>): string {
  return formatChange(m.floor, m.unit).replace(/^[+±]/, '');
}

/** Rows of base → this PR for the metrics that changed beyond noise, regressions marked; empty when none did. */
export function comparisonRows(report: Report): string[][] {
  return (report.comparison?.metrics ?? [])
    .filter(changedBeyondNoise)
    .map((m) => [
      m.title,
      formatValue(m.base, m.unit),
      formatValue(m.current, m.unit),
      `${changeText(m)}${m.regressed ? ' ❌ regression' : ''}`,
      floorText(m),
    ]);
}

/** The settings that differ from their defaults, name and value; `defaults` maps an input name to its default. */
export function nonDefaultSettings(report: Report, defaults?: Readonly<Record<string, string>>): Array<[string, string]> {
  return Object.entries(report.config).filter(([name, value]) => (defaults && name in defaults ? defaults[name] !== value : value !== ''));
}

/** Environment rows (label, plain value): where it ran, what ran, how long. */
export function environmentRows(report: Report): Array<[string, string]> {
  const env = report.environment;
  const server = report.server;
  const rows: Array<[string, string]> = [
    ['Runner', `${env.runnerOs ?? env.os} ${env.arch}, Node ${env.node}`],
    ['Commit', env.commit ?? 'n/a'],
    ['Workflow / job', `${env.workflow ?? 'n/a'} / ${env.job ?? 'n/a'}`],
    ['Tool', `${report.tool.name} ${report.tool.version}`],
    ['Started', `${report.startedAt}, ran ${formatSeconds(report.durationMs)}`],
    ['Server', `${server.mode}: ${server.command ?? server.url}`],
    ['Ready after', formatMs(server.readyAfterMs)],
  ];
  if (server.survivors.length > 0) rows.push(['Survived teardown', server.survivors.join(', ')]);
  return rows;
}
