// Runs the committed CLI bundle (dist/cli/index.js) as a user would, and reads back the JSON report it wrote.

import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Report } from '../../src/model/report.js';
import { ROOT } from './gate-run.js';
import { exited } from './processes.js';
import { onPath } from './tools.js';

export const CLI_BUNDLE = join(ROOT, 'dist/cli/index.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The JSON report (--json), or null when the CLI wrote none (bad input). */
  report: Report | null;
}

/** How to run the CLI as another user: that user must be able to execute `node` and read `cli`, from `cwd`. */
export interface RunAs {
  uid: number;
  gid: number;
  /** The node binary to run (default: this process's). */
  node?: string;
  /** The CLI bundle to run (default: dist/cli/index.js of this clone). */
  cli?: string;
  /** Working directory (default: the repository root, which that user may not be able to enter). */
  cwd?: string;
}

/** Past this the CLI is stopped (SIGTERM, which tears its server down), below the test's own timeout. */
const CLI_DEADLINE_MS = 100_000;

/**
 * `node dist/cli/index.js --name value ... --json <tmp>` from the repository root (relative paths work as in CI);
 * `as` runs it as another user (the test must run as root). Rejects when the CLI cannot start at all (EACCES).
 */
export async function runCli(inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}, as?: RunAs): Promise<CliRun> {
  const dir = mkdtempSync(join(tmpdir(), 'ws-gate-cli-'));
  try {
    if (as) chmodSync(dir, 0o777);
    const reportPath = join(dir, 'report.json');
    const cli = as?.cli ?? CLI_BUNDLE;
    const args = [cli, ...Object.entries(inputs).flatMap(([name, value]) => [`--${name}`, value]), '--json', reportPath];
    const user = as ? { uid: as.uid, gid: as.gid } : {};
    const child = spawn(as?.node ?? process.execPath, args, {
      cwd: as?.cwd ?? ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...user,
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    // A CLI that hangs would outlive the test with its server: stop it first, so its teardown runs.
    const deadline = setTimeout(function stopHungCli() {
      child.kill('SIGTERM');
    }, CLI_DEADLINE_MS);
    let code: number | null;
    try {
      code = await exited(child);
    } finally {
      clearTimeout(deadline);
    }
    let report: Report | null = null;
    try {
      report = JSON.parse(readFileSync(reportPath, 'utf8')) as Report;
    } catch {
      // No report: bad input, or the CLI died.
    }
    return { code, stdout, stderr, report };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The checks that did not pass, as `id: measured (detail)` lines: an empty list reads well in a failed assertion. */
export function notPassed(report: Report): string[] {
  return report.checks
    .filter((c) => c.status !== 'pass')
    .map((c) => `${c.id}: ${c.status}, ${c.measured}${c.detail ? ` (${c.detail})` : ''}`);
}

/** The CLI prepared for another user, or why it cannot be. */
export type CliForUser = { ok: true; as: RunAs; cleanup: () => void } | { ok: false; reason: string };

/** Whether that user can run `node -e 0` with this binary from that directory. */
function userCanRun(node: string, user: { uid: number; gid: number }, cwd: string): boolean {
  return spawnSync(node, ['-e', '0'], { ...user, cwd, stdio: 'ignore', timeout: 30_000 }).status === 0;
}

/**
 * Copies the CLI bundle into a fresh 0755 temp directory another user can enter, and finds a node binary that user
 * can run: this one, one on PATH, or else a copy of this one in that directory. A clone under a 0700 home (root's,
 * or a `mktemp -d`) is closed to other users, node_modules' Node with it.
 */
export function cliForUser(user: { uid: number; gid: number }): CliForUser {
  let dir: string;
  try {
    dir = mkdtempSync(join(tmpdir(), 'ws-gate-as-user-'));
  } catch (err) {
    return { ok: false, reason: `no temp directory: ${(err as Error).message}` };
  }
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, 'cli'));
    for (const file of ['index.js', 'package.json']) copyFileSync(join(ROOT, 'dist/cli', file), join(dir, 'cli', file));
    const onPathNode = onPath(
      'node',
      (process.env.PATH ?? '')
        .split(delimiter)
        .filter((d) => !d.includes('node_modules'))
        .join(delimiter),
    );
    let node = [process.execPath, onPathNode].find((c): c is string => c !== null && userCanRun(c, user, dir));
    if (node === undefined) {
      node = join(dir, 'node');
      copyFileSync(process.execPath, node);
      chmodSync(node, 0o755);
      if (!userCanRun(node, user, dir)) {
        cleanup();
        return { ok: false, reason: `uid ${user.uid} cannot run node even from ${dir} (is ${tmpdir()} open to other users?)` };
      }
    }
    return { ok: true, as: { ...user, node, cli: join(dir, 'cli/index.js'), cwd: dir }, cleanup };
  } catch (err) {
    cleanup();
    return { ok: false, reason: `could not prepare ${dir} for uid ${user.uid}: ${(err as Error).message}` };
  }
}
