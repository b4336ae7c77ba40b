// --export-artillery: the script the CLI writes after a run, run with Artillery itself against a real server, makes
// the load the gate made: the same number of connections, each saying what the session says, the same share cut
// without a close handshake.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../src/cli.js';
import type { Report } from '../src/model/report.js';
import { ROOT } from './helpers/gate-run.js';
import { fixturePath, NODE, SOCKET_IO_PATH, testServers } from './helpers/test-server.js';
import { ARTILLERY_BIN, requireTool } from './helpers/tools.js';
import { stopSpawned } from './helpers/processes.js';

/** Made when the tests run (not when they are skipped for want of Artillery), removed after them. */
let dir = '';
const { start } = testServers();

/** A short run (the export reproduces whatever sizes the run had): 10 flapping cycles, 2 × 10 leak cycles, half cut. */
const SIZES = ['--flap-cycles', '10', '--leak-clients', '2', '--leak-cycles', '10', '--warmup-connections', '2', '--cooldown-ms', '300'];

/** Runs the CLI in this process with --export-artillery; the report and the script's path. */
async function gateWithExport(args: string[], name: string): Promise<{ report: Report; script: string; stderr: string }> {
  const script = join(dir, name);
  const json = join(dir, `${name}.json`);
  let stderr = '';
  const io = { out: { write: () => true }, err: { write: (s: string) => ((stderr += s), true) } } as never;
  const code = await runCli([...args, ...SIZES, '--export-artillery', script, '--json', json, '--max-leak-kb-per-connection', 'off'], io);
  const report = JSON.parse(readFileSync(json, 'utf8')) as Report;
  expect(code, stderr).toBe(0);
  return { report, script, stderr };
}

interface ArtilleryRun {
  code: number | null;
  output: string;
  counters: Record<string, number>;
}

/** `artillery run --target URL --output FILE script`, as a process stopped whatever happens. */
async function artillery(script: string, target: string): Promise<ArtilleryRun> {
  const out = `${script}.artillery.json`;
  const child = spawn(ARTILLERY_BIN, ['run', '--target', target, '--output', out, script], {
    cwd: dir,
    env: { ...process.env, ARTILLERY_DISABLE_TELEMETRY: 'true', DO_NOT_TRACK: '1', X_TOKEN: 'from-the-environment' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  try {
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const counters = existsSync(out)
      ? (JSON.parse(readFileSync(out, 'utf8')) as { aggregate: { counters: Record<string, number> } }).aggregate.counters
      : {};
    return { code, output, counters };
  } finally {
    await stopSpawned(child);
  }
}

async function stats<T>(server: { url(path?: string): string }): Promise<T> {
  const response = await fetch(server.url('/stats').replace(/^ws/, 'http'));
  return (await response.json()) as T;
}

// The two cases are independent (own servers, own files): side by side.
describe.skipIf(requireTool('artillery')).concurrent('the Artillery export, run with Artillery', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ws-gate-artillery-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('raw JSON with a session-file: every connection joins, about the same share is cut', { timeout: 300_000 }, async (test) => {
    const chat = `${NODE} ${fixturePath('sessions/chat-join-server.js')}`;
    const { report, script, stderr } = await gateWithExport(
      ['--server-command', chat, '--url', 'ws://127.0.0.1:0/', '--session-file', `${ROOT}__tests__/fixtures/sessions/chat-join.yml`],
      'chat-load.yml',
    );
    expect(stderr).toContain(`Artillery script written to ${script} (its processor: ${join(dir, 'chat-load-processor.cjs')})`);
    const exported = parse(readFileSync(script, 'utf8')) as { config: Record<string, unknown>; scenarios: Array<{ weight: number }> };
    expect(exported.config.phases).toEqual([
      { name: 'flapping', duration: '2000ms', arrivalCount: 10 },
      { name: 'leak', duration: '2000ms', arrivalCount: 20 },
    ]);
    // The gate cut 10 of its 30 connections (half the leak's): a third of Artillery's virtual users are cut.
    expect(report.scenarios.leak.abruptDisconnects).toBe(10);
    expect(exported.scenarios.map((s) => s.weight)).toEqual([67, 33]);

    const server = await start(chat, { ready: 'port' }, test);
    const run = await artillery(script, server.url('/'));
    expect(run.code, run.output).toBe(0);
    expect(run.counters['vusers.created']).toBe(30);
    expect(run.counters['vusers.completed'], run.output).toBe(30);
    expect(run.counters['vusers.failed'] ?? 0).toBe(0);
    const seen = await stats<{ joins: number; closes: { clean: number; abrupt: number } }>(server);
    expect(seen.joins).toBe(30);
    expect(seen.closes.clean + seen.closes.abrupt).toBe(30);
    // Weighted at random per virtual user: 10 of 30 expected, anything from 2 to 20 is the weight at work.
    expect(seen.closes.abrupt).toBeGreaterThanOrEqual(2);
    expect(seen.closes.abrupt).toBeLessThanOrEqual(20);
  });

  it(
    'Socket.IO with an emit flow: the socketio engine connects, emits and gets every acknowledgement',
    { timeout: 300_000 },
    async (test) => {
      const presence = `${NODE} ${fixturePath('sessions/socketio-presence-server.js')}`;
      const session = '- emit: [chat, hello]\n  acknowledge: { match: { json: $.0.ok, value: true } }\n- think: 0.05';
      const { script } = await gateWithExport(
        [
          '--server-command',
          presence,
          '--url',
          `ws://127.0.0.1:0${SOCKET_IO_PATH}`,
          '--session',
          session,
          '--abrupt-ratio',
          '0',
          '--headers',
          'X-Token: secret',
        ],
        'socketio-load.yml',
      );
      const text = readFileSync(script, 'utf8');
      expect(text).not.toContain('secret');
      const exported = parse(text) as { config: Record<string, unknown>; scenarios: Array<{ engine: string; flow: unknown[] }> };
      expect(exported.config.target).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(exported.config.socketio).toEqual({
        path: '/socket.io/',
        transports: ['websocket'],
        extraHeaders: { 'X-Token': '{{ $env.X_TOKEN }}' },
      });
      expect(exported.scenarios).toHaveLength(1);
      expect(exported.scenarios[0]!.engine).toBe('socketio');

      const server = await start(presence, { ready: 'port' }, test);
      const run = await artillery(script, server.url('').replace(/^ws/, 'http'));
      expect(run.code, run.output).toBe(0);
      expect(run.counters['vusers.completed'], run.output).toBe(30);
      expect(run.counters['vusers.failed'] ?? 0).toBe(0);
      const seen = await stats<{ connections: number; chats: number }>(server);
      expect(seen).toMatchObject({ connections: 30, chats: 30 });
    },
  );
});
