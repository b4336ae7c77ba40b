// The session inputs: Artillery flow steps read into a plan before anything starts, and every bad one refused in
// one line that names the step and the forms accepted.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readSessionFile } from '../src/config/files.js';
import { parseConfig } from '../src/config/parse.js';
import { parseSession, SESSION_MAX_BYTES } from '../src/config/session.js';
import { ConfigError } from '../src/config/types.js';
import { ROOT } from './helpers/gate-run.js';

const dir = mkdtempSync(join(tmpdir(), 'ws-gate-session-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The one-line error a session input gets, or a failure when it was accepted. */
function refusal(inputs: { session?: string; 'session-file'?: string }): string {
  try {
    parseConfig({ url: 'ws://127.0.0.1:1/', ...inputs });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).not.toMatch(/\n/);
    return message;
  }
  throw new Error(`accepted: ${JSON.stringify(inputs)}`);
}

describe('session: inline steps', () => {
  it('reads send (string, or an object sent as JSON), wait, think, loop, and multiplies think time out', () => {
    const plan = parseSession(
      `
- send: '{"type":"join","room":"lobby"}'
- send: { type: chat, text: hi }
- send:
    payload: { type: ping }
    match: { json: $.type, value: pong }
- wait: { match: { regexp: 'welcome (\\w+)', group: 1, value: gate } }
- loop:
    - send: tick
    - think: 0.25
  count: 4
- think: 1
- log: ignored
`,
      null,
    )!;
    expect(plan.engine).toBe('ws');
    expect(plan.steps.map((s) => s.kind)).toEqual(['send', 'send', 'send', 'wait', 'loop', 'think']);
    expect(plan.steps[1]).toMatchObject({ text: '{"type":"chat","text":"hi"}', match: [] });
    expect(plan.steps[2]).toMatchObject({ text: '{"type":"ping"}', match: [{ kind: 'json', path: ['type'], value: 'pong' }] });
    expect(plan.steps[3]).toMatchObject({ match: [{ kind: 'regexp', source: 'welcome (\\w+)', group: 1, value: 'gate' }] });
    expect(plan.steps[4]).toMatchObject({ count: 4, label: 'step 5 (loop ×4)' });
    expect(plan.thinkMs).toBe(4 * 250 + 1000);
    expect(plan.steps[0]!.label).toBe('step 1 (send {"type":"join","room":"lobby"})');
  });

  it('reads emit in both of Artillery forms, with namespace, acknowledge and response: a Socket.IO flow', () => {
    const plan = parseSession(
      `
- emit: { channel: join, data: lobby }
  response: { channel: joined, data: { room: lobby } }
- emit: [chat, hello, { urgent: true }]
  namespace: /chat
  acknowledge: { match: { json: $.0.ok, value: true } }
- emit: logout
  acknowledge: true
`,
      null,
    )!;
    expect(plan.engine).toBe('socketio');
    expect(plan.steps[0]).toMatchObject({
      event: 'join',
      args: ['lobby'],
      namespace: '',
      response: { channel: 'joined', data: { room: 'lobby' } },
    });
    expect(plan.steps[1]).toMatchObject({
      event: 'chat',
      args: ['hello', { urgent: true }],
      namespace: '/chat',
      acknowledge: { match: [{ kind: 'json', path: [0, 'ok'], value: true }] },
      label: 'step 2 (emit chat on /chat)',
    });
    expect(plan.steps[2]).toMatchObject({ event: 'logout', args: [], acknowledge: { match: [] }, response: null });
  });

  it('reads JSON paths as keys, and refuses queries that would pick a value at random', () => {
    const plan = parseSession(`- wait: { match: [{ json: "$.data[0]['user id']" }, { json: '$.a.b', value: 1 }] }`, null)!;
    expect(plan.steps[0]).toMatchObject({ match: [{ path: ['data', 0, 'user id'] }, { path: ['a', 'b'], value: 1 }] });
    expect(refusal({ session: '- wait: { match: { json: $..id } }' })).toContain("the JSON path '$..id' has a part the gate does not read");
  });

  it('leaves out non-strict matches, as Artillery does not fail on them', () => {
    const plan = parseSession(`- send: { payload: x, match: [{ json: $.a, value: 1, strict: false }, { regexp: ok }] }`, null)!;
    expect(plan.steps[0]).toMatchObject({ match: [{ kind: 'regexp', source: 'ok' }] });
  });

  it('is null when neither input is set', () => {
    expect(parseSession('', null)).toBeNull();
    expect(parseConfig({ url: 'ws://127.0.0.1:1/' }).client.session).toBeNull();
  });
});

describe('session: refused before anything starts, one line naming the step and the accepted forms', () => {
  const cases: Array<[string, string, string[]]> = [
    [
      'an unknown step',
      '[{send: a}, {sned: x}]',
      ["step 2: unknown step 'sned'", "the ws engine's steps are send, wait, think, loop, log"],
    ],
    ['a bad regexp', '- send: { payload: x, match: { regexp: "[a-" } }', ['step 1: the regexp /[a-/ does not compile', 'match is']],
    [
      'a match beside send',
      '- send: x\n  match: { json: $.a }',
      ['step 1: send with match beside it: it goes inside send, { payload, match }'],
    ],
    ['a loop without count', '- loop: [{send: x}]', ['step 1: a loop without count', 'count: a whole number from 1 to 10000']],
    ['a loop over values', '- loop: [{send: x}]\n  count: 2\n  over: [a, b]', ['step 1: loop with over beside it']],
    ['a nested unknown step', '- loop: [{send: x}, {get: {url: /}}]\n  count: 2', ["step 1.2: unknown step 'get'"]],
    ['a template', '- send: "hello {{ name }}"', ['step 1: it has a template ({{ … }})', 'variables and functions are not filled in']],
    ['a negative think', '- think: -1', ['step 1: think: -1', 'think is seconds, a number from 0 to 3600']],
    ['send beside emit', '- emit: [a]\n- send: x', ['step 2: send in a flow of the socketio engine', 'send needs the ws engine']],
    ['a bad namespace', '- emit: [a]\n  namespace: chat', ["step 1: namespace 'chat'", 'starts with /']],
    ['a response without channel', '- emit: [a]\n  response: { data: x }', ['step 1: response without a channel']],
    ['a processor function', '- function: setUser', ["step 1: unknown step 'function' (processor functions do not run in the gate)"]],
    ['a connect step', '- connect: ws://x', ["unknown step 'connect' (the gate connects to url itself: drop it)"]],
    ['not a list', 'send: hello', ['a YAML list of them']],
    ['not YAML', '- send: [unclosed', ['the text is not valid YAML']],
    ['an empty flow', '[]', ['a flow is a non-empty list of steps']],
  ];
  it.each(cases)('%s', (_name, session, parts) => {
    const message = refusal({ session });
    expect(message.startsWith("'session' must be Artillery flow steps (")).toBe(true);
    for (const part of parts) expect(message).toContain(part);
  });

  it('a loop that would run more than 100,000 steps per session', () => {
    expect(refusal({ session: '- loop:\n  - loop: [{send: x}]\n    count: 1000\n  count: 1000' })).toContain(
      'the loops run 1000000 steps per session; at most 100000',
    );
  });

  it('aliases beyond the bound (a billion laughs) and absurd nesting, without hanging', () => {
    const laughs = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      ...Array.from({ length: 9 }, (_, i) => `${'bcdefghij'[i]}: &${'bcdefghij'[i]} [${Array(9).fill(`*${'abcdefghij'[i]}`).join(', ')}]`),
    ].join('\n');
    const started = performance.now();
    expect(refusal({ session: laughs })).toContain('could not be read as YAML');
    expect(refusal({ session: `${'['.repeat(40)}${']'.repeat(40)}` })).toContain('nested deeper than 32 levels');
    expect(refusal({ session: `${'['.repeat(100_000)}${']'.repeat(100_000)}` })).toMatch(/nested deeper|could not be read as YAML/);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('a session over the size cap', () => {
    expect(refusal({ session: `- send: ${'x'.repeat(SESSION_MAX_BYTES)}` })).toContain('at most 256 KiB of YAML');
  });

  it('both session and session-file', () => {
    const path = file('both.yml', 'scenarios: [{ engine: ws, flow: [{ send: x }] }]');
    expect(refusal({ session: '- send: x', 'session-file': path })).toContain('given once: session and session-file are both set');
  });
});

describe('session-file: an Artillery script', () => {
  const script = `
config:
  target: ws://127.0.0.1:8080
  phases: [{ duration: 10, arrivalRate: 5 }]
scenarios:
  - name: health
    engine: http
    flow: [{ get: { url: /health } }]
  - name: chat
    engine: ws
    flow: [{ send: { payload: { type: join }, match: { json: $.type, value: joined } } }, { think: 0.5 }]
  - name: presence
    engine: socketio
    flow: [{ emit: [hello], acknowledge: true }]
`;

  it('uses the first scenario whose engine is ws, socketio or socketio-v3', () => {
    const path = file('team.yml', script);
    const plan = parseConfig({ url: 'ws://127.0.0.1:1/', 'session-file': path }).client.session!;
    expect(plan).toMatchObject({ engine: 'ws', name: 'chat', thinkMs: 500, source: `session-file ${path}` });
    expect(plan.steps[0]).toMatchObject({ kind: 'send', text: '{"type":"join"}' });
  });

  it('picks a scenario by name after #', () => {
    const path = file('team2.yml', script);
    const plan = parseConfig({ url: 'ws://127.0.0.1:1/', 'session-file': `${path}#presence` }).client.session!;
    expect(plan).toMatchObject({ engine: 'socketio', name: 'presence' });
  });

  it('refuses a missing file, an unknown name, an HTTP scenario, and a script without ws scenarios', () => {
    expect(refusal({ 'session-file': join(dir, 'missing.yml') })).toContain(
      'the path of a readable Artillery script, optionally followed by #scenario-name (no such file)',
    );
    const path = file('team3.yml', script);
    expect(refusal({ 'session-file': `${path}#nope` })).toContain(
      "has no scenario named 'nope'; its scenarios: health (http), chat (ws), presence (socketio)",
    );
    expect(refusal({ 'session-file': `${path}#health` })).toContain("scenario 'health' has engine http");
    const http = file('http.yml', 'scenarios: [{ flow: [{ get: { url: / } }] }]');
    expect(refusal({ 'session-file': http })).toContain(
      'no scenario whose engine is ws, socketio or socketio-v3; its scenarios: #1 (http)',
    );
    const bad = file('bad.yml', 'scenarios:\n  - engine: ws\n    flow: [{ sned: x }]');
    expect(refusal({ 'session-file': bad })).toContain("scenario '#1' step 1: unknown step 'sned'");
    expect(refusal({ 'session-file': dir })).toContain('(not a file)');
  });

  it('refuses a file over the size cap without reading it', () => {
    const big = file('big.yml', `# ${'x'.repeat(SESSION_MAX_BYTES)}`);
    expect(() => readSessionFile(big)).toThrow(/larger than 256 KiB/);
  });
});

describe('the session examples of the docs', () => {
  it('every `session: |` block in README.md and docs/sessions.md is a session the gate accepts', () => {
    const blocks: string[] = [];
    for (const doc of ['README.md', 'docs/sessions.md']) {
      const text = readFileSync(join(ROOT, doc), 'utf8');
      for (const [, yaml] of text.matchAll(/```yaml\n([\s\S]*?)```/g)) if (/^session: \|/m.test(yaml!)) blocks.push(yaml!);
    }
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    for (const yaml of blocks) {
      const { session } = parse(yaml) as { session: string };
      expect(() => parseSession(session, null), yaml).not.toThrow();
    }
  });
});

describe('the CLI with a bad session', () => {
  it('exits 2 with one line on stderr, before anything starts', async () => {
    const { runCli } = await import('../src/cli.js');
    for (const args of [
      ['--session', '[{sned: x}]'],
      ['--session', '- send: { payload: x, match: { regexp: "(" } }'],
      ['--session-file', join(dir, 'no-such.yml')],
    ]) {
      let err = '';
      let out = '';
      const io = { out: { write: (s: string) => ((out += s), true) }, err: { write: (s: string) => ((err += s), true) } } as never;
      const started = performance.now();
      expect(await runCli(['--server-command', 'node -e "process.exit(9)"', '--url', 'ws://127.0.0.1:0/', ...args], io)).toBe(2);
      expect(err.trim().split('\n')).toHaveLength(1);
      expect(err).toMatch(/^ws-resilience-gate: 'session(-file)?' must be /);
      expect(out).toBe('');
      expect(performance.now() - started).toBeLessThan(2000);
    }
  });
});
