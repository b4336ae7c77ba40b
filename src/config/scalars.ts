// Scalar parsers for input values: each names the input and what it accepts when the value is bad. Pure.

import type { InputName } from './inputs.js';
import { ConfigError, PROTOCOL_CHOICES, type Expect, type ProtocolChoice } from './types.js';

/** "a, b or c" */
export function orList(words: readonly string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

export function oneOf<T extends string>(name: InputName, text: string, known: readonly T[]): T {
  const lower = text.toLowerCase();
  if (!known.includes(lower as T)) throw new ConfigError(name, text, orList(known));
  return lower as T;
}

export function parseNumber(name: string, text: string, min: number, max: number): number {
  const value = /^[+]?(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(name, text, `a number from ${min} to ${max}`);
  }
  return value;
}

export function parseInteger(name: string, text: string, min: number, max: number): number {
  const value = /^[+]?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(name, text, `a whole number from ${min} to ${max}`);
  }
  return value;
}

export function parseLimit(name: string, text: string, min: number, max: number): number | null {
  if (text.toLowerCase() === 'off') return null;
  try {
    return parseNumber(name, text, min, max);
  } catch {
    throw new ConfigError(name, text, `a number from ${min} to ${max}, or off`);
  }
}

export function parseUrl(text: string, launching: boolean): string {
  if (text === '') throw new ConfigError('url', text, 'a ws:// or wss:// URL (it is required)');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError('url', text, 'a ws:// or wss:// URL');
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new ConfigError('url', text, 'a ws:// or wss:// URL');
  }
  if (url.port === '0' && !launching) {
    throw new ConfigError('url', text, 'a URL with a real port in attach mode (port 0 picks a free port only when server-command is set)');
  }
  return text;
}

export function parseBoolean(name: InputName, text: string): boolean {
  const lower = text.toLowerCase();
  if (lower !== 'true' && lower !== 'false') throw new ConfigError(name, text, 'true or false');
  return lower === 'true';
}

export function parseStatsUrl(text: string): string | null {
  if (text === '') return null;
  let url: URL | null = null;
  try {
    url = new URL(text);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError('stats-url', text, 'an http:// or https:// URL, or empty');
  }
  return text;
}

/** A metrics page: an http(s) URL, or a path (starting with /) on the server's own host and port. */
export function parseMetricsUrl(text: string): string | null {
  if (text === '') return null;
  if (/^\/[^\s]*$/.test(text)) return text;
  let url: URL | null = null;
  try {
    url = new URL(text);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError('metrics-url', text, "an http:// or https:// URL, a path such as /metrics on the server's port, or empty");
  }
  return text;
}

export function parseField(text: string): string {
  if (!/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/.test(text)) {
    throw new ConfigError('stats-field', text, 'a JSON field name or dotted path such as sessions or ws.clients');
  }
  return text;
}

export function parseList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function parseIdList<T extends string>(name: string, text: string, known: readonly T[], allowEmpty = false): T[] {
  const ids = parseList(text);
  const accepted = `a comma-separated list of ${known.join(', ')}`;
  for (const id of ids) {
    if (!known.includes(id as T)) throw new ConfigError(name, text, accepted);
  }
  if (ids.length === 0 && !allowEmpty) throw new ConfigError(name, text, accepted);
  return [...new Set(ids as T[])];
}

function nonEmptyLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

export function parseKeyValueLines(name: string, text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of nonEmptyLines(text)) {
    const eq = line.indexOf('=');
    const key = eq > 0 ? line.slice(0, eq).trim() : '';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new ConfigError(name, line, 'lines of KEY=VALUE (KEY: letters, digits and _, not starting with a digit)');
    }
    env[key] = line.slice(eq + 1);
  }
  return env;
}

export function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of nonEmptyLines(text)) {
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    // The value is a secret: name the line by its header name only.
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      throw new ConfigError('headers', colon > 0 ? `${name}: ***` : '***', 'lines of `Name: value` (a header name, a colon, a value)');
    }
    headers[name] = line.slice(colon + 1).trim();
  }
  return headers;
}

export function parseExpect(text: string): Expect {
  const lower = text.toLowerCase();
  if (lower === 'none' || lower === 'any' || lower === 'echo') return { kind: lower };
  const match = /^\/(.*)\/([a-z]*)$/s.exec(text);
  if (match) {
    const [, source = '', flags = ''] = match;
    try {
      new RegExp(source, flags);
    } catch (err) {
      throw new ConfigError('expect', text, `none, any, echo, or a /regex/ that compiles (${(err as Error).message})`);
    }
    return { kind: 'regex', source, flags };
  }
  throw new ConfigError('expect', text, 'none, any, echo, or /regex/flags');
}

/** Parses the `protocol` input (case-insensitive; `socketio` and `socket-io` are read as socket.io). */
export function parseProtocol(text: string): ProtocolChoice {
  const value = text.trim().toLowerCase();
  if (value === '') return 'auto';
  const spelled = value === 'socketio' || value === 'socket-io' ? 'socket.io' : value;
  const choice = PROTOCOL_CHOICES.find((c) => c === spelled);
  if (!choice) throw new ConfigError('protocol', text, `one of ${PROTOCOL_CHOICES.join(', ')}`);
  return choice;
}
