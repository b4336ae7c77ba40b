// Config parsing: defaults, every kind of bad input, and action.yml kept in step with the input list.

import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { documentedDescription, INPUTS, type RawInputs } from '../src/config/inputs.js';
import { ConfigError } from '../src/config/types.js';
import { describeConfig, parseActionConfig, parseConfig } from '../src/config/parse.js';
import { TOOL_VERSION } from '../src/version.js';

const URL_ONLY: RawInputs = { url: 'ws://127.0.0.1:8080/' };

interface ActionYaml {
  inputs: Record<string, { description: string; default: string; required?: boolean }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
  branding: { icon: string; color: string };
}
const action = parseYaml(readFileSync(new URL('../action.yml', import.meta.url), 'utf8')) as ActionYaml;

describe('parseConfig', () => {
  it('applies the reference defaults', () => {
    const config = parseConfig(URL_ONLY);
    expect(config.flapping).toEqual({ cycles: 20, holdMs: 100, pauseMs: 50 });
    expect(config.leak).toEqual({ clients: 3, cycles: 15, rounds: 3, abruptRatio: 0.5 });
    expect(config.profile).toBe('default');
    expect(config.limits.maxLeakKbPerConnection).toEqual({ value: 100, explicit: false });
    expect(config.limits.maxLingeringConnections.value).toBe(0);
    expect(config.limits.maxProcessGrowth.value).toBe(0);
    expect(config.stats).toEqual({ url: null, field: 'sessions' });
    expect(config.warmupConnections).toBe(5);
    expect(config.cooldownMs).toBe(2000);
    expect(config.sampleIntervalMs).toBe(100);
    expect(config.client).toMatchObject({ connectTimeoutMs: 5000, closeTimeoutMs: 2000, headers: {}, subprotocols: [] });
    expect(config.server).toMatchObject({ command: null, startupTimeoutMs: 30_000, shutdownGraceMs: 5000, pid: null });
    expect(config.scenarios).toEqual(['flapping', 'leak', 'recovery']);
    expect(config.limits.minConnectSuccessRate).toEqual({ value: 0.8, explicit: false });
    expect(config.limits.maxMemoryGrowthMb).toEqual({ value: 50, explicit: false });
    expect(config.limits.maxPeakMemoryGrowthMb.value).toBeNull();
    expect(config.recovery).toMatchObject({ pings: 3, messages: 5, expect: { kind: 'none' } });
    expect(config.reportPath).toBe('ws-resilience-report.json');
  });

  it('accepts every default exactly as the runner passes it from action.yml', () => {
    const raw: RawInputs = {};
    for (const [name, spec] of Object.entries(action.inputs)) raw[name as keyof RawInputs] = spec.default;
    const config = parseConfig({ ...raw, ...URL_ONLY });
    expect(config).toEqual(parseConfig(URL_ONLY));
  });

  it('takes scenario sizes from the profile unless the input is set', () => {
    const soak = parseConfig({ ...URL_ONLY, profile: 'soak' });
    expect(soak.leak).toMatchObject({ clients: 10, cycles: 300, rounds: 6 });
    expect(soak.limits.maxLeakKbPerConnection).toEqual({ value: 10, explicit: false });
    expect(parseConfig({ ...URL_ONLY, profile: 'soak', 'leak-cycles': '50' }).leak.cycles).toBe(50);
    // A value the user sets wins over the profile, also one equal to the reference profile's.
    expect(parseConfig({ ...URL_ONLY, profile: 'quick', 'flap-cycles': '20' }).flapping.cycles).toBe(20);
    expect(parseConfig({ ...URL_ONLY, profile: 'quick' }).flapping.cycles).toBe(10);
  });

  it('marks a limit explicit only when it differs from the default', () => {
    expect(parseConfig({ ...URL_ONLY, 'max-memory-growth-mb': '50' }).limits.maxMemoryGrowthMb.explicit).toBe(false);
    expect(parseConfig({ ...URL_ONLY, 'max-memory-growth-mb': '20' }).limits.maxMemoryGrowthMb).toEqual({ value: 20, explicit: true });
    expect(parseConfig({ ...URL_ONLY, 'min-connect-success-rate': 'off' }).limits.minConnectSuccessRate.value).toBeNull();
  });

  it('parses headers, server-env, subprotocols, scenarios, warn-only and expect', () => {
    const config = parseConfig({
      ...URL_ONLY,
      'server-command': 'node server.js',
      url: 'wss://localhost:0/chat',
      headers: 'Authorization: Bearer abc:def\nX-Trace:  1 ',
      'server-env': 'NODE_ENV=test\n# comment\nEMPTY=\nEQUALS=a=b',
      subprotocols: 'chat, v2.chat',
      scenarios: 'leak,recovery',
      'warn-only': 'memory-growth',
      expect: '/^pong \\d+$/i',
    });
    expect(config.client.headers).toEqual({ Authorization: 'Bearer abc:def', 'X-Trace': '1' });
    expect(config.server.env).toEqual({ NODE_ENV: 'test', EMPTY: '', EQUALS: 'a=b' });
    expect(config.client.subprotocols).toEqual(['chat', 'v2.chat']);
    expect(config.scenarios).toEqual(['leak', 'recovery']);
    expect(config.warnOnly).toEqual(['memory-growth']);
    expect(config.recovery.expect).toEqual({ kind: 'regex', source: '^pong \\d+$', flags: 'i' });
  });

  it('lets the CLI replace a default', () => {
    expect(parseConfig(URL_ONLY, { 'report-path': '' }).reportPath).toBeNull();
    expect(parseConfig({ ...URL_ONLY, 'report-path': 'r.json' }, { 'report-path': '' }).reportPath).toBe('r.json');
  });

  const bad: Array<[string, RawInputs, RegExp]> = [
    ['missing url', {}, /'url' must be a ws:\/\/ or wss:\/\/ URL \(it is required\)/],
    ['http url', { url: 'http://127.0.0.1:8080' }, /'url' must be a ws:\/\/ or wss:\/\/ URL, got 'http:\/\/127.0.0.1:8080'/],
    ['not a url', { url: 'nope' }, /'url' must be/],
    ['port 0 without a command', { url: 'ws://127.0.0.1:0/' }, /'url' must be a URL with a real port in attach mode/],
    ['word for a number', { ...URL_ONLY, 'flap-cycles': 'abc' }, /'flap-cycles' must be a whole number from 1 to 1000000, got 'abc'/],
    ['fraction for an integer', { ...URL_ONLY, 'leak-clients': '2.5' }, /'leak-clients' must be a whole number/],
    ['negative', { ...URL_ONLY, 'cooldown-ms': '-1' }, /'cooldown-ms' must be a whole number from 0/],
    [
      'rate above 1',
      { ...URL_ONLY, 'min-connect-success-rate': '80' },
      /'min-connect-success-rate' must be a number from 0 to 1, or off, got '80'/,
    ],
    [
      'memory limit word',
      { ...URL_ONLY, 'max-memory-growth-mb': 'lots' },
      /'max-memory-growth-mb' must be a number from 0 to 1000000, or off/,
    ],
    [
      'unknown scenario',
      { ...URL_ONLY, scenarios: 'flapping,soak' },
      /'scenarios' must be a comma-separated list of flapping, leak, recovery, hostile, dead-peers, slow-consumer, got 'flapping,soak'/,
    ],
    ['no scenario', { ...URL_ONLY, scenarios: ' , ' }, /'scenarios' must be a comma-separated list/],
    [
      'unknown check id',
      { ...URL_ONLY, 'warn-only': 'memory' },
      /'warn-only' must be a comma-separated list of server-ready, connect-success-rate/,
    ],
    ['bad regex', { ...URL_ONLY, expect: '/(/' }, /'expect' must be none, any, echo, or a \/regex\/ that compiles/],
    ['bad expect word', { ...URL_ONLY, expect: 'reply' }, /'expect' must be none, any, echo, or \/regex\/flags, got 'reply'/],
    ['header without colon', { ...URL_ONLY, headers: 'Authorization Bearer secret' }, /'headers' must be lines of `Name: value`/],
    ['env without =', { ...URL_ONLY, 'server-env': 'NODE_ENV' }, /'server-env' must be lines of KEY=VALUE/],
    [
      'pid with command',
      { ...URL_ONLY, 'server-command': 'node s.js', 'server-pid': '123' },
      /'server-pid' must be empty when server-command is set/,
    ],
    ['pid not a number', { ...URL_ONLY, 'server-pid': 'abc' }, /'server-pid' must be a whole number/],
    ['sample interval too small', { ...URL_ONLY, 'sample-interval-ms': '1' }, /'sample-interval-ms' must be a whole number from 10/],
    ['unknown input', { ...URL_ONLY, ['flap-cylces' as 'flap-cycles']: '3' }, /'flap-cylces' must be one of the known inputs/],
  ];
  it.each(bad)('rejects %s with one message naming the input and the accepted values', (_name, raw, message) => {
    let error: unknown;
    try {
      parseConfig(raw);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('never echoes a header value in its error', () => {
    expect(() => parseConfig({ ...URL_ONLY, headers: 'Bad Header: s3cr3t' })).toThrow(ConfigError);
    try {
      parseConfig({ ...URL_ONLY, headers: 'Bad Header: s3cr3t' });
    } catch (err) {
      expect((err as Error).message).not.toContain('s3cr3t');
    }
  });

  it('masks header values in the configuration copied into reports', () => {
    const described = describeConfig({ ...URL_ONLY, headers: 'Authorization: Bearer s3cr3t' });
    expect(described.headers).toBe('***');
    expect(JSON.stringify(described)).not.toContain('s3cr3t');
    expect(described['flap-cycles']).toBe('20');
  });

  it('shows the names of server-env, not its values', () => {
    const described = describeConfig({ ...URL_ONLY, 'server-env': 'API_KEY=sk_live_s3cr3t\nHOST=127.0.0.1\nEMPTY=' });
    expect(described['server-env']).toBe('API_KEY=***\nHOST=***\nEMPTY=***');
    expect(JSON.stringify(described)).not.toContain('s3cr3t');
    expect(describeConfig(URL_ONLY)['server-env']).toBe('');
  });
});

describe('parseActionConfig', () => {
  const actionDefaults = (): RawInputs => {
    const raw: RawInputs = {};
    for (const [name, spec] of Object.entries(action.inputs)) raw[name as keyof RawInputs] = spec.default;
    return raw;
  };

  it("reads the comment inputs; the runner's unexpanded token default outside a runner means no token", () => {
    const config = parseActionConfig({ ...actionDefaults(), ...URL_ONLY });
    expect(config.mode).toBe('gate');
    expect(config.comment).toEqual({ mode: 'always', key: null, author: 'github-actions[bot]', token: '', prNumber: null });
    const given = parseActionConfig({
      ...URL_ONLY,
      comment: 'On-Failure',
      'comment-key': ' node-24 ',
      'comment-author': '@my-bot',
      'github-token': 'ghp_abc',
      'pr-number': '12',
    });
    expect(given.comment).toEqual({ mode: 'on-failure', key: 'node-24', author: 'my-bot', token: 'ghp_abc', prNumber: 12 });
  });

  it('needs no URL in post-comment mode, only the report to read', () => {
    const config = parseActionConfig({ ...actionDefaults(), mode: 'post-comment', 'report-path': 'artifact/report.json' });
    expect(config).toMatchObject({ mode: 'post-comment', reportPath: 'artifact/report.json' });
    expect(() => parseActionConfig({ ...actionDefaults() })).toThrow(/'url' must be a ws:\/\/ or wss:\/\/ URL \(it is required\)/);
  });

  const bad: Array<[string, RawInputs, string]> = [
    ['mode', { mode: 'dry-run' }, "'mode' must be gate or post-comment, got 'dry-run'"],
    ['comment', { comment: 'sometimes' }, "'comment' must be always, on-failure or never, got 'sometimes'"],
    ['pr-number', { 'pr-number': '#12' }, "'pr-number' must be a whole number from 1 to 2147483647, got '#12'"],
    ['comment-key', { 'comment-key': 'k'.repeat(101) }, "'comment-key' must be one line of at most 100 characters"],
  ];
  it.each(bad)("rejects a bad '%s' in either mode, as parseConfig does", (_name, raw, message) => {
    for (const mode of ['gate', 'post-comment']) {
      expect(() => parseActionConfig({ ...URL_ONLY, mode, ...raw })).toThrow(message);
    }
    expect(() => parseConfig({ ...URL_ONLY, ...raw })).toThrow(message);
  });

  it('keeps the comment inputs out of the configuration copied into reports', () => {
    const described = describeConfig({ ...URL_ONLY, 'github-token': 'ghp_s3cr3t', comment: 'never' });
    expect(Object.keys(described)).not.toContain('github-token');
    expect(Object.keys(described)).not.toContain('comment');
    expect(JSON.stringify(described)).not.toContain('ghp_s3cr3t');
  });
});

describe('action.yml', () => {
  it('declares every input with the same default and a description, and nothing else', () => {
    expect(Object.keys(action.inputs)).toEqual(INPUTS.map((i) => i.name));
    for (const input of INPUTS) {
      const declared = action.inputs[input.name]!;
      expect(String(declared.default), input.name).toBe(input.default);
      expect(declared.description, input.name).toBe(documentedDescription(input.name));
    }
    // Only gate mode needs a URL (post-comment mode reads a report); the parser, not the runner, enforces it.
    expect(action.inputs.url!.required).toBe(false);
    expect(action.inputs.url!.description).toContain('Required in gate mode');
    expect(action.inputs['github-token']!.default).toBe('${{ github.token }}');
  });

  it('runs the committed bundle on node24 and declares the outputs the action sets', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(action.branding.icon).toBeTruthy();
    expect(Object.keys(action.outputs).sort()).toEqual(
      ['comment-url', 'connect-success-rate', 'disconnect-success-rate', 'memory-growth-mb', 'passed', 'report-path', 'verdict'].sort(),
    );
  });

  it('is mirrored by the README inputs table, default for default', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const input of INPUTS) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${input.name}\` |`));
      expect(row, `README has no row for ${input.name}`).toBeDefined();
      if (input.default !== '') expect(row, input.name).toContain(`| \`${input.default}\` |`);
    }
  });

  it('states the same version as package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(TOOL_VERSION).toBe(pkg.version);
  });
});
