// The plain-text report for a terminal (the CLI): aligned columns, no Markdown, nothing the server printed left raw.

import { sanitizeText } from './escape.js';
import {
  describeRecovery,
  describeStop,
  memoryRows,
  SCENARIO_HEADER,
  scenarioCells,
  SIGNAL_HEADER,
  signalRows,
  summarizeVerdict,
} from './markdown.js';
import type { CheckStatus, Report, Verdict } from '../model/report.js';

/** Log lines shown when the run failed. */
export const TERMINAL_LOG_LINES = 20;
const LOG_LINE_MAX = 300;

export interface TerminalOptions {
  /** Colour the verdict and statuses with ANSI codes (default false). */
  color?: boolean;
}

const VERDICT_TAG: Record<Verdict, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' };
const STATUS_TEXT: Record<CheckStatus, string> = { pass: 'pass', warn: 'WARN', fail: 'FAIL', 'not-measured': 'not measured' };
const ANSI: Record<Verdict | 'dim', [string, string]> = {
  pass: ['\u001B[32m', '\u001B[39m'],
  warn: ['\u001B[33m', '\u001B[39m'],
  fail: ['\u001B[31m', '\u001B[39m'],
  dim: ['\u001B[2m', '\u001B[22m'],
};

const plain = (text: string): string => sanitizeText(text);

/**
 * Columns padded to their widest cell. Colours are applied after padding so escape codes do not skew the widths.
 * `paint` may wrap a cell (by row and column) once it is padded.
 */
export function alignColumns(rows: string[][], paint?: (cell: string, row: number, col: number) => string): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row, r) =>
    row
      .map((cell, c) => {
        const padded = c === row.length - 1 ? cell : cell.padEnd(widths[c]!);
        return paint ? paint(padded, r, c) : padded;
      })
      .join('  ')
      .trimEnd(),
  );
}

function rule(lines: string[]): string {
  return '-'.repeat(Math.max(...lines.map((l) => l.length), 0));
}

function section(title: string, lines: string[]): string {
  return [title, ...lines].join('\n');
}

/** Renders the report as aligned plain text: verdict, stop reason, checks, scenarios, recovery, memory, and the server's last lines when it failed. */
export function renderTerminal(report: Report, options: TerminalOptions = {}): string {
  const color = options.color ?? false;
  const paint = (key: Verdict | 'dim', text: string): string => (color ? `${ANSI[key][0]}${text}${ANSI[key][1]}` : text);
  const out: string[] = [];

  out.push(
    `${paint(report.verdict, `[${VERDICT_TAG[report.verdict] ?? 'FAIL'}]`)} WebSocket resilience: ${summarizeVerdict(report, plain)}`,
  );
  const stop = describeStop(report, { esc: plain, strong: (t) => t });
  if (stop) out.push(stop);

  const checkRows = [
    ['Check', 'Measured', 'Limit', 'Status', 'Detail'],
    ...report.checks.map((c) => [
      plain(c.title),
      plain(c.measured),
      plain(c.limit),
      STATUS_TEXT[c.status] ?? plain(c.status),
      c.detail ? plain(c.detail) : '',
    ]),
  ];
  const statusColor = (row: number): Verdict | null => {
    const status = report.checks[row - 1]?.status;
    return status === 'fail' ? 'fail' : status === 'warn' ? 'warn' : status === 'pass' ? 'pass' : null;
  };
  const checkLines = alignColumns(checkRows, (cell, r, c) => {
    const key = r > 0 && c === 3 ? statusColor(r) : null;
    return key ? paint(key, cell) : cell;
  });
  out.push(section('Checks', [checkLines[0]!, rule(checkLines), ...checkLines.slice(1)]));

  const { flapping, leak } = report.scenarios;
  const scenarioLines = alignColumns([SCENARIO_HEADER, ...[flapping, leak].map((s) => [s.id, ...scenarioCells(s)])]);
  out.push(section('Scenarios', [scenarioLines[0]!, rule(scenarioLines), ...scenarioLines.slice(1)]));

  out.push(`Recovery: ${describeRecovery(report, plain)}`);

  const memory = memoryRows(report);
  if (memory) {
    out.push(section('Memory (server tree RSS)', alignColumns(memory.map(([label, value]) => [`  ${label}`, value]))));
  } else {
    out.push(`Memory: not measured${report.memory.reason ? ` (${plain(report.memory.reason)})` : ''}`);
  }
  if (report.signals) {
    const signalLines = alignColumns([SIGNAL_HEADER, ...signalRows(report)]);
    out.push(section('Exact leak signals', [signalLines[0]!, rule(signalLines), ...signalLines.slice(1)]));
  }

  const tail = report.server.logTail;
  if (report.verdict === 'fail' && tail.length > 0) {
    const shown = tail.slice(-TERMINAL_LOG_LINES).map((l) => `  ${paint('dim', sanitizeText(l, LOG_LINE_MAX))}`);
    const from = report.server.logPath ? ` (full log: ${plain(report.server.logPath)})` : '';
    out.push(section(`Server log, last ${shown.length} of ${tail.length} lines${from}`, shown));
  }

  return `${out.join('\n\n')}\n`;
}
