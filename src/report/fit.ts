// Fitting a rendered body under a size limit: what to give up first, one search for the most that fits, a last-resort cut.

import { sanitizeText, truncate } from './escape.js';

/** When the log must shrink, no single line keeps more than this many characters. */
export const LOG_LINE_CAP = 500;

/** What the renderer may leave out, in the order it gives things up to fit the limit. */
export interface Plan {
  /** Newest log lines kept in the full log section. */
  logLines: number;
  /** Cap on a single log line's length; null: lines as printed. */
  lineCap: number | null;
  chart: boolean;
  /** The collapsible sections (all checks, scenarios, base table, log, environment). */
  details: boolean;
}

/**
 * The largest n in [low, high] for which `fits(n)` holds, when fitting is monotonic (more n, more characters);
 * `low` when even that does not fit.
 */
export function largestFitting(low: number, high: number, fits: (n: number) => boolean): number {
  let lo = low;
  let hi = high;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The last resort: cut at a line boundary (only tables and sentences remain by then) and say so. */
export function hardCut(text: string, maxChars: number): string {
  const notice = '\n\nTrimmed: report cut to fit the comment limit.\n';
  const room = maxChars - notice.length;
  if (room <= 0) return truncate(sanitizeText(text), maxChars);
  const cut = text.lastIndexOf('\n', room);
  const lines = text.slice(0, cut > 0 ? cut : room).split('\n');
  // A table cut right after its header (or delimiter row) would leave a stray row; drop what has no body.
  const isDelimiter = (line: string | undefined): boolean => line !== undefined && /^\|( --- \|)+$/.test(line);
  if (isDelimiter(lines[lines.length - 1])) lines.splice(-2, 2);
  else if (lines[lines.length - 1]?.startsWith('|') && isDelimiter(text.slice(cut + 1).split('\n', 1)[0])) lines.pop();
  // An open fence or <details> left by the cut would swallow the notice.
  const fences = lines.filter((l) => /^`{3,}/.test(l)).length;
  if (fences % 2 === 1) {
    let open = lines.length - 1;
    while (open > 0 && !/^`{3,}/.test(lines[open]!)) open--;
    lines.splice(open);
  }
  const opened = lines.filter((l) => /^<details( open)?>$/.test(l)).length - lines.filter((l) => l === '</details>').length;
  for (let i = 0; i < opened; i++) lines.push('', '</details>');
  return `${lines.join('\n').trimEnd()}${notice}`;
}

/**
 * Renders with the fullest plan that fits `maxChars`: it gives up the oldest log lines (and cuts very long ones)
 * first, then the chart, then the collapsible sections, and cuts as a last resort.
 */
export function fitToLimit(build: (plan: Plan) => string, logTail: readonly string[], maxChars: number): string {
  const total = logTail.length;
  const fits = (plan: Plan): boolean => build(plan).length <= maxChars;
  let plan: Plan = { logLines: total, lineCap: null, chart: true, details: true };
  if (fits(plan)) return build(plan);
  if (logTail.some((l) => l.length > LOG_LINE_CAP)) {
    plan = { ...plan, lineCap: LOG_LINE_CAP };
    if (fits(plan)) return build(plan);
  }
  for (const chart of [true, false]) {
    const base: Plan = { ...plan, chart, logLines: 0 };
    if (fits(base)) return build({ ...base, logLines: largestFitting(0, total, (n) => fits({ ...base, logLines: n })) });
  }
  const body = build({ ...plan, logLines: 0, chart: false, details: false });
  return body.length <= maxChars ? body : hardCut(body, maxChars);
}
