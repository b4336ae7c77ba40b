// Whether a reply satisfies a step's conditions (Artillery's match: a JSON field's value, or a regexp), and how to
// say what it was instead.

import type { JsonValue, ReplyMatch } from '../../model/session.js';

/**
 * A condition compiled once: regexps built, paths kept. `doc` gives the reply parsed as JSON (undefined if it is not
 * JSON), parsed only when a condition reads it.
 */
export type ReplyTest = (text: string, doc: () => unknown) => boolean;

/** Compiles every condition of a step into one test over the reply's text and its parsed JSON. */
export function compileMatches(matches: readonly ReplyMatch[]): ReplyTest {
  const tests = matches.map(compileMatch);
  return (text, doc) => {
    let parsed: { value: unknown } | null = null;
    const once = (): unknown => (parsed ??= { value: doc() }).value;
    return tests.every((t) => t(text, once));
  };
}

function compileMatch(match: ReplyMatch): ReplyTest {
  if (match.kind === 'json') {
    return (_text, doc) => {
      const found = fieldAt(doc(), match.path);
      if (found === undefined) return false;
      return match.value === undefined || sameJson(found, match.value);
    };
  }
  const regexp = new RegExp(match.source, match.flags.replace(/[gy]/g, ''));
  return (text) => {
    const m = regexp.exec(text);
    if (!m) return false;
    if (match.value === undefined) return true;
    const got = match.group === undefined ? m[0] : typeof match.group === 'number' ? m[match.group] : m.groups?.[match.group];
    return got === match.value;
  };
}

/** The value at a plain JSON path, or undefined. */
export function fieldAt(doc: unknown, path: ReadonlyArray<string | number>): unknown {
  let here = doc;
  for (const key of path) {
    if (typeof here !== 'object' || here === null) return undefined;
    here = (here as Record<string | number, unknown>)[key];
  }
  return here;
}

/** Deep equality of JSON values (key order does not matter). */
export function sameJson(a: unknown, b: JsonValue | unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every((k) => Object.hasOwn(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

/** The reply parsed as JSON, or undefined. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** What a step waited for, for a failure line: "a reply with $.type = "joined"", "a reply matching /ok/". */
export function describeMatches(matches: readonly ReplyMatch[]): string {
  if (matches.length === 0) return 'a reply';
  return matches
    .map((m) =>
      m.kind === 'json'
        ? `${m.expr}${m.value === undefined ? ' present' : ` = ${JSON.stringify(m.value)}`}`
        : `/${m.source}/${m.flags}${m.value === undefined ? '' : ` giving "${m.value}"`}`,
    )
    .join(' and ');
}

/** A received message shortened for a failure line. */
export function excerpt(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > 80 ? `${oneLine.slice(0, 79)}…` : oneLine;
}
