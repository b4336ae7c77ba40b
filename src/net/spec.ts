// The `network` input (pure): `latency=100ms,jitter=20ms,slice=64,bandwidth=64kb,reset-ratio=0.2` into typed toxics.

import { ConfigError } from '../model/config-error.js';
import { TOXICS, TOXIC_NAMES, type ToxicName, type ToxicParams } from './toxics/index.js';
import type { Direction, Toxic, ValueKind } from './toxics/toxic.js';

/** One toxic on one direction, with its parameters. */
export type ToxicSpec = { [N in ToxicName]: { toxic: N; direction: Direction; params: ToxicParams<N> } }[ToxicName];

export interface NetworkSpec {
  /** The input as given (trimmed), for the report. */
  text: string;
  /** In the order a chunk passes them (the registry's order), upstream ones first. */
  toxics: ToxicSpec[];
}

const INPUT = 'network';
const DIRECTION_PREFIX: Record<string, Direction> = { 'up.': 'upstream', 'down.': 'downstream' };

const KIND_FORMS: Record<ValueKind, string> = {
  duration: 'a duration (100ms, 1.5s; a bare number is ms)',
  bytes: 'a size (64, 512b, 4kb, 1mb; kb = 1024 bytes)',
  rate: 'bytes per second (64kb, 1mb/s, 8000)',
  ratio: 'a share from 0 to 1 (0.2 or 20%)',
};

/** Every key any toxic reads, with its toxic. */
function keyTable(): Map<string, { toxic: ToxicName; kind: ValueKind }> {
  const table = new Map<string, { toxic: ToxicName; kind: ValueKind }>();
  for (const toxic of TOXIC_NAMES) {
    for (const [key, kind] of Object.entries(TOXICS[toxic].keys)) table.set(key, { toxic, kind });
  }
  return table;
}

/** The accepted form, one line, for error messages and docs. */
export function networkForm(): string {
  const keys = [...keyTable().keys()].join(', ');
  return (
    `'none' or comma-separated key=value pairs (keys: ${keys}; prefix up. or down. for one direction), e.g. ` +
    `latency=100ms,jitter=20ms,slice=64,bandwidth=64kb,reset-ratio=0.2`
  );
}

const UNITS: Record<ValueKind, Record<string, number>> = {
  duration: { '': 1, ms: 1, s: 1000 },
  bytes: { '': 1, b: 1, kb: 1024, mb: 1024 * 1024 },
  rate: { '': 1, b: 1, kb: 1024, mb: 1024 * 1024 },
  ratio: { '': 1, '%': 0.01 },
};

/** A value of `kind` as a number (ms, bytes, bytes/s, 0..1); null when it is not of that form. */
export function parseValue(kind: ValueKind, raw: string): number | null {
  const text = raw.trim().toLowerCase();
  const body = kind === 'rate' ? text.replace(/\/s$/, '') : text;
  const match = /^(\d+(?:\.\d+)?|\.\d+)\s*([a-z%]*)$/.exec(body);
  if (!match) return null;
  const factor = UNITS[kind][match[2]!];
  if (factor === undefined) return null;
  const value = Number(match[1]) * factor;
  if (!Number.isFinite(value)) return null;
  if (kind === 'ratio' && value > 1) return null;
  return kind === 'bytes' || kind === 'rate' ? Math.round(value) : value;
}

/** Parses the `network` input; throws ConfigError naming the input, the offending pair and the accepted form. */
export function parseNetwork(raw: string): NetworkSpec {
  const text = raw.trim();
  if (text === '' || /^(none|off)$/i.test(text)) return { text: '', toxics: [] };
  const keys = keyTable();
  const fail = (given: string, why?: string): never => {
    throw new ConfigError(INPUT, given, why ? `${networkForm()}; ${why}` : networkForm());
  };
  // toxic -> direction -> key -> value
  const groups = new Map<ToxicName, Map<Direction, Record<string, number>>>();
  for (const pair of text.split(',').map((p) => p.trim())) {
    if (pair === '') fail(text, 'an empty pair');
    const eq = pair.indexOf('=');
    if (eq <= 0) fail(pair, 'each pair is key=value');
    let key = pair.slice(0, eq).trim().toLowerCase();
    const value = pair.slice(eq + 1).trim();
    let directions: readonly Direction[] | null = null;
    for (const [prefix, direction] of Object.entries(DIRECTION_PREFIX)) {
      if (key.startsWith(prefix)) {
        key = key.slice(prefix.length);
        directions = [direction];
      }
    }
    const known = keys.get(key);
    if (!known) fail(pair, `unknown toxic key '${key}'`);
    const number = parseValue(known!.kind, value);
    if (number === null) fail(pair, `${key} takes ${KIND_FORMS[known!.kind]}`);
    const toxic = TOXICS[known!.toxic] as Toxic<unknown>;
    const byDirection = groups.get(known!.toxic) ?? new Map<Direction, Record<string, number>>();
    groups.set(known!.toxic, byDirection);
    for (const direction of directions ?? toxic.defaultDirections) {
      const values = byDirection.get(direction) ?? {};
      if (values[key] !== undefined) fail(pair, `${key} is given twice for the ${direction} direction`);
      values[key] = number!;
      byDirection.set(direction, values);
    }
  }
  const toxics: ToxicSpec[] = [];
  for (const direction of ['upstream', 'downstream'] as const) {
    for (const name of TOXIC_NAMES) {
      const values = groups.get(name)?.get(direction);
      if (!values) continue;
      const toxic = TOXICS[name] as Toxic<unknown>;
      const main = Object.keys(toxic.keys)[0]!;
      if (values[main] === undefined) fail(text, `${Object.keys(values).join(', ')} needs ${main} on the ${direction} direction`);
      const params = toxic.params(values);
      if (typeof params === 'string') fail(text, params);
      toxics.push({ toxic: name, direction, params } as ToxicSpec);
    }
  }
  return { text, toxics };
}
