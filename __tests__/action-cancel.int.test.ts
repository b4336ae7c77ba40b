// A cancelled workflow signals the action: it must tear the server down, still write the job summary
// and the partial JSON report, and fail the step.

import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../src/model/report.js';
import { ECHO_SERVER, ROOT, pidAlive } from './helpers/gate-run.js';
import { exited, stopAfterEach } from './helpers/processes.js';
import { tempDirsRemovedAfterEach } from './helpers/temp.js';

describe.each(['SIGINT', 'SIGTERM'] as const)('the action on %s mid-run', (signal) => {
  // Stops the action (and so its server) if the test fails before it does.
  const track = stopAfterEach();
  const tempDir = tempDirsRemovedAfterEach();
  it('tears down, writes the summary and the partial report, and fails the step', async () => {
    const dir = tempDir('ws-gate-cancel-');
    const files = { GITHUB_OUTPUT: join(dir, 'output'), GITHUB_STEP_SUMMARY: join(dir, 'summary.md') };
    for (const file of Object.values(files)) writeFileSync(file, '');
    const inputs: Record<string, string> = {
      'server-command': `node ${JSON.stringify(ECHO_SERVER)}`,
      url: 'ws://127.0.0.1:0/',
      'flap-cycles': '300',
      'report-path': join(dir, 'report.json'),
      comment: 'never',
    };
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, RUNNER_TEMP: dir, ...files };
    for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
    const child = track(spawn(process.execPath, [join(ROOT, 'dist/index.js')], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] }));
    let stdout = '';
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('▶ flapping')) resolve();
      }),
    );
    child.kill(signal);
    const code = await exited(child);
    expect(code).toBe(1);
    expect(stdout).toContain(`${signal} received`);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
    expect(report.stopped).toMatchObject({ reason: 'cancelled', phase: 'flapping', message: `${signal} received` });
    expect(report.server.pidsSeen.length).toBeGreaterThan(0);
    expect(report.server.pidsSeen.filter(pidAlive)).toEqual([]);
    expect(readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8')).toMatch(/❌ WebSocket resilience: [\s\S]*run completed/);
    expect(readFileSync(files.GITHUB_OUTPUT, 'utf8')).toContain('passed<<');
  });
});
