// The plain-text report for a terminal (the CLI): the decision and causes first, then aligned tables; nothing the
// server printed is left raw.

import { faultLines } from './faults.js';
import { HOSTILE_TERMINAL_HEADER, hostileRows } from './hostile.js';
import { sanitizeText } from './escape.js';
import { causeOf, whyLines } from './causes.js';
import { describeRecovery, describeStop, headline, keyFigures, PLAIN_STYLE } from './sentences.js';
import {
  CHECK_HEADER,
  checkRows,
  COMPARISON_HEADER,
  comparisonRows,
  FAILURE_HEADER,
  failureRows,
  memoryRows,
  SCENARIO_HEADER,
  scenarioCells,
  SIGNAL_HEADER,
  signalRows,
} from './tables.js';
import type { Report, Verdict } from '../model/report.js';

/** Log lines shown when the run failed. */
export const TERMINAL_LOG_LINES = 20;
const LOG_LINE_MAX = 300;
/** The Checks table's Detail cell: with the other columns, a table that fits 200 columns. */
export const DETAIL_CELL_MAX = 100;

export interface TerminalOptions {
  /** Colour the verdict and statuses with ANSI codes (default false). */
  color?: boolean;
}

const VERDICT_TAG: Record<Verdict, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' };
const STATUS_TEXT: Record<string, string> = { pass: 'pass', warn: 'WARN', fail: 'FAIL', 'not-measured': 'not measured' };
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

function tableSection(
  title: string,
  header: string[],
  rows: string[][],
  paint?: (cell: string, row: number, col: number) => string,
): string {
  const lines = alignColumns([header, ...rows.map((r) => r.map(plain))], paint);
  return section(title, [lines[0]!, rule(lines), ...lines.slice(1)]);
}

/** Wraps text in an ANSI colour when colour is on. */
type Paint = (key: Verdict | 'dim', text: string) => string;

/** One section of the terminal report; null when it has nothing to show. */
type Section = (report: Report, paint: Paint) => string | null;

/** The failing and warning checks with their causes, as the comment shows them; empty when all passed. */
function causeLines(report: Report): string[] {
  return whyLines(report, PLAIN_STYLE).map(
    ({ check, text }) => `  ${check ? `${STATUS_TEXT[check.status] ?? check.status}  ` : ''}${text}`,
  );
}

/** The verdict and the key figures. */
const heading: Section = (report, paint) =>
  `${paint(report.verdict, `[${VERDICT_TAG[report.verdict] ?? 'FAIL'}]`)} WebSocket resilience: ` +
  `${headline(report)}\n${keyFigures(report).join(' · ')}`;

/** The stop, unless a Why line already says it, then the Why lines (never cut: the whole cause and its fix). */
const why: Section = (report) => {
  const stop = describeStop(report, PLAIN_STYLE);
  const causes = causeLines(report);
  const parts = [stop && !causes.some((l) => l.includes(stop)) ? stop : null, causes.length > 0 ? section('Why', causes) : null];
  return parts.filter((p) => p !== null).join('\n\n') || null;
};

/** Every check but the base comparison's, its status coloured; a failing one's cause cut to a cell. */
const checksTable: Section = (report, paint) => {
  const checks = report.checks.filter((c) => !c.id.startsWith('regression-'));
  const rows = checkRows(report).map((row, i) => {
    const c = checks[i]!;
    const detail = c.status === 'fail' || c.status === 'warn' ? (causeOf(c, report, PLAIN_STYLE) ?? '') : plain(c.detail ?? '');
    // The Why lines above hold a failing check's whole cause: a cell as long would widen every row of the table.
    return [...row.slice(0, 3), STATUS_TEXT[c.status] ?? c.status, sanitizeText(detail, DETAIL_CELL_MAX)];
  });
  const statusColor = (row: number): Verdict | null => {
    const status = checks[row - 1]?.status;
    return status === 'fail' ? 'fail' : status === 'warn' ? 'warn' : status === 'pass' ? 'pass' : null;
  };
  return tableSection('Checks', [...CHECK_HEADER, 'Detail'], rows, (cell, r, c) => {
    const key = r > 0 && c === 3 ? statusColor(r) : null;
    return key ? paint(key, cell) : cell;
  });
};

const scenarios: Section = (report) => {
  const { flapping, leak } = report.scenarios;
  return tableSection(
    'Scenarios',
    SCENARIO_HEADER,
    [flapping, leak].map((s) => [s.id, ...scenarioCells(s)]),
  );
};

const failures: Section = (report) => {
  const rows = failureRows(report);
  if (rows.length === 0) return null;
  return tableSection(
    'Failures and close reasons',
    FAILURE_HEADER,
    rows.map((f) => [f.scenario, f.stage, f.kind, String(f.count)]),
  );
};

const recovery: Section = (report) => `Recovery: ${describeRecovery(report, plain)}`;

const faults: Section = (report) => {
  const lines = faultLines(report);
  return lines.length === 0
    ? null
    : section(
        'Faults',
        lines.map((l) => `  ${plain(l)}`),
      );
};

const hostile: Section = (report) => {
  const result = report.scenarios.hostile;
  if (!result) return null;
  return tableSection(
    'Hostile input',
    HOSTILE_TERMINAL_HEADER,
    hostileRows(result).map((r) => r.map((cell) => plain(cell))),
  );
};

const memory: Section = (report) => {
  const rows = memoryRows(report);
  if (rows) return section('Memory (server tree RSS)', alignColumns(rows.map(([label, value]) => [`  ${label}`, value])));
  return `Memory: not measured${report.memory.reason ? ` (${plain(report.memory.reason)})` : ''}`;
};

const signals: Section = (report) => (report.signals ? tableSection('Exact leak signals', SIGNAL_HEADER, signalRows(report)) : null);

const comparison: Section = (report) => {
  const rows = comparisonRows(report);
  if (report.comparison?.skipped)
    return `Not compared with the base (${plain(report.comparison.source)}): ${plain(report.comparison.skipped)}`;
  return rows.length > 0 ? tableSection(`Base (${plain(report.comparison!.source)}) → this PR`, COMPARISON_HEADER, rows) : null;
};

/** How the server ended, when it was not by its own shutdown: the progress lines said it, the report keeps it. */
const teardown: Section = (report) => {
  const notes = [report.server.killedAfterGrace, report.server.leftListening].filter((n): n is string => Boolean(n));
  return notes.length === 0 ? null : notes.map((note) => `Teardown: ${plain(note)}`).join('\n\n');
};

/** The server's last lines, when the run failed. */
const serverLog: Section = (report, paint) => {
  const tail = report.server.logTail;
  if (report.verdict !== 'fail' || tail.length === 0) return null;
  const shown = tail.slice(-TERMINAL_LOG_LINES).map((l) => `  ${paint('dim', sanitizeText(l, LOG_LINE_MAX))}`);
  const from = report.server.logPath ? ` (full log: ${plain(report.server.logPath)})` : '';
  return section(`Server log, last ${shown.length} of ${tail.length} lines${from}`, shown);
};

/** The sections in the order a reader wants them: the decision and its causes first, then the evidence. */
const SECTIONS: readonly Section[] = [
  heading,
  why,
  checksTable,
  scenarios,
  failures,
  recovery,
  faults,
  hostile,
  memory,
  signals,
  comparison,
  teardown,
  serverLog,
];

/**
 * Renders the report as plain text: verdict and key figures, causes, stop, then checks, scenarios, failures, memory,
 * signals, base, and the server's last lines when it failed.
 */
export function renderTerminal(report: Report, options: TerminalOptions = {}): string {
  const color = options.color ?? false;
  const paint: Paint = (key, text) => (color ? `${ANSI[key][0]}${text}${ANSI[key][1]}` : text);
  const out = SECTIONS.map((render) => render(report, paint)).filter((part): part is string => part !== null);
  return `${out.join('\n\n')}\n`;
}
