// Format-neutral sentences about a Report (verdict, key figures, stop, recovery, trend, failure kinds), shared by
// the Markdown and terminal renderers; a TextStyle decides how text is escaped and emphasised.

import {
  ARROW,
  formatKibPerConnection,
  formatMb,
  formatMbDelta,
  formatMs,
  formatRate,
  formatSeconds,
  formatThreshold,
  NBSP,
} from '../model/format.js';
import { SOURCE_NAMES } from '../model/evidence.js';
import { judgedAttempts, judgedCloses, type Check, type LoadScenarioResult, type Report } from '../model/report.js';
import { escapeInline, sanitizeText } from './escape.js';
import { typeset } from './typeset.js';

/** How to style text for one output: Markdown escapes and bolds, a terminal only sanitises. */
export interface TextStyle {
  esc: (text: string) => string;
  strong: (text: string) => string;
}

/**
 * The longest piece of text (a stop message, a close reason) a cause keeps. Why lines are never cut: the whole cause
 * and its fix live there, and every source already bounds the server's text it quotes (a body at 120 characters, a
 * reply at 200), so this only bounds what no source foresaw.
 */
export const WHY_PIECE_MAX = 2000;

/** Markdown: escaped inline text, bold with `**`. */
export const MARKDOWN_STYLE: TextStyle = { esc: (t) => escapeInline(t, WHY_PIECE_MAX), strong: (t) => `**${t}**` };

/** Terminal: one sanitised line, no emphasis. */
export const PLAIN_STYLE: TextStyle = { esc: (t) => sanitizeText(t, WHY_PIECE_MAX), strong: (t) => t };

const PROBLEMS_IN_RECOVERY_LINE = 3;
const KINDS_SHOWN = 4;

const INVERSE_OPERATOR: Record<string, string> = { '≥': '<', '≤': '>', '>': '≤', '<': '≥', '==': '≠', '=': '≠' };

/** "n word" or "n words". */
export function plural(n: number, word: string): string {
  return `${n}${NBSP}${word}${n === 1 ? '' : 's'}`;
}

/** "Connect success rate" -> "connect success rate", but "TCP sockets" stays as it is. */
export function lowerFirst(text: string): string {
  const [first = '', second = ''] = text;
  return second !== '' && second === second.toUpperCase() && /\p{L}/u.test(second) ? text : first.toLowerCase() + text.slice(1);
}

/** The check's limit as printed: `≥ 80 %`, `≤ 50 MiB`; from its threshold, or its text in a report that has none. */
export function limitText(check: Check): string {
  return check.threshold ? formatThreshold(check.threshold) : typeset(check.limit);
}

/** The check's measured figure as printed. */
export function measuredText(check: Check): string {
  return typeset(check.measured);
}

/** How a check missed its limit, in words: "connect success rate 64 % (41/65) < 80 %". */
export function describeViolation(check: Check, esc: (text: string) => string = (t) => t): string {
  const title = esc(lowerFirst(check.title));
  const measured = esc(measuredText(check));
  if (check.threshold) {
    const bound = formatThreshold(check.threshold).slice(2);
    return `${title} ${measured} ${check.threshold.op === '<=' ? '>' : '<'} ${esc(bound)}`;
  }
  // A report written before limits were data: its limit text is all there is.
  const match = /^\s*(≥|≤|==|>|<|=)\s*(.*)$/.exec(limitText(check));
  if (match) return `${title} ${measured} ${INVERSE_OPERATOR[match[1]!] ?? match[1]!} ${esc(match[2]!)}`;
  // A limit without an operator ("all answered") reads better left out: the measured text says it.
  return `${title}: ${measured}`;
}

/** Regression checks repeat the base comparison; renderers show that comparison once, as its own table. */
export function isRegressionCheck(check: Check): boolean {
  return check.id.startsWith('regression-');
}

/** The verdict in a few words: "6 of 6 checks passed", "2 of 9 checks failed, 1 warning; 1 not measured". */
export function headline(report: Report): string {
  const count = (status: Check['status']): number => report.checks.filter((c) => c.status === status).length;
  const total = report.checks.length;
  const failed = count('fail');
  const warned = count('warn');
  const notMeasured = count('not-measured');
  const checksWord = total === 1 ? 'check' : 'checks';
  let text = failed > 0 ? `${failed} of ${total} ${checksWord} failed` : `${count('pass')} of ${total} ${checksWord} passed`;
  if (warned > 0) text += `, ${plural(warned, 'warning')}`;
  if (notMeasured > 0) text += `; ${notMeasured} not measured`;
  if (report.verdict === 'fail' && failed === 0) text += '; the run failed';
  return text;
}

function exitText(report: Report): string | null {
  const exit = report.server.exit;
  if (!exit) return null;
  return exit.signal ? `signal ${exit.signal}` : exit.code !== null ? `exit code ${exit.code}` : 'no exit code';
}

/** The stop message, unless it only repeats what the sentence already says (the exit code, the phase). */
function addedMessage(message: string, said: string): string {
  const trimmed = message.trim();
  if (trimmed === '') return '';
  const normalise = (t: string): string => t.toLowerCase().replace(/[^a-z0-9]+/g, ' ');
  const words = normalise(trimmed)
    .split(' ')
    .filter((w) => w.length > 0 && !['the', 'server', 'exited', 'with', 'during', 'crashed', 'run', 'stopped', 'in'].includes(w));
  const saidWords = new Set(normalise(said).split(' '));
  return words.every((w) => saidWords.has(w)) ? '' : `: ${trimmed}`;
}

/** Where and why the run stopped early (or the server exited), in one sentence; null when it ran to the end. */
export function describeStop(report: Report, style: TextStyle = MARKDOWN_STYLE): string | null {
  const { stopped } = report;
  const exit = report.server.exit;
  const how = exitText(report);
  if (!stopped) {
    if (!exit) return null;
    return `The server exited during ${style.strong(exit.phase)} (${style.esc(how!)}).`;
  }
  const at = (p: (t: string) => string): string => {
    const phase = p(stopped.phase);
    switch (stopped.reason) {
      case 'crash':
        return `The server crashed during ${p(exit?.phase ?? stopped.phase)}${how ? ` (${how})` : ''}`;
      case 'timeout':
        return `The run hit its deadline during ${phase}`;
      case 'cancelled':
        return `The run was cancelled during ${phase}`;
      case 'startup-failed':
        return `The server did not start (${phase})`;
      default:
        return `The run stopped during ${phase} because of an error`;
    }
  };
  const message = addedMessage(
    stopped.message,
    at((t) => t),
  );
  return `${at(style.strong)}${message === '' ? '.' : style.esc(message)}`;
}

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
  const close = r.serverClose ? `${r.serverClose.code}${r.serverClose.reason ? ` "${esc(r.serverClose.reason)}"` : ''}` : null;
  if (r.messagesJudged === false) {
    // A deliberate close on the gate's own default text: responsive, so the messages were not judged.
    parts.push(`messages not judged (the server closed ${close ?? 'the connection'} on the gate's default text)`);
  } else {
    parts.push(`messages answered ${r.messagesAnswered}/${r.messagesSent} (expect ${esc(r.expect)})`);
    if (r.connected) parts.push(r.closedCleanly ? 'closed cleanly' : close ? `the server closed it (${close})` : 'did not close cleanly');
  }
  if (r.problems.length === 0) {
    parts.push('no problems');
  } else {
    parts.push(`${plural(r.problems.length, 'problem')}: ${recoveryProblems(report, esc)}`);
  }
  return parts.join(', ');
}

/** The first recovery problems, "; and N more". */
export function recoveryProblems(report: Report, esc: (text: string) => string): string {
  const problems = report.scenarios.recovery.problems;
  const shown = problems.slice(0, PROBLEMS_IN_RECOVERY_LINE).map((p) => esc(p));
  const more = problems.length - shown.length;
  return `${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}

/** "21.3 ± 2.5 KiB/conn, fitted over 3 readings (35 to 65 connections)", or why there is none. */
export function describeTrend(report: Report): string {
  const t = report.memory.trend;
  if (!t || t.kbPerConnection === null) return 'n/a (fewer than two readings over the leak rounds)';
  const fitted = t.points.slice(t.skipped);
  const by = report.memoryJudge?.by ?? 'rss';
  const judged = by !== 'rss' ? `information only: the ${SOURCE_NAMES[by]} after a full GC is judged; ` : '';
  return (
    `${formatKibPerConnection(t.kbPerConnection, t.standardErrorKb)} (${judged}RSS), fitted over ${fitted.length} readings ` +
    `(${fitted[0]!.connections} to ${fitted.at(-1)!.connections} connections)`
  );
}

/** "16 × http-503, 3 × timeout" (most frequent first, at most four kinds, then "and N more"). */
export function failureKinds(counts: Record<string, number>, esc: (text: string) => string = (t) => t): string {
  const entries = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  const shown = entries.slice(0, KINDS_SHOWN).map(([kind, n]) => `${n}${NBSP}×${NBSP}${esc(kind)}`);
  const rest = entries.slice(KINDS_SHOWN).reduce((sum, [, n]) => sum + n, 0);
  if (rest > 0) shown.push(`${rest} more of ${entries.length - KINDS_SHOWN} other kinds`);
  return shown.join(', ');
}

/** The failures of one stage across the load scenarios: "16 × http-503 (flapping); 17 × refused (leak)"; null when none. */
export function stageFailures(report: Report, stage: 'connect' | 'disconnect', esc: (text: string) => string = (t) => t): string | null {
  const parts: string[] = [];
  for (const s of [report.scenarios.flapping, report.scenarios.leak]) {
    const counts = stage === 'connect' ? s.connectFailures : s.disconnectFailures;
    const kinds = failureKinds(counts, esc);
    if (kinds !== '') parts.push(`${kinds} (${s.id})`);
  }
  return parts.length === 0 ? null : parts.join('; ');
}

function loadRate(report: Report, pick: (s: LoadScenarioResult) => [number, number]): number | null {
  let ok = 0;
  let total = 0;
  for (const s of [report.scenarios.flapping, report.scenarios.leak]) {
    if (!s.enabled) continue;
    const [a, b] = pick(s);
    ok += a;
    total += b;
  }
  return total === 0 ? null : ok / total;
}

/** The key figures of a run, each short: "connect 100 %", "clean close 100 %", "retained +1.2 MiB", … */
export function keyFigures(report: Report): string[] {
  const figures: string[] = [];
  const connect = loadRate(report, (s) => [s.connected, judgedAttempts(s)]);
  const clean = loadRate(report, (s) => [s.cleanDisconnects, judgedCloses(s)]);
  if (connect !== null) figures.push(`connect ${formatRate(connect)}`);
  if (clean !== null) figures.push(`clean close ${formatRate(clean)}`);
  const m = report.memory;
  if (m.measured && m.retainedGrowthBytes !== null) figures.push(`retained ${formatMbDelta(m.retainedGrowthBytes)}`);
  else figures.push('memory not measured');
  // The figure the leak verdict judged: the heap's after a full GC for a Node server, else the RSS trend.
  const judged = report.checks.find((c) => c.id === 'leak-per-connection')?.value ?? m.trend?.kbPerConnection ?? null;
  const byHeap = (report.memoryJudge?.by ?? 'rss') !== 'rss';
  if (judged !== null) figures.push(`${byHeap ? 'heap' : 'trend'} ${formatKibPerConnection(judged)}`);
  const r = report.scenarios.recovery;
  if (r.enabled) {
    const ok = r.connected && r.problems.length === 0 && r.pongsReceived === r.pingsSent && r.messagesAnswered === r.messagesSent;
    figures.push(ok ? 'recovered' : r.connected || r.problems.length > 0 ? 'recovery failed' : 'recovery did not run');
  }
  figures.push(`${formatSeconds(report.durationMs)} run`);
  return figures;
}

/** "42.0 MiB → 162.3 MiB": a value before and after. */
export function beforeAfter(before: string, after: string): string {
  return `${before} ${ARROW} ${after}`;
}

/** Memory from baseline to after cooldown, "42.0 MiB → 162.3 MiB after cooldown"; null without both. */
export function memoryBeforeAfter(report: Report): string | null {
  const m = report.memory;
  if (m.baselineBytes === null || m.retainedBytes === null) return null;
  return `${beforeAfter(formatMb(m.baselineBytes), formatMb(m.retainedBytes))} after cooldown`;
}
