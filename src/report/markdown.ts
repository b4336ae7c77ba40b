// The Markdown report (PR comment, job summary): pure, from a Report, escaped, and kept under GitHub's size limit.

import { codeBlock, escapeInline, sanitizeText, truncate } from './escape.js';
import { formatMb, formatMbDelta, formatValue, formatMs, formatPercentDelta, formatRate, mbFromBytes } from '../model/format.js';
import type { Check, CheckStatus, LatencySummary, LoadScenarioResult, MemorySample, Report, Verdict } from '../model/report.js';

/** Safely below GitHub's 65,536-character limit for a comment body, leaving room for a marker and a header. */
export const DEFAULT_MAX_CHARS = 65_000;
/** When the log tail must shrink, no single line keeps more than this many characters. */
export const LOG_LINE_CAP = 500;
/** The memory chart never draws more points than this; more would be unreadable. */
export const CHART_MAX_POINTS = 60;

const FAILED_CHECKS_IN_HEADLINE = 5;
const PROBLEMS_IN_RECOVERY_LINE = 3;

export interface MarkdownOptions {
  /** Largest body to produce, in characters (default 65,000). */
  maxChars?: number;
}

const VERDICT_ICON: Record<Verdict, string> = { pass: '✅', warn: '⚠️', fail: '❌' };
const STATUS_LABEL: Record<CheckStatus, string> = {
  pass: '✅ pass',
  warn: '⚠️ warn',
  fail: '❌ fail',
  'not-measured': '➖ not measured',
};

/** How to style text for one output: Markdown escapes and bolds, a terminal only sanitises. */
export interface TextStyle {
  esc: (text: string) => string;
  strong: (text: string) => string;
}

const MARKDOWN_STYLE: TextStyle = { esc: (t) => escapeInline(t), strong: (t) => `**${t}**` };

const INVERSE_OPERATOR: Record<string, string> = {
  '>=': '<',
  '≥': '<',
  '<=': '>',
  '≤': '>',
  '>': '<=',
  '<': '>=',
  '==': '≠',
  '=': '≠',
};

/** "Connect success rate" -> "connect success rate", but "TCP sockets" stays as it is. */
function lowerFirst(text: string): string {
  const [first = '', second = ''] = text;
  return second !== '' && second === second.toUpperCase() && /\p{L}/u.test(second) ? text : first.toLowerCase() + text.slice(1);
}

/** How a check missed its limit, in words: "connect success rate 64 % < 80 %". */
export function describeViolation(check: Check, esc: (text: string) => string = (t) => t): string {
  const title = esc(lowerFirst(check.title));
  const measured = esc(check.measured);
  const match = /^\s*(>=|<=|≥|≤|==|>|<|=)\s*(.*)$/.exec(check.limit);
  if (match) return `${title} ${measured} ${INVERSE_OPERATOR[match[1]!] ?? match[1]!} ${esc(match[2]!)}`;
  // A limit without an operator ("all answered") reads better left out: the measured text says it.
  return `${title}: ${measured}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function listViolations(checks: Check[], esc: (text: string) => string): string {
  const shown = checks.slice(0, FAILED_CHECKS_IN_HEADLINE).map((c) => describeViolation(c, esc));
  if (checks.length > shown.length) shown.push(`and ${checks.length - shown.length} more`);
  return shown.join(', ');
}

/** The verdict in words, without an icon: "2 of 9 checks failed: …; 1 not measured". */
export function summarizeVerdict(report: Report, esc: (text: string) => string = (t) => t): string {
  const total = report.checks.length;
  const failed = report.checks.filter((c) => c.status === 'fail');
  const warned = report.checks.filter((c) => c.status === 'warn');
  const passed = report.checks.filter((c) => c.status === 'pass');
  const notMeasured = report.checks.filter((c) => c.status === 'not-measured');
  const checksWord = total === 1 ? 'check' : 'checks';
  const parts: string[] = [];
  if (failed.length > 0) {
    parts.push(`${failed.length} of ${total} ${checksWord} failed: ${listViolations(failed, esc)}`);
  } else {
    parts.push(`${passed.length} of ${total} ${checksWord} passed`);
  }
  if (warned.length > 0) {
    // Without failures the warnings are the news, so they are spelled out.
    parts.push(
      failed.length > 0 ? plural(warned.length, 'warning') : `${plural(warned.length, 'warning')}: ${listViolations(warned, esc)}`,
    );
  }
  if (notMeasured.length > 0) parts.push(`${notMeasured.length} not measured`);
  if (report.verdict === 'fail' && failed.length === 0) parts.push('the run failed');
  return parts.join('; ');
}

/** Where and why the run stopped early (or the server exited), or null when it ran to the end. */
export function describeStop(report: Report, style: TextStyle = MARKDOWN_STYLE): string | null {
  const { stopped } = report;
  const exit = report.server.exit;
  const exitText = exit
    ? exit.signal
      ? `signal ${style.esc(exit.signal)}`
      : exit.code !== null
        ? `exit code ${exit.code}`
        : 'no exit code'
    : null;
  if (!stopped) {
    if (!exit) return null;
    return `The server exited during ${style.strong(exit.phase)} (${exitText}).`;
  }
  const phase = style.strong(stopped.phase);
  const message = stopped.message.trim() === '' ? '' : `: ${style.esc(stopped.message)}`;
  switch (stopped.reason) {
    case 'crash': {
      const where = exit ? style.strong(exit.phase) : phase;
      return `The server crashed during ${where}${exitText ? ` (${exitText})` : ''}${message}`;
    }
    case 'timeout':
      return `The run hit its deadline during ${phase}${message}`;
    case 'cancelled':
      return `The run was cancelled during ${phase}${message}`;
    case 'startup-failed':
      return `The server did not start (${phase})${message}`;
    case 'error':
      return `The run stopped during ${phase} because of an error${message}`;
  }
}

/** A Markdown table; every cell must already be escaped. */
function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function latencyTriple(summary: LatencySummary | null): string {
  if (!summary || summary.count === 0) return 'n/a';
  return `${formatMs(summary.p50)} / ${formatMs(summary.p95)} / ${formatMs(summary.p99)}`;
}

/**
 * Clean closes out of the closes that were tried: connections cut on purpose with terminate() are not judged, so
 * they are counted apart ("4/5 (80 %), 5 cut on purpose") and the fraction matches the rate next to it.
 */
function disconnectCell(s: LoadScenarioResult): string {
  const abrupt = s.abruptDisconnects ?? 0;
  const judged = `${s.cleanDisconnects}/${s.connected - abrupt} (${formatRate(s.disconnectRate)})`;
  return abrupt > 0 ? `${judged}, ${abrupt} cut on purpose` : judged;
}

/** The scenario figures as cells: clients x cycles, connects, clean disconnects, cycle, handshake, close. */
export function scenarioCells(s: LoadScenarioResult): string[] {
  if (!s.enabled) return ['disabled', '–', '–', '–', '–', '–'];
  return [
    `${s.prescribed.clients} × ${s.prescribed.cyclesPerClient}`,
    `${s.connected}/${s.attempts} (${formatRate(s.connectRate)})`,
    disconnectCell(s),
    `${s.cycleMs && s.cycleMs.count > 0 ? formatMs(s.cycleMs.mean) : 'n/a'} / ${formatMs(s.prescribed.cycleMs)}`,
    latencyTriple(s.handshakeMs),
    latencyTriple(s.closeMs),
  ];
}

export const SCENARIO_HEADER = [
  'Scenario',
  'Clients × cycles',
  'Connects',
  'Clean disconnects',
  'Cycle (measured / prescribed)',
  'Handshake p50 / p95 / p99',
  'Close p50 / p95 / p99',
];

/** Recovery in one sentence (without a label), e.g. "connected, pings answered 3/3 (RTT p50 0.42 ms), …". */
export function describeRecovery(report: Report, esc: (text: string) => string = (t) => t): string {
  const r = report.scenarios.recovery;
  if (!r.enabled) return 'disabled';
  if (!r.connected && r.problems.length === 0) return 'did not run (the run stopped before it)';
  const parts: string[] = [];
  if (r.connected) {
    parts.push(`connected${r.handshakeMs !== null ? ` in ${formatMs(r.handshakeMs)}` : ''}`);
  } else {
    parts.push(`did not connect${r.connectFailure ? ` (${esc(r.connectFailure)})` : ''}`);
  }
  const rtt = r.pingRttMs && r.pingRttMs.count > 0 ? ` (RTT p50 ${formatMs(r.pingRttMs.p50)})` : '';
  parts.push(`pings answered ${r.pongsReceived}/${r.pingsSent}${rtt}`);
  parts.push(`messages answered ${r.messagesAnswered}/${r.messagesSent} (expect ${esc(r.expect)})`);
  if (r.connected) parts.push(r.closedCleanly ? 'closed cleanly' : 'did not close cleanly');
  if (r.problems.length === 0) {
    parts.push('no problems');
  } else {
    const shown = r.problems.slice(0, PROBLEMS_IN_RECOVERY_LINE).map((p) => esc(p));
    const more = r.problems.length - shown.length;
    parts.push(`${plural(r.problems.length, 'problem')}: ${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`);
  }
  return parts.join(', ');
}

/** Memory figures as label/value pairs; null when memory was not measured. */
export function memoryRows(report: Report): Array<[string, string]> | null {
  const m = report.memory;
  if (!m.measured) return null;
  return [
    ['Baseline', formatMb(m.baselineBytes)],
    ['Peak', formatMb(m.peakBytes)],
    ['Retained (after cooldown)', formatMb(m.retainedBytes)],
    ['Retained growth', `${formatMbDelta(m.retainedGrowthBytes)} (${formatPercentDelta(m.growthPercent)})`],
    ['Peak growth', formatMbDelta(m.peakGrowthBytes)],
    ['Trend (leak per connection)', describeTrend(report)],
    ['Samples', `${m.samples.length}, every ${formatMs(m.sampleIntervalMs)}`],
  ];
}

/** "21.3 ± 2.5 KB/conn, fitted over 3 readings (35 to 65 connections)", or why there is none. */
export function describeTrend(report: Report): string {
  const t = report.memory.trend;
  if (!t || t.kbPerConnection === null) return 'n/a (fewer than two readings over the leak rounds)';
  const fitted = t.points.slice(t.skipped);
  const se = t.standardErrorKb !== null ? ` ± ${t.standardErrorKb.toFixed(1)}` : '';
  return `${t.kbPerConnection.toFixed(1)}${se} KB/conn, fitted over ${fitted.length} readings (${fitted[0]!.connections} to ${fitted.at(-1)!.connections} connections)`;
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
    return [label, show(baseline?.[key]), show(after?.[key]), change === null ? 'n/a' : `${change > 0 ? '+' : ''}${change}`];
  });
}

/** Picks at most `max` samples, keeping the highest one of each stretch so peaks survive. */
export function downsample(samples: MemorySample[], max: number): MemorySample[] {
  if (samples.length <= max) return samples.slice();
  const picked: MemorySample[] = [];
  for (let bucket = 0; bucket < max; bucket++) {
    const from = Math.floor((bucket * samples.length) / max);
    const to = Math.floor(((bucket + 1) * samples.length) / max);
    let best = samples[from]!;
    for (let i = from + 1; i < to; i++) if (samples[i]!.rssBytes > best.rssBytes) best = samples[i]!;
    picked.push(best);
  }
  return picked;
}

/** Seconds labels with as few decimals as keep them distinct (a category axis merges equal labels). */
function secondsLabels(points: MemorySample[]): string[] {
  for (let decimals = 0; decimals < 3; decimals++) {
    const labels = points.map((p) => (p.tMs / 1000).toFixed(decimals));
    if (new Set(labels).size === labels.length) return labels;
  }
  return points.map((p) => (p.tMs / 1000).toFixed(3));
}

/** A Mermaid xychart of memory over time, phases named at the point where each starts; null with < 2 samples. */
export function memoryChart(report: Report): string | null {
  const m = report.memory;
  if (!m.measured || m.samples.length < 2) return null;
  const points = downsample(m.samples, CHART_MAX_POINTS);
  const seconds = secondsLabels(points);
  const labels = points.map((p, i) => (i === 0 || points[i - 1]!.phase !== p.phase ? `${seconds[i]} ${p.phase}` : seconds[i]!));
  const values = points.map((p) => Math.round(mbFromBytes(p.rssBytes) * 10) / 10);
  const low = Math.max(0, Math.floor(Math.min(...values) * 0.95));
  const high = Math.max(low + 1, Math.ceil(Math.max(...values) * 1.05));
  // Phase names come from a fixed set and labels are digits, so nothing here needs escaping for Mermaid.
  const lines = [
    'xychart-beta',
    '    title "Server memory (RSS, MB) over time"',
    `    x-axis "seconds since start" [${labels.map((l) => `"${l}"`).join(', ')}]`,
    `    y-axis "MB" ${low} --> ${high}`,
    `    line [${values.map((v) => v.toFixed(1)).join(', ')}]`,
  ];
  return codeBlock(lines.join('\n'), 'mermaid');
}

interface FailureRow {
  scenario: string;
  stage: string;
  kind: string;
  count: number;
}

/** Every failure the scenarios counted, most frequent first. */
export function failureRows(report: Report): FailureRow[] {
  const rows: FailureRow[] = [];
  for (const s of [report.scenarios.flapping, report.scenarios.leak]) {
    for (const [kind, count] of Object.entries(s.connectFailures)) rows.push({ scenario: s.id, stage: 'connect', kind, count });
    for (const [kind, count] of Object.entries(s.disconnectFailures)) rows.push({ scenario: s.id, stage: 'disconnect', kind, count });
  }
  const r = report.scenarios.recovery;
  if (r.connectFailure) rows.push({ scenario: 'recovery', stage: 'connect', kind: r.connectFailure, count: 1 });
  return rows.filter((row) => row.count > 0).sort((a, b) => b.count - a.count);
}

/** A collapsible section; `open` when a reader of a failed run should not have to click to see why. */
function details(summary: string, body: string, open = false): string {
  // The blank lines end the HTML block so the body is parsed as Markdown (and a fence inside stays a fence).
  return `<details${open ? ' open' : ''}>\n<summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

/** The server died or never came up: its last words are the first thing to read. */
function serverFailed(report: Report): boolean {
  return report.server.exit !== null || report.stopped?.reason === 'crash' || report.stopped?.reason === 'startup-failed';
}

function failuresSection(report: Report): string | null {
  const rows = failureRows(report);
  const problems = report.scenarios.recovery.problems;
  if (rows.length === 0 && problems.length === 0) return null;
  const parts: string[] = [];
  if (rows.length > 0) {
    parts.push(
      table(
        ['Scenario', 'Stage', 'Kind', 'Count'],
        rows.map((r) => [r.scenario, r.stage, escapeInline(r.kind, 120), String(r.count)]),
      ),
    );
  }
  if (problems.length > 0) {
    parts.push(['Recovery problems:', '', ...problems.map((p) => `- ${escapeInline(p, 500)}`)].join('\n'));
  }
  const total = rows.reduce((sum, r) => sum + r.count, 0) + problems.length;
  return details(`Failures by kind (${total})`, parts.join('\n\n'), report.verdict === 'fail');
}

function logSection(report: Report, lines: string[]): string | null {
  if (lines.length === 0) return null;
  const where = report.server.logPath ? `\n\nFull log on the runner: ${escapeInline(report.server.logPath)}` : '';
  return details(
    `Server log (last ${plural(lines.length, 'line')})`,
    `${codeBlock(lines.join('\n'), 'text')}${where}`,
    serverFailed(report),
  );
}

function orNa(value: string | null): string {
  return value === null || value === '' ? 'n/a' : escapeInline(value);
}

function environmentSection(report: Report): string {
  const env = report.environment;
  const server = report.server;
  const pid = server.pid === null ? 'n/a' : `${server.pid}${server.pidSource ? ` (${server.pidSource})` : ''}`;
  const rows: Array<[string, string]> = [
    ['OS', `${escapeInline(env.os)} ${escapeInline(env.arch)}`],
    ['Node', escapeInline(env.node)],
    ['Runner OS', orNa(env.runnerOs)],
    ['Commit', orNa(env.commit)],
    ['Workflow', orNa(env.workflow)],
    ['Job', orNa(env.job)],
    ['Tool', `${escapeInline(report.tool.name)} ${escapeInline(report.tool.version)}`],
    ['Started', escapeInline(report.startedAt)],
    ['Duration', `${(report.durationMs / 1000).toFixed(1)} s`],
    ['Server', `${server.mode}: ${orNa(server.command ?? server.url)}`],
    ['URL', escapeInline(server.url)],
    ['Server pid', pid],
    ['Server ready after', formatMs(server.readyAfterMs)],
  ];
  if (server.survivors.length > 0) rows.push(['Survived teardown', server.survivors.join(', ')]);
  const parts = [
    table(
      ['Environment', 'Value'],
      rows.map(([k, v]) => [k, v]),
    ),
  ];
  const config = Object.entries(report.config);
  if (config.length > 0) {
    parts.push(
      table(
        ['Setting', 'Value'],
        config.map(([k, v]) => [escapeInline(k, 80), v === '' ? '' : escapeInline(v)]),
      ),
    );
  }
  return details('Environment', parts.join('\n\n'));
}

/** What the renderer may leave out, in the order it gives things up to fit the limit. */
interface Plan {
  /** Newest log lines kept. */
  logLines: number;
  /** Cap on a single log line's length; null: lines as printed. */
  lineCap: number | null;
  chart: boolean;
  details: boolean;
}

function trimNotice(report: Report, plan: Plan): string | null {
  const parts: string[] = [];
  const total = report.server.logTail.length;
  if (plan.details) {
    if (plan.logLines === 0 && total > 0) parts.push('server log tail omitted');
    else if (plan.logLines < total) parts.push(`server log tail shortened to ${plural(plan.logLines, 'line')} (of ${total})`);
    if (plan.lineCap !== null && plan.logLines > 0) parts.push(`log lines longer than ${plan.lineCap} characters cut`);
  } else {
    parts.push('details (failures, server log, environment) omitted');
  }
  if (!plan.chart && memoryChart(report) !== null) parts.push('memory chart omitted');
  return parts.length === 0 ? null : `Trimmed: ${parts.join('; ')} to fit the comment limit.`;
}

export const COMPARISON_HEADER = ['Metric', 'Base', 'This PR', 'Change', 'Regression'];

/** Rows of base → this PR for each headline metric; empty when nothing was compared. */
export function comparisonRows(report: Report): string[][] {
  return (report.comparison?.metrics ?? []).map((m) => {
    const change =
      m.change === null
        ? 'n/a'
        : `${m.change > 0 ? '+' : m.change < 0 ? '-' : '±'}${formatValue(Math.abs(m.change), m.unit)}${m.changePercent !== null ? ` (${m.changePercent > 0 ? '+' : ''}${m.changePercent} %)` : ''}`;
    const regressed = m.base === null || m.current === null ? '➖ not measured' : m.regressed ? '❌ yes' : '✅ no';
    return [m.title, formatValue(m.base, m.unit), formatValue(m.current, m.unit), change, regressed];
  });
}

/** The "base → this PR" table, or the reason the base was not compared; null without a base. */
function comparisonBlock(report: Report): string | null {
  const c = report.comparison;
  if (!c) return null;
  if (c.skipped) return `**Not compared with the base** (${escapeInline(c.source, 200)}): ${escapeInline(c.skipped, 500)}`;
  const intro = `**Base → this PR** (base: ${escapeInline(c.source, 200)}; a regression is worse by more than ${c.maxRegressionPercent} % and its noise floor)`;
  return `${intro}\n\n${table(
    COMPARISON_HEADER,
    comparisonRows(report).map((row) => row.map((cell) => escapeInline(cell))),
  )}`;
}

function build(report: Report, plan: Plan): string {
  const blocks: string[] = [];
  const icon = VERDICT_ICON[report.verdict] ?? '❔';
  blocks.push(`${icon} WebSocket resilience: ${summarizeVerdict(report, (t) => escapeInline(t, 120))}`);
  const stop = describeStop(report);
  if (stop) blocks.push(stop);

  blocks.push(
    table(
      ['Check', 'Measured', 'Limit', 'Status'],
      report.checks.map((c) => [
        escapeInline(c.title),
        escapeInline(c.measured),
        escapeInline(c.limit),
        `${STATUS_LABEL[c.status] ?? escapeInline(c.status)}${c.detail ? `: ${escapeInline(c.detail)}` : ''}`,
      ]),
    ),
  );

  const { flapping, leak } = report.scenarios;
  const comparison = comparisonBlock(report);
  if (comparison) blocks.push(comparison);
  blocks.push(
    table(
      SCENARIO_HEADER,
      [flapping, leak].map((s) => [s.id, ...scenarioCells(s)]),
    ),
  );
  blocks.push(`**Recovery:** ${describeRecovery(report, (t) => escapeInline(t, 200))}`);

  const memory = memoryRows(report);
  if (memory) {
    blocks.push(table(['Memory (server tree RSS)', 'Value'], memory));
  } else {
    const reason = report.memory.reason ? `: ${escapeInline(report.memory.reason)}` : '';
    blocks.push(`**Memory:** not measured${reason}`);
  }
  if (report.signals) {
    blocks.push(table(SIGNAL_HEADER, signalRows(report)));
    if (report.signals.notes.length > 0) blocks.push(`*Signals:* ${report.signals.notes.map((n) => escapeInline(n, 200)).join('; ')}`);
  }
  if (plan.chart) {
    const chart = memoryChart(report);
    if (chart) blocks.push(chart);
  }

  if (plan.details) {
    const failures = failuresSection(report);
    if (failures) blocks.push(failures);
    const tail = report.server.logTail.slice(report.server.logTail.length - plan.logLines);
    const lines = plan.lineCap === null ? tail : tail.map((l) => truncate(l, plan.lineCap!));
    const log = logSection(report, plan.logLines === 0 ? [] : lines);
    if (log) blocks.push(log);
    blocks.push(environmentSection(report));
  }

  const notice = trimNotice(report, plan);
  if (notice) blocks.push(notice);
  return `${blocks.join('\n\n')}\n`;
}

/** The last resort: cut at a line boundary (only tables and sentences remain by then) and say so. */
function hardCut(text: string, maxChars: number): string {
  const notice = '\n\nTrimmed: report cut to fit the comment limit.\n';
  const room = maxChars - notice.length;
  if (room <= 0) return truncate(sanitizeText(text), maxChars);
  const cut = text.lastIndexOf('\n', room);
  const lines = text.slice(0, cut > 0 ? cut : room).split('\n');
  // A table cut right after its header (or delimiter row) would leave a stray row; drop what has no body.
  const isDelimiter = (line: string | undefined): boolean => line !== undefined && /^\|( --- \|)+$/.test(line);
  if (isDelimiter(lines[lines.length - 1])) lines.splice(-2, 2);
  else if (lines[lines.length - 1]?.startsWith('|') && isDelimiter(text.slice(cut + 1).split('\n', 1)[0])) lines.pop();
  return `${lines.join('\n').trimEnd()}${notice}`;
}

/**
 * Renders the report as GitHub-flavoured Markdown no longer than `maxChars`: verdict line, stop reason, checks,
 * scenarios, recovery, memory (table and chart), then collapsible failures, server log tail and environment.
 * To fit, it gives up the oldest log lines (and cuts very long ones) first, then the chart, then the details.
 */
export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  const total = report.server.logTail.length;
  const fits = (plan: Plan): boolean => build(report, plan).length <= maxChars;

  let plan: Plan = { logLines: total, lineCap: null, chart: true, details: true };
  if (fits(plan)) return build(report, plan);

  if (report.server.logTail.some((l) => l.length > LOG_LINE_CAP)) {
    plan = { ...plan, lineCap: LOG_LINE_CAP };
    if (fits(plan)) return build(report, plan);
  }

  // The most lines that fit; each extra line only adds characters, so the search is monotonic.
  let low = 0;
  let high = total;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits({ ...plan, logLines: mid })) low = mid;
    else high = mid - 1;
  }
  plan = { ...plan, logLines: low };
  if (fits(plan)) return build(report, plan);

  plan = { ...plan, logLines: 0, chart: false };
  if (fits(plan)) {
    // Without the chart there may be room for log lines again.
    let lo = 0;
    let hi = total;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fits({ ...plan, logLines: mid })) lo = mid;
      else hi = mid - 1;
    }
    return build(report, { ...plan, logLines: lo });
  }

  plan = { ...plan, details: false };
  const body = build(report, plan);
  return body.length <= maxChars ? body : hardCut(body, maxChars);
}
