// The committed CLI bundle (what `npm start` and the `ws-resilience-gate` bin run): exit codes and output.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../src/cli.js';
import { ConfigError } from '../src/config/types.js';
import type { Report } from '../src/model/report.js';
import { ECHO_SERVER, FAULTY_SERVER, QUICK, ROOT, pidAlive } from './helpers/gate-run.js';
import { exited, stopAfterEach } from './helpers/processes.js';
import { tempDirsRemovedAfterEach } from './helpers/temp.js';

const CLI = join(ROOT, 'dist/cli/index.js');
const tempDir = tempDirsRemovedAfterEach();

function flags(inputs: Record<string, string>): string[] {
  return Object.entries(inputs).flatMap(([name, value]) => [`--${name}`, value]);
}

async function cli(args: string[], cwd = tempDir('ws-gate-cli-')) {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await exited(child);
  return { code, stdout, stderr, cwd };
}

describe('parseArgs', () => {
  it('takes --name value and --name=value with the action input names', () => {
    const args = parseArgs(['--url', 'ws://127.0.0.1:1/', '--flap-cycles=3', '--json', 'r.json', '--markdown', 'r.md']);
    expect(args.inputs).toEqual({ url: 'ws://127.0.0.1:1/', 'flap-cycles': '3', 'report-path': 'r.json' });
    expect(args.markdownPath).toBe('r.md');
  });
  it('rejects unknown flags, stray words and a missing value', () => {
    expect(() => parseArgs(['--flap-cylces', '3'])).toThrow(/^unknown flag --flap-cylces \(did you mean --flap-cycles\?\)/);
    expect(() => parseArgs(['serve'])).toThrow(ConfigError);
    expect(() => parseArgs(['--url'])).toThrow(/^flag --url needs a value/);
  });
});

describe('CLI bundle', () => {
  // Stops a CLI (and so its server) that a failed test left running.
  const track = stopAfterEach();
  it('passes the example server: exit 0, a progress line per phase, the report, and --json/--markdown files', async () => {
    const run = await cli([
      ...flags({ ...QUICK, 'server-command': `node ${JSON.stringify(ECHO_SERVER)}`, url: 'ws://127.0.0.1:0/', expect: 'echo' }),
      '--json',
      'out/report.json',
      '--markdown',
      'md/report.md',
    ]);
    expect(run.code, run.stderr).toBe(0);
    for (const phase of ['startup', 'warmup', 'baseline', 'flapping', 'leak', 'cooldown', 'recovery', 'teardown']) {
      expect(run.stderr).toContain(`▶ ${phase}:`);
    }
    expect(run.stdout).toMatch(/PASS.*WebSocket resilience: \d+ of \d+ checks passed/);
    expect(run.stdout).toMatch(/Connect success rate\s+100\s% \(18\/18\)/);
    const report = JSON.parse(readFileSync(join(run.cwd, 'out/report.json'), 'utf8')) as Report;
    expect(report.schemaVersion).toBe(2);
    expect(report.verdict).toBe('pass');
    expect(report.config['flap-cycles']).toBe('8');
    expect(report.server.pidsSeen.filter(pidAlive)).toEqual([]);
    expect(readFileSync(join(run.cwd, 'md/report.md'), 'utf8')).toMatch(/^### ✅ WebSocket resilience/);
    // Both files are named by their whole path, as the user may have run the CLI from anywhere.
    expect(run.stderr).toContain(`JSON report written to ${join(run.cwd, 'out/report.json')}`);
    expect(run.stderr).toContain(`Markdown report written to ${join(run.cwd, 'md/report.md')}`);
  });

  it('prints no warning of its own with 50 concurrent clients on one abort signal', async () => {
    const run = await cli(
      flags({
        ...QUICK,
        'server-command': `node ${JSON.stringify(ECHO_SERVER)}`,
        url: 'ws://127.0.0.1:0/',
        'leak-clients': '50',
        'leak-cycles': '2',
      }),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Connect success rate\s+100\s%\s\(108\/108\)/);
    expect(run.stderr).not.toMatch(/Warning/);
  });

  it('runs the network faults through the bundled proxy thread, its resets told apart', async () => {
    const run = await cli([
      ...flags({
        ...QUICK,
        'server-command': `node ${JSON.stringify(ECHO_SERVER)}`,
        url: 'ws://127.0.0.1:0/',
        network: 'latency=5ms,reset-ratio=0.3',
      }),
      '--json',
      'report.json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/▶ network: faults through a proxy on port \d+: latency=5ms,reset-ratio=0.3/);
    const report = JSON.parse(readFileSync(join(run.cwd, 'report.json'), 'utf8')) as Report;
    // 18 load connections at 30 %: none reset has a chance of 0.7^18 = 0.2 %.
    expect(report.faults!.network!.connections).toBeGreaterThanOrEqual(18);
    expect(report.faults!.network!.resets).toBeGreaterThan(0);
    expect(run.stderr).toMatch(/reset by the network faults/);
    expect(report.verdict).toBe('pass');
  });

  it('writes no JSON report unless asked', async () => {
    const run = await cli(
      flags({ ...QUICK, scenarios: 'recovery', 'server-command': `node ${JSON.stringify(ECHO_SERVER)}`, url: 'ws://127.0.0.1:0/' }),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(join(run.cwd, 'ws-resilience-report.json'))).toBe(false);
  });

  it('exits 1 with the failed check when the server never becomes ready', async () => {
    const run = await cli(
      flags({
        'server-command': `node ${JSON.stringify(FAULTY_SERVER)}`,
        'server-env': 'NEVER_LISTEN=1',
        url: 'ws://127.0.0.1:0/',
        'startup-timeout-s': '1',
      }),
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL.*server ready/);
    expect(run.stdout).toContain('did not accept a WebSocket handshake');
  });

  it.each([
    [
      'a Socket.IO server gated at /',
      { 'server-command': 'node examples/socketio/server.js' },
      /hangs up on every WebSocket upgrade request .*: the path \/ is likely wrong \(Socket\.IO listens on \/socket\.io\/\?EIO=4&\S+\)$/m,
    ],
    [
      'a server that closes a connection without its subprotocol chat.v1 (protocol auto)',
      {
        'server-command': 'node __tests__/fixtures/strict-server.js',
        'server-env': 'CLOSE_WITHOUT_PROTOCOL=chat.v1\nREQUIRE_TOKEN=sesame',
        headers: 'Authorization: Bearer sesame',
      },
      /"subprotocol chat\.v1 required".*: set subprotocols: chat\.v1 \(offered .* as well: error: Server sent no subprotocol\)$/m,
    ],
  ])('%s: fails start-up within seconds, the whole hint in the Why line', async (_name, inputs, hint) => {
    const started = performance.now();
    const run = await cli(flags({ ...inputs, url: 'ws://127.0.0.1:0/' }), ROOT);
    const elapsedMs = performance.now() - started;
    expect(run.code, run.stderr).toBe(1);
    const why = run.stdout.slice(run.stdout.indexOf('\nWhy\n'), run.stdout.indexOf('\n\nChecks'));
    expect(why).toMatch(/FAIL {2}server ready — The server did not start \(startup\): /);
    expect(why).toMatch(hint);
    expect(elapsedMs).toBeLessThan(10_000);
  });

  it('exits 2 with one line naming the input on bad input, before starting anything', async () => {
    const run = await cli(['--server-command', 'touch started', '--url', 'ws://127.0.0.1:0/', '--max-memory-growth-mb', 'lots']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe("ws-resilience-gate: 'max-memory-growth-mb' must be a number from 0 to 1000000, or off, got 'lots'");
    expect(run.stdout).toBe('');
    expect(existsSync(join(run.cwd, 'started'))).toBe(false);
  });

  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('on %s mid-run tears the server down, writes the partial report and exits %i', async (signal, exitCode) => {
    const cwd = tempDir('ws-gate-cli-');
    const child = track(
      spawn(
        process.execPath,
        [
          CLI,
          ...flags({ 'server-command': `node ${JSON.stringify(ECHO_SERVER)}`, url: 'ws://127.0.0.1:0/', 'flap-cycles': '200' }),
          '--json',
          'r.json',
        ],
        { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
      ),
    );
    let stderr = '';
    await new Promise<void>((resolve) =>
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('▶ flapping')) resolve();
      }),
    );
    child.kill(signal);
    const code = await exited(child);
    expect(code).toBe(exitCode);
    const report = JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8')) as Report;
    expect(report.stopped).toMatchObject({ reason: 'cancelled', phase: 'flapping', message: `${signal} received` });
    expect(stderr).toContain('▶ teardown: after the cancel during flapping');
    expect(report.verdict).toBe('fail');
    expect(report.server.pidsSeen.length).toBeGreaterThan(0);
    expect(report.server.pidsSeen.filter(pidAlive)).toEqual([]);
  });

  it('prints usage with every option for --help', async () => {
    const run = await cli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--server-command');
    expect(run.stdout).toContain('--max-memory-growth-mb');
    expect(run.stdout).toContain('(default: 50)');
  });
});
