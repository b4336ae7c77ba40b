// Runs the committed CLI bundle (dist/cli/index.js) as a user would, and reads back the JSON report it wrote.

import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report } from '../../src/model/report.js';
import { ROOT } from './gate-run.js';

export const CLI_BUNDLE = join(ROOT, 'dist/cli/index.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The JSON report (--json), or null when the CLI wrote none (bad input). */
  report: Report | null;
}

/**
 * `node dist/cli/index.js --name value ... --json <tmp>` from the repository root (relative paths work as in CI);
 * `user` runs it as another user (the test must run as root).
 */
export async function runCli(
  inputs: Record<string, string>,
  env: NodeJS.ProcessEnv = {},
  user?: { uid: number; gid: number },
): Promise<CliRun> {
  const dir = mkdtempSync(join(tmpdir(), 'ws-gate-cli-'));
  if (user) chmodSync(dir, 0o777);
  const reportPath = join(dir, 'report.json');
  const args = [CLI_BUNDLE, ...Object.entries(inputs).flatMap(([name, value]) => [`--${name}`, value]), '--json', reportPath];
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], ...user });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  let report: Report | null = null;
  try {
    report = JSON.parse(readFileSync(reportPath, 'utf8')) as Report;
  } catch {
    // No report: bad input, or the CLI died.
  }
  return { code, stdout, stderr, report };
}

/** The checks that did not pass, as `id: measured (detail)` lines: an empty list reads well in a failed assertion. */
export function notPassed(report: Report): string[] {
  return report.checks
    .filter((c) => c.status !== 'pass')
    .map((c) => `${c.id}: ${c.status}, ${c.measured}${c.detail ? ` (${c.detail})` : ''}`);
}
