// Every input, one row: a value it must refuse (with one line naming the input, the value and what is
// accepted) or the statement that any text is accepted. Then random strings for all of them.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INPUTS, type InputName, type RawInputs } from '../src/config/inputs.js';
import { ConfigError } from '../src/config/types.js';
import { parseConfig } from '../src/config/parse.js';

const BASE: RawInputs = { url: 'ws://127.0.0.1:8080/' };

/** A bad value and the words the error must contain; `free` for inputs that take any text. */
const TABLE: Record<InputName, { bad: string; accepted: string; base?: RawInputs } | 'free'> = {
  'server-command': 'free',
  'working-directory': { bad: 'no/such/directory', accepted: 'an existing directory', base: { 'server-command': 'node s.js' } },
  'server-env': { bad: 'NO_EQUALS_SIGN', accepted: 'lines of KEY=VALUE' },
  'server-pid': { bad: '-5', accepted: 'a whole number from 1' },
  'server-log': 'free',
  url: { bad: 'https://example.test/socket', accepted: 'a ws:// or wss:// URL' },
  'startup-timeout-s': { bad: '0', accepted: 'a whole number from 1 to 3600' },
  'shutdown-grace-s': { bad: 'soon', accepted: 'a number from 0 to 600' },
  headers: { bad: 'no colon here', accepted: 'lines of `Name: value`' },
  subprotocols: 'free',
  protocol: { bad: 'stomp', accepted: 'one of auto, raw, socket.io, graphql-ws' },
  session: { bad: '[{sned: x}]', accepted: "step 1: unknown step 'sned'; the ws engine's steps are send, wait, think, loop, log" },
  'session-file': { bad: 'no-such-dir/chat.yml#join', accepted: 'the path of a readable Artillery script' },
  'connect-timeout-ms': { bad: '1e3', accepted: 'a whole number from 1' },
  'close-timeout-ms': { bad: '0', accepted: 'a whole number from 1' },
  'ca-file': { bad: 'no-such-dir/ca.pem', accepted: 'the path of a readable PEM file of CA certificates' },
  'insecure-tls': { bad: 'yes', accepted: 'true or false' },
  scenarios: { bad: 'flapping,chaos', accepted: 'a comma-separated list of flapping, leak, recovery, hostile, dead-peers, slow-consumer' },
  'warmup-connections': { bad: '-1', accepted: 'a whole number from 0' },
  'flap-cycles': { bad: '0', accepted: 'a whole number from 1' },
  'flap-hold-ms': { bad: '100ms', accepted: 'a whole number from 0' },
  'flap-pause-ms': { bad: 'fifty', accepted: 'a whole number from 0' },
  'leak-clients': { bad: '0', accepted: 'a whole number from 1' },
  'leak-cycles': { bad: '1.5', accepted: 'a whole number from 1' },
  profile: { bad: 'heavy', accepted: 'one of quick, default, soak' },
  'abrupt-ratio': { bad: '50%', accepted: 'a number from 0 to 1' },
  'leak-rounds': { bad: '0', accepted: 'a whole number from 1 to 1000' },
  'stats-url': { bad: 'ws://127.0.0.1:1/stats', accepted: 'an http:// or https:// URL, or empty' },
  'stats-field': { bad: 'a..b', accepted: 'a JSON field name or dotted path' },
  'metrics-url': { bad: 'metrics', accepted: "an http:// or https:// URL, a path such as /metrics on the server's port, or empty" },
  'metrics-ignore': 'free',
  'cooldown-ms': { bad: '2s', accepted: 'a whole number from 0' },
  'sample-interval-ms': { bad: '5', accepted: 'a whole number from 10' },
  'recovery-pings': { bad: 'three', accepted: 'a whole number from 0' },
  'recovery-messages': { bad: '-2', accepted: 'a whole number from 0' },
  'recovery-hold-ms': { bad: '1 s', accepted: 'a whole number from 0' },
  message: 'free',
  expect: { bad: '/[a-/', accepted: 'none, any, echo, or a /regex/ that compiles' },
  'min-connect-success-rate': { bad: '1.5', accepted: 'a number from 0 to 1, or off' },
  'min-disconnect-success-rate': { bad: '80%', accepted: 'a number from 0 to 1, or off' },
  'min-session-success-rate': { bad: '2', accepted: 'a number from 0 to 1, or off' },
  'max-memory-growth-mb': { bad: '-1', accepted: 'a number from 0 to 1000000, or off' },
  'max-peak-memory-growth-mb': { bad: 'none', accepted: 'a number from 0 to 1000000, or off' },
  'max-leak-kb-per-connection': { bad: 'small', accepted: 'a number from 0 to 1000000, or off' },
  'max-fd-growth': { bad: '-3', accepted: 'a number from 0 to 1000000, or off' },
  'max-lingering-connections': { bad: 'zero', accepted: 'a number from 0 to 1000000, or off' },
  'max-thread-growth': { bad: '1e9', accepted: 'a number from 0 to 1000000, or off' },
  'max-process-growth': { bad: 'x', accepted: 'a number from 0 to 1000000, or off' },
  'max-session-growth': { bad: '--1', accepted: 'a number from 0 to 1000000, or off' },
  'max-hostile-memory-growth-mb': { bad: 'lots', accepted: 'a number from 0 to 1000000, or off' },
  'hostile-max-bytes': { bad: '16MB', accepted: 'a whole number from 65536 to 1073741824' },
  'hostile-pings': { bad: '0', accepted: 'a whole number from 1 to 100000' },
  'hostile-strict': { bad: 'yes', accepted: 'true or false' },
  network: { bad: 'latency=fast', accepted: 'key=value' },
  'dead-peer-clients': { bad: '0', accepted: 'a whole number from 1 to 1000' },
  'dead-peer-timeout-s': { bad: 'soon', accepted: 'a number from 1 to 3600' },
  'slow-consumer-duration-s': { bad: '0', accepted: 'a number from 1 to 600' },
  'slow-consumer-mb': { bad: 'lots', accepted: 'a number from 1 to 4096' },
  'subscribe-message': 'free',
  'max-slow-consumer-growth-mb': { bad: '-1', accepted: 'a number from 0 to 1000000, or off' },
  'heap-snapshots': { bad: 'on', accepted: 'auto or off' },
  'heap-ignore': 'free',
  'heap-snapshot-dir': 'free',
  'heap-snapshot-timeout-s': { bad: '0', accepted: 'a whole number from 1 to 3600' },
  'heap-snapshot-max-mb': { bad: 'big', accepted: 'a whole number from 1 to 1048576' },
  'max-retained-per-connection': { bad: '0', accepted: 'a number from 0.01 to 1000, or off' },
  'warn-only': { bad: 'memory-growth,latency', accepted: 'a comma-separated list of server-ready' },
  'baseline-report': {
    bad: 'base.json',
    accepted: 'empty when baseline-server-command is set',
    base: { 'baseline-server-command': 'node base.js' },
  },
  'baseline-server-command': 'free',
  'baseline-rounds': { bad: '0', accepted: 'a whole number from 1 to 20' },
  'max-regression-percent': { bad: '25%', accepted: 'a number from 0 to 10000' },
  'regression-level': { bad: 'fail', accepted: 'error or warn' },
  'timeout-s': { bad: '0', accepted: 'a whole number from 1' },
  'report-path': 'free',
  'export-artillery': 'free',
  mode: { bad: 'dry-run', accepted: 'gate or post-comment' },
  comment: { bad: 'sometimes', accepted: 'always, on-failure or never' },
  'comment-key': 'free',
  'comment-author': 'free',
  'github-token': 'free',
  'pr-number': { bad: '#12', accepted: 'a whole number from 1' },
};

describe('every input', () => {
  it('has a row in this table', () => {
    expect(Object.keys(TABLE).sort()).toEqual(INPUTS.map((i) => i.name).sort());
  });

  const rows = Object.entries(TABLE).filter((e): e is [InputName, { bad: string; accepted: string; base?: RawInputs }] => e[1] !== 'free');
  it.each(rows)("refuses a bad '%s' with one line naming it, the value and what is accepted", (name, row) => {
    let error: unknown;
    try {
      parseConfig({ ...BASE, ...row.base, [name]: row.bad });
    } catch (err) {
      error = err;
    }
    expect(error, `${name}=${row.bad} was accepted`).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message.startsWith(`'${name}' must be `)).toBe(true);
    expect(message).toContain(row.accepted);
    if (name !== 'headers') expect(message).toContain(`got '${row.bad}'`);
    expect(message).not.toMatch(/\n/);
  });

  const free = Object.entries(TABLE)
    .filter(([, row]) => row === 'free')
    .map(([name]) => name as InputName);
  it.each(free)("accepts any text for '%s'", (name) => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== ''),
        (text) => {
          // server-command must not turn the URL check into attach mode; keep the URL valid for both.
          expect(() => parseConfig({ ...BASE, [name]: text })).not.toThrow();
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('random input', () => {
  const names = INPUTS.map((i) => i.name);
  const value = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.string({ unit: 'grapheme', maxLength: 10 }),
    fc.integer({ min: -10, max: 100_000 }).map(String),
    fc.double({ noNaN: false }).map(String),
    fc.constantFrom(
      'off',
      'none',
      'echo',
      '/x+/i',
      'ws://127.0.0.1:0/',
      'wss://localhost:9/',
      'flapping,leak',
      '',
      ' ',
      '\n',
      'A=B\nC',
      'X: y',
    ),
  );
  const raw = fc.dictionary(fc.constantFrom(...names), value, { maxKeys: 12 });

  it('either yields a config or throws ConfigError, never anything else', () => {
    fc.assert(
      fc.property(raw, (inputs) => {
        try {
          const config = parseConfig(inputs as RawInputs);
          expect(config.client.url).toMatch(/^wss?:\/\//);
          expect(config.flapping.cycles).toBeGreaterThanOrEqual(1);
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError);
          expect((err as Error).message).toMatch(/^'[a-z-]+' must be /);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
