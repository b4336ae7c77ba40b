// Artillery's `match` and `capture` specs, read into the replies a session step waits for. Pure.

import type { JsonValue, ReplyMatch } from '../model/session.js';

/** A bad step: where it is, what was wrong, and the forms accepted there. */
export class StepError extends Error {
  constructor(
    readonly where: string,
    readonly problem: string,
    readonly accepted: string,
  ) {
    super(`${where}: ${problem}; ${accepted}`);
    this.name = 'StepError';
  }
}

export const MATCH_FORMS =
  "match is { json: '$.field', value: … } (the field equals the value, or exists without one) or { regexp: '…', flags, value } " +
  '(the reply matches), or a list of them';

/** Reads `match` and `capture` of a step: every entry becomes a reply condition; non-strict ones (strict: false) are left out. */
export function parseMatches(spec: Record<string, unknown>, where: string): ReplyMatch[] {
  const entries = [...asList(spec.match), ...asList(spec.capture)];
  const matches: ReplyMatch[] = [];
  for (const entry of entries) {
    if (!isRecord(entry)) throw new StepError(where, `a match of ${describe(entry)}`, MATCH_FORMS);
    // Artillery only reports a non-strict match, without failing the flow: the gate does not wait for it either.
    if (entry.strict === false) continue;
    matches.push(parseMatch(entry, where));
  }
  return matches;
}

function parseMatch(entry: Record<string, unknown>, where: string): ReplyMatch {
  const value = entry.value;
  if (typeof value === 'string' && value.includes('{{')) throw templateError(where);
  if (typeof entry.json === 'string') {
    return {
      kind: 'json',
      expr: entry.json,
      path: parseJsonPath(entry.json, where),
      ...(value !== undefined ? { value: json(value, where) } : {}),
    };
  }
  if (typeof entry.regexp === 'string') {
    const flags = entry.flags === undefined ? '' : String(entry.flags);
    try {
      new RegExp(entry.regexp, flags);
    } catch (err) {
      throw new StepError(where, `the regexp /${entry.regexp}/${flags} does not compile (${(err as Error).message})`, MATCH_FORMS);
    }
    const group = entry.group;
    if (group !== undefined && typeof group !== 'number' && typeof group !== 'string') {
      throw new StepError(where, `group ${describe(group)}`, 'group is a capture group number or name');
    }
    return {
      kind: 'regexp',
      source: entry.regexp,
      flags,
      ...(group !== undefined ? { group } : {}),
      ...(value !== undefined ? { value: String(value) } : {}),
    };
  }
  const keys = Object.keys(entry).join(', ') || 'nothing';
  throw new StepError(where, `a match with ${keys}`, MATCH_FORMS);
}

/**
 * `$.a.b[0]`, `$['a b']`, `$.0` as keys. Only plain paths: what a reply's field is, not a query
 * (no `..`, `*` or filters, which would pick one of several values at random as Artillery does).
 */
export function parseJsonPath(expr: string, where: string): Array<string | number> {
  const bad = (why: string): StepError =>
    new StepError(
      where,
      `the JSON path '${expr}' ${why}`,
      "a JSON path is $ followed by .name, [0] or ['name'] parts, e.g. $.type or $.data[0].id",
    );
  if (!expr.startsWith('$')) throw bad('does not start with $');
  const path: Array<string | number> = [];
  let rest = expr.slice(1);
  while (rest.length > 0) {
    const part = /^\.([A-Za-z0-9_$-]+)/.exec(rest) ?? /^\[(\d+)\]/.exec(rest) ?? /^\[(?:'([^']*)'|"([^"]*)")\]/.exec(rest);
    if (!part) throw bad(`has a part the gate does not read at '${rest.slice(0, 20)}'`);
    const key = part[1] ?? part[2] ?? '';
    path.push(/^\d+$/.test(key) && !part[0].startsWith("['") && !part[0].startsWith('["') ? Number(key) : key);
    rest = rest.slice(part[0].length);
  }
  return path;
}

export function templateError(where: string): StepError {
  return new StepError(
    where,
    'it has a template ({{ … }})',
    'the gate sends what the step says: variables and functions are not filled in (write the value itself)',
  );
}

/** A YAML value as JSON: a template in a string is refused, since it would be sent as written. */
export function json(value: unknown, where: string): JsonValue {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    if (value.includes('{{')) throw templateError(where);
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => json(v, where));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, json(v, where)]));
  throw new StepError(where, `a value of type ${typeof value}`, 'values are strings, numbers, booleans, null, lists or maps');
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** A short rendering of what was given, for messages. */
export function describe(value: unknown): string {
  const text = typeof value === 'string' ? `'${value}'` : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}
