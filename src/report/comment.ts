// The Markdown body for a reader who glances (PR comment) or reads on (job summary): the decision first, each
// failing check once with its cause, everything else in collapsible sections; escaped and under the size limit.

import { faultLines } from './faults.js';
import { hostileMarkdown } from './hostile.js';
import type { Report, Verdict } from '../model/report.js';
import { NBSP } from '../model/format.js';
import { causeOf, checkHeadline, describeNotMeasuredAfterStop, isStopCheck, outcome } from './causes.js';
import { memoryChart } from './chart.js';
import { codeBlock, escapeHtml, escapeInline, truncate } from './escape.js';
import { fitToLimit, type Plan } from './fit.js';
import { describeRecovery, describeStop, headline, keyFigures, MARKDOWN_STYLE, plural, type TextStyle } from './sentences.js';
import {
  CHECK_HEADER,
  checkRows,
  COMPARISON_HEADER,
  comparisonRows,
  environmentRows,
  FAILURE_HEADER,
  failureRows,
  memoryRows,
  nonDefaultSettings,
  scenarioColumns,
  SIGNAL_HEADER,
  signalRows,
  table,
} from './tables.js';

/** Safely below GitHub's 65,536-character limit for a comment body, leaving room for a marker and a header. */
export const DEFAULT_MAX_CHARS = 65_000;
/** Lines of the server's output shown near the top when it crashed or never came up. */
export const LOG_EXCERPT_LINES = 8;
/** How far back the excerpt may reach for the line that starts the error (Node prints 10 frames after it). */
export const LOG_EXCERPT_MAX_LINES = 24;
const LOG_EXCERPT_LINE_MAX = 200;
/** The line an error's output starts with: Node's `Error: …` (its frames follow), Python's traceback, Go's panic. */
const ERROR_START = /^(Traceback \(most recent call last\)|panic: |([\w$]+\.)*[\w$]*(Error|Exception)\b.*)/;

export interface CommentOptions {
  /** Largest body to produce, in characters (default 65,000). */
  maxChars?: number;
  /** Input name -> default value; the environment section then lists only the settings that differ. */
  settingDefaults?: Readonly<Record<string, string>>;
  /** Open every collapsible section (the job summary, which a reader opened on purpose). */
  expanded?: boolean;
}

const VERDICT_ICON: Record<Verdict, string> = { pass: '✅', warn: '⚠️', fail: '❌' };
const STATUS_ICON: Record<string, string> = { fail: '❌', warn: '⚠️', 'not-measured': '➖' };

// Why lines are never cut: the cause and its fix live there (tables below may cut their cells).
const STYLE: TextStyle = MARKDOWN_STYLE;

/** A collapsible section. */
function details(summary: string, body: string, open: boolean): string {
  // The blank lines end the HTML block so the body is parsed as Markdown (and a fence inside stays a fence).
  return `<details${open ? ' open' : ''}>\n<summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

/** The server died or never came up: its last words are the first thing to read. */
function serverFailed(report: Report): boolean {
  return report.server.exit !== null || report.stopped?.reason === 'crash' || report.stopped?.reason === 'startup-failed';
}

/** A link to the workflow run, when the URL is an http(s) URL; parentheses and spaces are percent-encoded. */
function runLink(report: Report): string | null {
  const url = report.environment.runUrl;
  if (!url || !/^https?:\/\/[^\s<>"]+$/.test(url)) return null;
  return `[workflow run](${url.replace(/[()]/g, (c) => (c === '(' ? '%28' : '%29'))})`;
}

function headingBlock(report: Report): string {
  const icon = VERDICT_ICON[report.verdict] ?? '❔';
  const figures = keyFigures(report).map((f) => escapeInline(f));
  const link = runLink(report);
  return `### ${icon} WebSocket resilience: ${escapeInline(headline(report))}\n\n${[...figures, ...(link ? [link] : [])].join(' · ')}`;
}

/** Each failing or warning check once, its cause beside it; checks the stop left unmeasured in one line. */
function failingList(report: Report): string | null {
  const { shown, notMeasuredAfterStop } = outcome(report);
  const items: string[] = [];
  for (const check of shown) {
    const icon = STATUS_ICON[check.status] ?? '❔';
    const cause = causeOf(check, report, STYLE);
    const what = checkHeadline(check, report, STYLE.esc);
    items.push(`- ${icon} **${what}**${cause ? ` — ${cause}` : ''}`);
  }
  const rest = describeNotMeasuredAfterStop(report, notMeasuredAfterStop, (t) => escapeInline(t, 120));
  if (rest) items.push(`- ➖ ${rest}`);
  const stop = describeStop(report, STYLE);
  const stopSaid = shown.some(isStopCheck);
  if (stop && !stopSaid) items.unshift(`- ${stop}`);
  return items.length === 0 ? null : items.join('\n');
}

/**
 * The last lines of the server's output, reaching back (up to LOG_EXCERPT_MAX_LINES) to the line that starts its
 * error when the last LOG_EXCERPT_LINES hold none: a Node crash ends in stack frames, its message above them.
 */
export function excerptLines(tail: readonly string[]): string[] {
  const window = Math.max(0, tail.length - LOG_EXCERPT_LINES);
  if (tail.slice(window).some((l) => ERROR_START.test(l))) return tail.slice(window);
  for (let i = window - 1; i >= Math.max(0, tail.length - LOG_EXCERPT_MAX_LINES); i--) {
    if (ERROR_START.test(tail[i]!)) return tail.slice(i);
  }
  return tail.slice(window);
}

function logExcerpt(report: Report): string | null {
  if (!serverFailed(report) || report.server.logTail.length === 0) return null;
  const lines = excerptLines(report.server.logTail).map((l) => truncate(l, LOG_EXCERPT_LINE_MAX));
  const of = report.server.logTail.length > lines.length ? ` (of ${report.server.logTail.length})` : '';
  return `The last ${plural(lines.length, 'line')} the server printed${of}:\n\n${codeBlock(lines.join('\n'), 'text')}`;
}

function checksSection(report: Report, plan: Plan, open: boolean): string {
  const parts: string[] = [];
  const rows = checkRows(report).map((r) => r.map((cell) => escapeInline(cell)));
  parts.push(table(CHECK_HEADER, rows));
  parts.push(`**Recovery:** ${describeRecovery(report, (t) => escapeInline(t, 200))}`);
  const scenarios = scenarioColumns(report);
  parts.push(table(scenarios.header, scenarios.rows));
  const failures = failureRows(report);
  if (failures.length > 0) {
    parts.push(
      table(
        FAILURE_HEADER,
        failures.map((f) => [f.scenario, f.stage, escapeInline(f.kind, 120), String(f.count)]),
      ),
    );
  }
  const memory = memoryRows(report);
  if (memory) parts.push(table(['Memory (server tree RSS)', 'Value'], memory));
  else parts.push(`**Memory:** not measured${report.memory.reason ? `: ${escapeInline(report.memory.reason)}` : ''}`);
  if (report.signals) {
    parts.push(table(SIGNAL_HEADER, signalRows(report)));
    if (report.signals.notes.length > 0) parts.push(`*Signals:* ${report.signals.notes.map((n) => escapeInline(n, 200)).join('; ')}`);
  }
  const faults = faultLines(report);
  if (faults.length > 0) parts.push(['**Faults**', '', ...faults.map((l) => `- ${escapeInline(l, 500)}`)].join('\n'));
  if (report.scenarios.hostile) parts.push(hostileMarkdown(report.scenarios.hostile));
  if (plan.chart) {
    const chart = memoryChart(report);
    if (chart) parts.push(chart);
  }
  const passed = report.checks.filter((c) => c.status === 'pass').length;
  return details(`All checks (${passed} of ${report.checks.length} passed), scenarios, memory and signals`, parts.join('\n\n'), open);
}

function comparisonSection(report: Report, open: boolean): string | null {
  const c = report.comparison;
  if (!c) return null;
  const source = escapeInline(c.source, 200);
  if (c.skipped) return `Not compared with the base (${source}): ${escapeInline(c.skipped, 500)}`;
  const rows = comparisonRows(report);
  const regressed = c.metrics.filter((m) => m.regressed).length;
  const summary = `Base → this PR: ${plural(rows.length, 'metric')} changed beyond noise${regressed > 0 ? `, ${regressed} regressed` : ''}`;
  const rule =
    `Base: ${source}. A metric regressed when it is worse than the base by more than ${c.maxRegressionPercent}${NBSP}% of ` +
    `the base value and by more than its noise floor.`;
  const body =
    rows.length === 0
      ? `${rule}\n\nNo metric changed by more than its noise floor.`
      : `${rule}\n\n${table(
          COMPARISON_HEADER,
          rows.map((r) => r.map((cell) => escapeInline(cell))),
        )}`;
  return details(escapeHtml(summary), body, open);
}

function logAndEnvironmentSection(report: Report, plan: Plan, options: CommentOptions, open: boolean): string {
  const parts: string[] = [];
  const tail = report.server.logTail;
  const kept = plan.logLines === 0 ? [] : tail.slice(tail.length - plan.logLines);
  const lines = plan.lineCap === null ? kept : kept.map((l) => truncate(l, plan.lineCap!));
  if (lines.length > 0) parts.push(`Server log, last ${plural(lines.length, 'line')}:\n\n${codeBlock(lines.join('\n'), 'text')}`);
  parts.push(
    table(
      ['Environment', 'Value'],
      environmentRows(report).map(([k, v]) => [k, escapeInline(v)]),
    ),
  );
  const settings = nonDefaultSettings(report, options.settingDefaults);
  parts.push(
    settings.length === 0
      ? 'All settings at their defaults.'
      : table(
          ['Setting (not default)', 'Value'],
          settings.map(([k, v]) => [escapeInline(k, 80), v === '' ? '(empty)' : escapeInline(v)]),
        ),
  );
  const link = runLink(report);
  if (link) parts.push(`Full server log and outputs: ${link}.`);
  const summary = lines.length > 0 ? `Server log (last ${plural(lines.length, 'line')}) and environment` : 'Environment and settings';
  return details(summary, parts.join('\n\n'), open);
}

function trimNotice(report: Report, plan: Plan): string | null {
  const parts: string[] = [];
  const total = report.server.logTail.length;
  if (plan.details) {
    if (plan.logLines === 0 && total > 0) parts.push('server log tail omitted');
    else if (plan.logLines < total) parts.push(`server log tail shortened to ${plural(plan.logLines, 'line')} (of ${total})`);
    if (plan.lineCap !== null && plan.logLines > 0) parts.push(`log lines longer than ${plan.lineCap} characters cut`);
    if (!plan.chart && memoryChart(report) !== null) parts.push('memory chart omitted');
  } else {
    parts.push('details (all checks, scenarios, memory, server log, environment) omitted');
  }
  return parts.length === 0 ? null : `Trimmed: ${parts.join('; ')} to fit the comment limit.`;
}

function build(report: Report, plan: Plan, options: CommentOptions): string {
  const open = options.expanded ?? false;
  const blocks: Array<string | null> = [headingBlock(report), failingList(report), logExcerpt(report)];
  if (plan.details) {
    blocks.push(checksSection(report, plan, open), comparisonSection(report, open), logAndEnvironmentSection(report, plan, options, open));
  }
  blocks.push(trimNotice(report, plan));
  return `${blocks.filter((b): b is string => b !== null).join('\n\n')}\n`;
}

/**
 * The PR comment: a heading with the verdict and the key figures; each failing or warning check once with its
 * cause; the server's last lines when it died; then collapsible sections (all checks, scenarios, memory chart,
 * signals, base comparison, log, environment). To fit `maxChars` it gives up the oldest log lines, then the chart,
 * then the sections.
 */
export function renderComment(report: Report, options: CommentOptions = {}): string {
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  return fitToLimit((plan) => build(report, plan, options), report.server.logTail, maxChars);
}
