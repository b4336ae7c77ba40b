// A series' runs summed up as one row, and the rows as the terminal's table and as docs/evidence.md.

import type { RunFigures } from './run.js';

/** What one results file holds: the series as it ran, where, and every run's figures. */
export interface SeriesResult {
  id: string;
  title: string;
  inputs: Record<string, string>;
  expectNotPassed: string[];
  environment: { date: string; commit: string; node: string; cpus: number; cpuModel: string; platform: string };
  runs: RunFigures[];
}

type Column = [header: string, cell: (r: SeriesResult) => string];

function range(values: Array<number | null>, unit = ''): string {
  const known = values.filter((v): v is number => v !== null);
  if (known.length === 0) return 'n/a';
  const min = Math.min(...known);
  const max = Math.max(...known);
  return min === max ? `${min}${unit}` : `${min} to ${max}${unit}`;
}

/** The largest growth of a signal over the runs, signed: what a limit would have been judged against. */
function most(values: Array<number | null>): string {
  const known = values.filter((v): v is number => v !== null);
  if (known.length === 0) return 'n/a';
  const max = Math.max(...known);
  return max > 0 ? `+${max}` : String(max);
}

const COLUMNS: Column[] = [
  ['Series', (r) => r.id],
  ['Server', (r) => r.title],
  ['Runs as expected', (r) => `${r.runs.filter((f) => f.asExpected).length} of ${r.runs.length}`],
  [
    'Judged leak (KiB/conn)',
    (r) => `${range(r.runs.map((f) => f.leakJudgedValue))}${r.runs.some((f) => f.heapEvidence) ? ' (heap)' : ' (RSS trend)'}`,
  ],
  [
    'RSS trend (KiB/conn)',
    (r) => `${range(r.runs.map((f) => f.rssTrendKb))} (SE up to ${Math.max(0, ...r.runs.map((f) => f.rssTrendSeKb ?? 0))})`,
  ],
  ['Retained growth (MB)', (r) => range(r.runs.map((f) => f.retainedGrowthMb))],
  [
    'fds / threads / processes / lingering, most',
    (r) => (['fds', 'threads', 'processes', 'lingering'] as const).map((k) => most(r.runs.map((f) => f.signals[k]))).join(' / '),
  ],
  ['Seconds per run', (r) => range(r.runs.map((f) => f.seconds))],
];

/** A fixed-width table for the terminal. */
export function terminalTable(results: SeriesResult[]): string {
  const rows = [COLUMNS.map(([h]) => h), ...results.map((r) => COLUMNS.map(([, cell]) => cell(r)))];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')).join('\n');
}

/** The runs that did not end as expected, one line each, for the terminal. */
export function surprises(result: SeriesResult): string[] {
  return result.runs.flatMap((f, i) =>
    f.asExpected ? [] : [`${result.id} run ${i + 1}: ${f.notPassed.join('; ') || 'every check passed'}`],
  );
}

const escapeCell = (text: string): string => text.replace(/\|/g, '\\|');

/** docs/evidence.md: what the series are, the table, and where and when each series ran. */
export function markdownPage(results: SeriesResult[]): string {
  const header = `| ${COLUMNS.map(([h]) => h).join(' | ')} |`;
  const rule = `|${COLUMNS.map(() => '---').join('|')}|`;
  const rows = results.map((r) => `| ${COLUMNS.map(([, cell]) => escapeCell(cell(r))).join(' | ')} |`);
  const where = results.map(
    (r) =>
      `- \`${r.id}\`: ${r.runs.length} runs on ${r.environment.date.slice(0, 10)}, commit ${r.environment.commit.slice(0, 7)}, ` +
      `Node ${r.environment.node}, ${r.environment.cpus} × ${r.environment.cpuModel} (${r.environment.platform}); ` +
      `inputs ${Object.entries(r.inputs)
        // A multi-line value (server-env) stays on the list item's line.
        .map(([k, v]) => `\`${k}: ${v.replace(/\n/g, '\\n')}\``)
        .join(', ')}; ` +
      `expected to fail: ${r.expectNotPassed.length === 0 ? 'no check' : r.expectNotPassed.map((id) => `\`${id}\``).join(', ')}.`,
  );
  return [
    '# Evidence series',
    '',
    'Whole gate runs repeated against one server, as `npm run evidence` runs them (`scripts/evidence/`): how often a',
    'clean server passes every check (a false alarm is any check that does not pass), and how far each figure moves',
    'from run to run. Each series writes its runs to `docs/evidence/<series>.json`, and this page is rebuilt from those',
    'files. `npm run evidence -- --list` names the series; `npm run evidence -- clean-node --runs 3` runs one.',
    '',
    header,
    rule,
    ...rows,
    '',
    'The most a signal grew over the runs is the figure a limit is judged against; the judged leak is what',
    '`leak-per-connection` read: the heap after a full GC for a Node server the gate starts, else the RSS trend.',
    '',
    ...where,
    '',
    '[How leaks are judged](leak-judging.md) · [Back to the README](../README.md)',
    '',
  ].join('\n');
}
