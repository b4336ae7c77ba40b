// The hostile scenario's inputs: defaults, accepted values, and errors that name the input and what was given.

import { describe, expect, it } from 'vitest';
import { HOSTILE_INPUTS, parseHostileInputs } from '../src/config/hostile.js';
import { INPUTS } from '../src/config/inputs.js';
import { ConfigError } from '../src/config/types.js';

describe('parseHostileInputs', () => {
  it('takes the defaults when nothing (or an empty value) is given', () => {
    const expected = { maxBytes: 16 * 1024 * 1024, pings: 1000, strict: false, maxMemoryGrowthMb: { value: 100, explicit: false } };
    expect(parseHostileInputs({})).toEqual(expected);
    expect(parseHostileInputs({ 'hostile-max-bytes': '', 'hostile-pings': '  ', 'max-hostile-memory-growth-mb': '100' })).toEqual(expected);
  });

  it('reads what the user set', () => {
    expect(
      parseHostileInputs({
        'hostile-max-bytes': '1048576',
        'hostile-pings': '50',
        'hostile-strict': 'TRUE',
        'max-hostile-memory-growth-mb': '32.5',
      }),
    ).toEqual({ maxBytes: 1048576, pings: 50, strict: true, maxMemoryGrowthMb: { value: 32.5, explicit: true } });
    expect(parseHostileInputs({ 'max-hostile-memory-growth-mb': 'off' }).maxMemoryGrowthMb).toEqual({ value: null, explicit: true });
  });

  const bad: Array<[string, string, RegExp]> = [
    ['hostile-max-bytes', '16MB', /'hostile-max-bytes' must be a whole number from 65536 to 1073741824, got '16MB'/],
    ['hostile-max-bytes', '100', /from 65536/],
    ['hostile-max-bytes', '2147483648', /to 1073741824/],
    ['hostile-pings', '0', /'hostile-pings' must be a whole number from 1 to 100000, got '0'/],
    ['hostile-pings', '1.5', /whole number/],
    ['hostile-strict', 'yes', /'hostile-strict' must be true or false, got 'yes'/],
    ['max-hostile-memory-growth-mb', '-1', /'max-hostile-memory-growth-mb' must be a number from 0 to 1000000, or off, got '-1'/],
    ['max-hostile-memory-growth-mb', 'lots', /or off/],
  ];
  for (const [name, text, message] of bad) {
    it(`refuses ${name}: '${text}'`, () => {
      expect(() => parseHostileInputs({ [name]: text })).toThrow(ConfigError);
      expect(() => parseHostileInputs({ [name]: text })).toThrow(message);
    });
  }

  it('defines inputs that do not clash with the existing ones, in kebab-case', () => {
    const existing = new Set<string>(INPUTS.map((i) => i.name));
    for (const input of HOSTILE_INPUTS) {
      expect(existing.has(input.name), input.name).toBe(false);
      expect(input.name).toMatch(/^[a-z]+(-[a-z]+)*$/);
      // Every default parses.
      expect(() => parseHostileInputs({ [input.name]: input.default })).not.toThrow();
    }
  });
});
