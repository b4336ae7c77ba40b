// Escaping of text that came from the server or the user before it reaches Markdown, HTML or a terminal.

/** Longest inline text (in characters of the original) kept by default; table cells stay readable. */
export const DEFAULT_INLINE_MAX = 300;

const ZERO_WIDTH_JOINER = '\u200D';

// CSI sequences (colours, cursor moves) and OSC sequences (titles, hyperlinks) a server may print.
const ANSI_PATTERN = /\u001B\[[0-?]*[ -/]*[@-~]|\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)?|\u001B[@-Z\\-_]/g;
// C0 and C1 controls except tab and newline; carriage returns become newlines first.
const CONTROL_PATTERN = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
// Bidirectional overrides can make a line read differently from what it contains.
const BIDI_PATTERN = /[\u202A-\u202E\u2066-\u2069]/g;

/** Removes ANSI escape sequences, control characters and bidi overrides; keeps tabs and newlines (CR/CRLF become LF). */
export function stripControl(text: string): string {
  return text
    .replace(ANSI_PATTERN, '')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u2028\u2029]/g, '\n')
    .replace(CONTROL_PATTERN, '')
    .replace(BIDI_PATTERN, '');
}

/** Cuts text to at most `maxLength` code points, ending with "…" when it cut. */
export function truncate(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  const points = Array.from(text);
  if (points.length <= maxLength) return text;
  if (maxLength <= 0) return '';
  return `${points.slice(0, maxLength - 1).join('')}…`;
}

/** One line of plain text, safe for a terminal or a Markdown code span: no controls, newlines and tabs collapsed, capped. */
export function sanitizeText(text: string, maxLength = DEFAULT_INLINE_MAX): string {
  const oneLine = stripControl(String(text)).replace(/[\t\n]+/g, ' ');
  return truncate(oneLine, maxLength);
}

/**
 * Escapes text for inline Markdown (table cells, sentences, list items): one line, capped, with Markdown
 * punctuation backslash-escaped, `& < >` as entities (so they stay inert inside HTML too) and `@mentions` broken
 * by a zero-width joiner so nobody is pinged.
 */
export function escapeInline(text: string, maxLength = DEFAULT_INLINE_MAX): string {
  const plain = sanitizeText(text, maxLength);
  const escaped = plain
    .replace(/[\\`*_[\]|~$]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    // A mention is `@` followed by a name character; the joiner makes GitHub see no name after the `@`.
    .replace(/@(?=[\p{L}\p{N}_-])/gu, `@${ZERO_WIDTH_JOINER}`);
  // Block markers only matter at the start of a line (a list item or paragraph built from this text).
  return escaped.replace(/^(\s*)(#{1,6}|[+-]|\d{1,9}[.)])(?=\s|$)/, (_m, space: string, marker: string) => {
    return `${space}${marker.slice(0, -1)}\\${marker.slice(-1)}`;
  });
}

/** Escapes text for HTML contexts where Markdown is not parsed (e.g. inside `<summary>`). Also breaks mentions. */
export function escapeHtml(text: string, maxLength = DEFAULT_INLINE_MAX): string {
  return sanitizeText(text, maxLength)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/@(?=[\p{L}\p{N}_-])/gu, `@${ZERO_WIDTH_JOINER}`);
}

/** The length of the longest run of backticks in text (0 when there is none). */
export function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const match of text.matchAll(/`+/g)) longest = Math.max(longest, match[0].length);
  return longest;
}

/**
 * A fenced code block holding text verbatim. The fence is longer than any backtick run inside (at least 3), so the
 * content cannot close it; inside a fence HTML is inert (even `</details>`) and mentions do not ping.
 */
export function codeBlock(text: string, lang = ''): string {
  const body = stripControl(text);
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(body) + 1));
  // An info string may not contain backticks; keep it to a plain language name.
  const info = lang.replace(/[^\w+.#-]/g, '');
  const newline = body === '' || body.endsWith('\n') ? '' : '\n';
  return `${fence}${info}\n${body}${newline}${fence}`;
}
