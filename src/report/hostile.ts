// The hostile scenario as Markdown (pure): one row per case, what RFC 6455 asks next to what the server did.

import { formatMbDelta, formatMs } from '../model/format.js';
import { outcomeText, type HostileCaseResult, type HostileResult } from '../model/hostile.js';
import { escapeInline } from './escape.js';

/** The table's header cells. */
export const HOSTILE_HEADER = ['Case', 'RFC 6455 asks', 'Server did', 'As asked', 'Time', 'Memory'];

/** One case as escaped table cells: the server's close reason is its text, so it is escaped like a log line. */
export function hostileCells(c: HostileCaseResult): string[] {
  const did = c.detail ? `${outcomeText(c)}: ${c.detail}` : outcomeText(c);
  const asked = c.outcome === 'not-run' ? '➖' : c.matchesRfc ? '✅' : c.outcome === 'crashed' ? '❌' : '⚠️';
  return [
    `${escapeInline(c.title)} (\`${c.id}\`)`,
    escapeInline(c.expected),
    escapeInline(did, 160),
    asked,
    c.outcome === 'not-run' ? '–' : formatMs(c.ms),
    c.memoryGrowthBytes === undefined ? 'n/a' : formatMbDelta(c.memoryGrowthBytes),
  ];
}

/** A line of figures and the table of cases; empty when the scenario did not run. */
export function hostileMarkdown(result: HostileResult): string {
  if (!result.enabled) return '';
  const { tried, succeeded } = result.servedOthersDuringStalls;
  const figures = [
    result.serverSurvived ? 'the server stayed up' : `the server exited during \`${result.crashedDuring ?? '?'}\``,
    result.stillAccepting ? 'kept accepting handshakes' : 'stopped accepting handshakes',
    ...(result.brokenAfter ? [`a normal session failed after \`${result.brokenAfter.case}\``] : []),
    ...(tried > 0 ? [`${succeeded}/${tried} handshakes served during the stalled ones`] : []),
    `memory ${formatMbDelta(result.memoryGrowthBytes)}`,
    `${(result.durationMs / 1000).toFixed(1)}\u00a0s`,
  ];
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  const rows = [line(HOSTILE_HEADER), line(HOSTILE_HEADER.map(() => '---')), ...result.cases.map((c) => line(hostileCells(c)))];
  const notes = result.notes.map((n) => `- ${escapeInline(n)}`);
  return [`**Hostile input**: ${figures.join(', ')}.`, '', ...rows, ...(notes.length > 0 ? ['', ...notes] : [])].join('\n');
}

/** The cases as plain rows for the terminal: case, what RFC 6455 asks, what the server did, as asked. */
export function hostileRows(result: HostileResult): string[][] {
  return result.cases.map((c) => [
    c.id,
    c.expected,
    c.detail ? `${outcomeText(c)}: ${c.detail}` : outcomeText(c),
    c.outcome === 'not-run' ? '–' : c.matchesRfc ? 'yes' : 'no',
  ]);
}

/** The terminal table's header. */
export const HOSTILE_TERMINAL_HEADER = ['Hostile case', 'RFC 6455 asks', 'Server did', 'As asked'];
