// The README as a user meets it: its CLI example runs as written against the example server, and its generated
// tables match their sources (npm run docs:check), with drift caught.

import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../src/model/report.js';
import { ROOT, pidAlive } from './helpers/gate-run.js';
import { exited, stopAfterEach } from './helpers/processes.js';

const SCRIPT = join(ROOT, 'scripts/readme-tables.mjs');

/** The one shell command between the README's cli-example markers. */
function readmeCliExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /<!-- cli-example:start -->\s*```sh\n([\s\S]*?)```\s*<!-- cli-example:end -->/.exec(readme);
  expect(block, 'README.md has no ```sh block between <!-- cli-example:start --> and <!-- cli-example:end -->').not.toBeNull();
  const lines = block![1]!.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

async function run(command: string, args: string[], cwd: string, track: ReturnType<typeof stopAfterEach>) {
  const child = track(spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] }));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await exited(child);
  return { code, stdout, stderr };
}

describe("the README's CLI example", () => {
  const track = stopAfterEach();
  it('runs as written from a clone and passes the example server', async () => {
    const command = readmeCliExample();
    expect(command).toMatch(/^node dist\/cli\/index\.js .*examples\/echo-server\.js/);
    // A clone's layout, without writing the example's report.json into this one.
    const dir = mkdtempSync(join(tmpdir(), 'ws-gate-readme-'));
    try {
      for (const entry of ['dist', 'examples', 'node_modules', 'package.json']) symlinkSync(join(ROOT, entry), join(dir, entry));
      const result = await run('sh', ['-c', command], dir, track);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/PASS.*WebSocket resilience/);
      const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
      expect(report.verdict).toBe('pass');
      expect(report.scenarios.recovery.expect).toBe('echo');
      expect(report.server.pidsSeen.filter(pidAlive)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the generated tables (npm run docs:check)', () => {
  const track = stopAfterEach();
  it('are up to date in README.md', async () => {
    const result = await run(process.execPath, [SCRIPT, '--check'], ROOT, track);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('up to date');
  });

  it('catch a table that drifted from its source, and rebuilding restores it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ws-gate-tables-'));
    try {
      const copy = join(dir, 'README.md');
      copyFileSync(join(ROOT, 'README.md'), copy);
      const original = readFileSync(copy, 'utf8');
      writeFileSync(copy, original.replace('| `flap-cycles` |', '| `flap-cycles-renamed` |'));
      const check = await run(process.execPath, [SCRIPT, '--check', '--readme', copy], dir, track);
      expect(check.code).toBe(1);
      expect(check.stderr).toContain('the inputs table(s) differ from their sources: run npm run docs:tables');
      const rebuild = await run(process.execPath, [SCRIPT, '--readme', copy], dir, track);
      expect(rebuild.code, rebuild.stderr).toBe(0);
      expect(readFileSync(copy, 'utf8')).toBe(original);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
