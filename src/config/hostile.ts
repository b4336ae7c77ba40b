// The hostile scenario's inputs (pure): their definitions, to be added to the one list, and their parser.

import { ConfigError, type Limit } from './types.js';
import type { InputDefinition } from './inputs.js';

/** The inputs the hostile scenario reads, in the shape of INPUTS' entries. */
export const HOSTILE_INPUTS = [
  {
    name: 'hostile-max-bytes',
    default: '16777216',
    description:
      'hostile scenario: size in bytes of the oversized message, sent for real until the server reacts. A server should close (1009) before it is all sent.',
  },
  { name: 'hostile-pings', default: '1000', description: 'hostile scenario: pings written at once in the ping flood.' },
  {
    name: 'hostile-strict',
    default: 'false',
    description:
      'hostile scenario: `true` fails hostile-survived when a case is not handled as RFC 6455 asks (a wrong close code, a drop); `false` makes that a warning.',
  },
  {
    name: 'max-hostile-memory-growth-mb',
    default: '100',
    description:
      "hostile scenario: most the server tree's memory may grow during the scenario (MB), or `off`. Healthy servers that take a 16 MiB message grow by up to about 60 MB.",
  },
] as const satisfies readonly InputDefinition[];

/** The name of one hostile input. */
export type HostileInputName = (typeof HOSTILE_INPUTS)[number]['name'];

/** The hostile inputs, parsed. */
export interface HostileSettings {
  maxBytes: number;
  pings: number;
  strict: boolean;
  maxMemoryGrowthMb: Limit;
}

/** Smallest oversized message: anything below 64 KiB tests no limit a server would set. */
const MIN_BYTES = 65_536;
/** Largest oversized message: 1 GiB, so the gate itself never holds more than a chunk of it. */
const MAX_BYTES = 1024 * 1024 * 1024;

/** Parses the hostile inputs; a missing or empty one takes its default. Throws ConfigError naming the input. */
export function parseHostileInputs(raw: Partial<Record<HostileInputName, string | undefined>>): HostileSettings {
  const defaults = Object.fromEntries(HOSTILE_INPUTS.map((i) => [i.name, i.default])) as Record<HostileInputName, string>;
  const given = (name: HostileInputName): string | null => {
    const text = raw[name]?.trim();
    return text === undefined || text === '' ? null : text;
  };
  const get = (name: HostileInputName): string => given(name) ?? defaults[name];

  const strictText = get('hostile-strict').toLowerCase();
  if (strictText !== 'true' && strictText !== 'false') throw new ConfigError('hostile-strict', get('hostile-strict'), 'true or false');

  const memoryText = get('max-hostile-memory-growth-mb');
  const memoryGiven = given('max-hostile-memory-growth-mb');
  let memory: number | null = null;
  if (memoryText.toLowerCase() !== 'off') {
    memory = /^[+]?(\d+(\.\d*)?|\.\d+)$/.test(memoryText) ? Number(memoryText) : Number.NaN;
    if (!Number.isFinite(memory) || memory > 1_000_000) {
      throw new ConfigError('max-hostile-memory-growth-mb', memoryText, 'a number from 0 to 1000000, or off');
    }
  }
  return {
    maxBytes: wholeNumber('hostile-max-bytes', get('hostile-max-bytes'), MIN_BYTES, MAX_BYTES),
    pings: wholeNumber('hostile-pings', get('hostile-pings'), 1, 100_000),
    strict: strictText === 'true',
    maxMemoryGrowthMb: { value: memory, explicit: memoryGiven !== null && memoryGiven !== defaults['max-hostile-memory-growth-mb'] },
  };
}

function wholeNumber(name: HostileInputName, text: string, min: number, max: number): number {
  const value = /^[+]?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new ConfigError(name, text, `a whole number from ${min} to ${max}`);
  return value;
}
