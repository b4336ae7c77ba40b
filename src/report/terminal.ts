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

/** The failing and warning checks with their causes, as the comment shows them; empty when all passed. */
function causeLines(report: Report): string[] {
  return whyLines(report, PLAIN_STYLE).map(
    ({ check, text }) => `  ${check ? `${STATUS_TEXT[check.status] ?? check.status}  ` : ''}${text}`,
  );
}

/**
 * Renders the report as plain text: verdict and key figures, causes, stop, then checks, scenarios, failures, memory, signals, base, and the
 * server's last lines when it failed.
 */
export function renderTerminal(report: Report, options: TerminalOptions = {}): string {
  const color = options.color ?? false;
  const paint = (key: Verdict | 'dim', text: string): string => (color ? `${ANSI[key][0]}${text}${ANSI[key][1]}` : text);
  const out: string[] = [];

  out.push(
    `${paint(report.verdict, `[${VERDICT_TAG[report.verdict] ?? 'FAIL'}]`)} WebSocket resilience: ` +
      `${headline(report)}\n${keyFigures(report).join(' · ')}`,
  );
  const stop = describeStop(report, PLAIN_STYLE);
  const causes = causeLines(report);
  if (stop && !causes.some((l) => l.includes(stop))) out.push(stop);
  if (causes.length > 0) out.push(section('Why', causes));

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
  out.push(
    tableSection('Checks', [...CHECK_HEADER, 'Detail'], rows, (cell, r, c) => {
      const key = r > 0 && c === 3 ? statusColor(r) : null;
      return key ? paint(key, cell) : cell;
    }),
  );

  const { flapping, leak } = report.scenarios;
  out.push(
    tableSection(
      'Scenarios',
      SCENARIO_HEADER,
      [flapping, leak].map((s) => [s.id, ...scenarioCells(s)]),
    ),
  );
  const failures = failureRows(report);
  if (failures.length > 0) {
    out.push(
      tableSection(
        'Failures and close reasons',
        FAILURE_HEADER,
        failures.map((f) => [f.scenario, f.stage, f.kind, String(f.count)]),
      ),
    );
  }
  out.push(`Recovery: ${describeRecovery(report, plain)}`);
  const faults = faultLines(report);
  if (faults.length > 0)
    out.push(
      section(
        'Faults',
        faults.map((l) => `  ${plain(l)}`),
      ),
    );
  const hostile = report.scenarios.hostile;
  if (hostile)
    out.push(
      tableSection(
        'Hostile input',
        HOSTILE_TERMINAL_HEADER,
        hostileRows(hostile).map((r) => r.map((cell) => plain(cell))),
      ),
    );

  const memory = memoryRows(report);
  if (memory) {
    out.push(section('Memory (server tree RSS)', alignColumns(memory.map(([label, value]) => [`  ${label}`, value]))));
  } else {
    out.push(`Memory: not measured${report.memory.reason ? ` (${plain(report.memory.reason)})` : ''}`);
  }
  if (report.signals) out.push(tableSection('Exact leak signals', SIGNAL_HEADER, signalRows(report)));
  const comparison = comparisonRows(report);
  if (report.comparison?.skipped)
    out.push(`Not compared with the base (${plain(report.comparison.source)}): ${plain(report.comparison.skipped)}`);
  else if (comparison.length > 0)
    out.push(tableSection(`Base (${plain(report.comparison!.source)}) → this PR`, COMPARISON_HEADER, comparison));

  // How the server ended, when it was not by its own shutdown: the progress lines said it, the report keeps it.
  for (const note of [report.server.killedAfterGrace, report.server.leftListening]) if (note) out.push(`Teardown: ${plain(note)}`);

  const tail = report.server.logTail;
  if (report.verdict === 'fail' && tail.length > 0) {
    const shown = tail.slice(-TERMINAL_LOG_LINES).map((l) => `  ${paint('dim', sanitizeText(l, LOG_LINE_MAX))}`);
    const from = report.server.logPath ? ` (full log: ${plain(report.server.logPath)})` : '';
    out.push(section(`Server log, last ${shown.length} of ${tail.length} lines${from}`, shown));
  }

  return `${out.join('\n\n')}\n`;
}
