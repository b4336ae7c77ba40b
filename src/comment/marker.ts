// The hidden marker that identifies one gate's PR comment: its format lives here and nowhere else.

const PREFIX = '<!-- ws-resilience-gate:comment-key=';
const SUFFIX = ' -->';

/** The key used when `comment-key` is empty: one comment per workflow and job. */
export function defaultCommentKey(workflow: string | null, job: string | null): string {
  return `${workflow ?? 'workflow'}/${job ?? 'job'}`;
}

/** Percent-encodes one character as its UTF-8 bytes. */
function percentEncode(char: string): string {
  return Array.from(new TextEncoder().encode(char), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}

/**
 * The key as it appears inside the marker: readable ASCII stays, everything else is percent-encoded, and so are
 * `%` itself and a hyphen that follows a hyphen, so no key can end the HTML comment (`-->`, `--!>`) or span lines.
 */
export function encodeKey(key: string): string {
  return Array.from(key)
    .map((char, i, chars) => {
      if (char === '-') return chars[i - 1] === '-' ? percentEncode(char) : char;
      return /^[A-Za-z0-9 _./:+=,()#@~*[\]]$/.test(char) ? char : percentEncode(char);
    })
    .join('');
}

/** The marker line for a key: an HTML comment, invisible in the rendered comment. */
export function commentMarker(key: string): string {
  return `${PREFIX}${encodeKey(key)}${SUFFIX}`;
}

/** True when the body carries exactly this key's marker on a line of its own (another key never matches). */
export function hasMarker(body: string | null | undefined, key: string): boolean {
  if (!body) return false;
  const marker = commentMarker(key);
  return body.split(/\r?\n/).some((line) => line.trim() === marker);
}
