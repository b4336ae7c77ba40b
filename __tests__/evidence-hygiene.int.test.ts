// What the leak evidence plants in a server (the census's private directory first on PYTHONPATH, its sitecustomize,
// ready files, requests and answers; the snapshots' directory; a JVM's attach socket) is gone after every run: a
// pass, a failure, a crash, a cancel and a timeout. Of the files a run makes in the temp directory, only the server's
// log of a failed run stays.

import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RawInputs } from '../src/config/inputs.js';
import { describeConfig, parseConfig } from '../src/config/parse.js';
import type { Report, Verdict } from '../src/model/report.js';
import { runGate } from '../src/run/runner.js';
import { QUICK, expectNothingLeftRunning } from './helpers/gate-run.js';
import { buildJavaFixture } from './helpers/java-build.js';
import { tempDirsRemovedAfterEach } from './helpers/temp.js';
import { requireTool, SYSTEM_PYTHON } from './helpers/tools.js';

const SERVER = join(import.meta.dirname, 'fixtures/python/websockets_server.py');
// QUICK leaves heap evidence off for speed: these runs are about it.
const python = (env: string, extra: RawInputs = {}): RawInputs => ({
  ...QUICK,
  'heap-snapshots': 'auto',
  'server-command': `${SYSTEM_PYTHON} ${JSON.stringify(SERVER)}`,
  'server-env': env,
  url: 'ws://127.0.0.1:0/',
  ...extra,
});

/** A gate run whose progress can cancel it: `cancelAt` is the phase whose start aborts the run (SIGINT's path). */
async function run(inputs: RawInputs, cancelAt?: string): Promise<Report> {
  const config = parseConfig({ 'report-path': '', ...inputs });
  const controller = new AbortController();
  const onProgress = (line: string): void => {
    if (cancelAt && line.startsWith(`▶ ${cancelAt}`)) controller.abort('SIGINT');
  };
  return runGate(config, { configDescription: describeConfig(inputs), signal: controller.signal, onProgress });
}

describe.skipIf(process.platform !== 'linux' || requireTool('python3-websockets'))('the Python census leaves nothing behind', () => {
  const tempDir = tempDirsRemovedAfterEach();
  const runnerTemp = process.env.RUNNER_TEMP;
  afterEach(() => void (process.env.RUNNER_TEMP = runnerTemp));

  const runs: Array<[string, RawInputs, Verdict, string | undefined]> = [
    ['a pass', python('LEAK=none'), 'pass', undefined],
    ['a failure (a Session kept per connection)', python('LEAK=session', { 'leak-cycles': '15' }), 'fail', undefined],
    ['a crash mid-run', python('EXIT_AFTER_CONNECTIONS=8'), 'fail', undefined],
    ['a cancel during the leak rounds', python('LEAK=session'), 'fail', 'leak'],
    ['a run stopped by timeout-s', python('LEAK=none', { 'timeout-s': '4', 'flap-cycles': '400' }), 'fail', undefined],
  ];
  it.each(runs)('after %s', async (_name, inputs, verdict, cancelAt) => {
    const dir = tempDir('ws-gate-evidence-hygiene-');
    process.env.RUNNER_TEMP = dir;
    const report = await run(inputs, cancelAt);
    expectNothingLeftRunning(report);
    expect(report.verdict).toBe(verdict);
    const left = readdirSync(dir);
    expect(left).toEqual(report.server.logPath ? [basename(report.server.logPath)] : []);
    if (verdict === 'pass') {
      // The census did run: the report says what it read.
      expect(report.evidence.find((e) => e.source === 'python-census')?.status).toBe('measured');
    }
  });
});

describe.skipIf(process.platform !== 'linux' || requireTool('jdk-netty'))("the JVM's class histogram leaves nothing behind", () => {
  it('removes the attach socket of a JVM killed after the grace (a clean exit removes its own)', async () => {
    const build = buildJavaFixture('__tests__/fixtures/java/NettyWsServer.java');
    try {
      // The shell swallows SIGTERM for the JVM's sake and the grace is short: the tree is killed with SIGKILL.
      const report = await run({
        ...QUICK,
        'heap-snapshots': 'auto',
        'server-command': `trap '' TERM; ${build.command}`,
        url: 'ws://127.0.0.1:0/',
        'shutdown-grace-s': '1',
      });
      expectNothingLeftRunning(report);
      expect(report.evidence.find((e) => e.source === 'class-histogram')?.status).toBe('measured');
      for (const pid of report.server.pidsSeen) expect(existsSync(join(tmpdir(), `.java_pid${pid}`)), `/tmp/.java_pid${pid}`).toBe(false);
    } finally {
      build.remove();
    }
  });
});
