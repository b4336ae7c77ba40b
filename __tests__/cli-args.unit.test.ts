// The CLI's command line: every flag it takes, and errors a newcomer can act on (which flag, and where the list is).

import { describe, expect, it } from 'vitest';
import { CLI_COMMAND, UsageError, closestFlag, editDistance, parseArgs, usage } from '../src/cli.js';
import { ConfigError } from '../src/config/types.js';
import { GATE_INPUTS, INPUTS } from '../src/config/inputs.js';

describe('parseArgs errors', () => {
  it('names an unknown flag, not its value, and says how to get help', () => {
    expect(() => parseArgs(['--bogus', '3'])).toThrow(UsageError);
    expect(() => parseArgs(['--bogus', '3'])).toThrow(`unknown flag --bogus; run ${CLI_COMMAND} --help for the list`);
    expect(() => parseArgs(['--bogus=3'])).toThrow(/^unknown flag --bogus;/);
    // The flag is judged before its value is taken: the next flag is not mistaken for the culprit.
    expect(() => parseArgs(['--bogus', '--url', 'ws://127.0.0.1:1/'])).toThrow(/^unknown flag --bogus;/);
  });

  it('suggests the flag a typo meant, and nothing for a word far from every flag', () => {
    expect(() => parseArgs(['--flap-cylces', '3'])).toThrow(/^unknown flag --flap-cylces \(did you mean --flap-cycles\?\)/);
    expect(closestFlag('server-comand')).toBe('server-command');
    expect(closestFlag('jsno')).toBe('json');
    expect(closestFlag('bogus')).toBeNull();
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('says an action-only input is not a CLI flag', () => {
    for (const input of INPUTS.filter((i) => 'actionOnly' in i && i.actionOnly)) {
      expect(() => parseArgs([`--${input.name}`, 'x'])).toThrow(`--${input.name} is an input of the GitHub Action only`);
    }
  });

  it('names a stray word and a flag without its value', () => {
    expect(() => parseArgs(['serve'])).toThrow(/^unexpected argument 'serve': every option is a flag/);
    expect(() => parseArgs(['--url'])).toThrow('flag --url needs a value: --url VALUE or --url=VALUE');
    // The CLI reports every usage error as bad input (exit 2), like a bad value.
    expect(() => parseArgs(['serve'])).toThrow(ConfigError);
  });
});

describe('parseArgs', () => {
  it('takes every gate input as a flag, in both spellings', () => {
    for (const input of GATE_INPUTS) {
      expect(parseArgs([`--${input.name}`, 'v']).inputs).toEqual({ [input.name]: 'v' });
      expect(parseArgs([`--${input.name}=a=b`]).inputs).toEqual({ [input.name]: 'a=b' });
    }
  });
});

describe('usage', () => {
  const text = usage();
  it('tells how to run it from a clone, never through an unpublished package name', () => {
    expect(text).toMatch(/^Usage: node dist\/cli\/index\.js /);
    expect(text).not.toMatch(/npx/);
    expect(text).toContain('npm start');
  });
  it('says the server command runs with PORT set, for a server that takes an address flag instead of reading it', () => {
    expect(text).toContain(
      "the server command runs in a shell, so a server that takes an address flag gets it there: './chat -addr=127.0.0.1:$PORT'",
    );
  });
  it('lists every gate input and no action-only one', () => {
    for (const input of GATE_INPUTS) expect(text).toContain(`--${input.name} `);
    for (const input of INPUTS.filter((i) => 'actionOnly' in i && i.actionOnly)) expect(text).not.toContain(`--${input.name} `);
  });
});
