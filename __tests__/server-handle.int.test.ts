// ServerHandle over real processes: an attached tree is re-listed at every call, and teardown touches only pids
// that are still the processes it saw.

import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { AttachedServer } from '../src/server/handle.js';
import { isAlive, startTimeOf } from '../src/server/process-tree.js';
import { isSameProcess, ServerProcess } from '../src/server/server-process.js';

const linux = process.platform === 'linux';

describe.runIf(linux)('an attached server', () => {
  it('remembers every pid its tree had, also children started after the first listing', async () => {
    // A parent whose first child ends and whose second starts later, like a server forking per connection.
    const parent = spawn('/bin/sh', ['-c', 'sleep 0.3; sleep 30 & wait'], { stdio: 'ignore', detached: true });
    try {
      const attached = new AttachedServer(parent.pid!);
      const first = await attached.tree();
      let later: number[] = first;
      for (let i = 0; i < 40 && later.every((p) => first.includes(p)); i++) {
        await sleep(50);
        later = await attached.tree();
      }
      const added = later.filter((p) => !first.includes(p));
      expect(added.length).toBeGreaterThan(0);
      for (const pid of [...first, ...added]) expect(attached.pidsSeen()).toContain(pid);
      // The gate does not own it: stopping leaves it running.
      expect(await attached.stop()).toEqual([]);
      expect(await isAlive(parent.pid!)).toBe(true);
    } finally {
      process.kill(-parent.pid!, 'SIGKILL');
    }
  });
});

describe('a launched server', () => {
  it('tells a pid reused by another process from the one it saw', () => {
    expect(isSameProcess(100, 100)).toBe(true);
    expect(isSameProcess(100, 250)).toBe(false);
    // Where start times cannot be read, a live pid counts as ours.
    expect(isSameProcess(null, 250)).toBe(true);
    expect(isSameProcess(100, null)).toBe(true);
  });

  it.runIf(linux)('reads start times that differ between two processes and stay put for one', async () => {
    const a = spawn('sleep', ['30'], { stdio: 'ignore' });
    await sleep(30);
    const b = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await sleep(30);
      const startedA = startTimeOf(a.pid!);
      expect(startedA).not.toBeNull();
      expect(startTimeOf(a.pid!)).toBe(startedA);
      expect(startTimeOf(b.pid!)).not.toBeNull();
      expect(startTimeOf(b.pid!)! >= startedA!).toBe(true);
    } finally {
      a.kill('SIGKILL');
      b.kill('SIGKILL');
    }
    await sleep(50);
    expect(startTimeOf(a.pid!)).toBeNull();
  });

  it('tears down its whole tree and reports no survivor', async () => {
    const logPath = join(tmpdir(), `ws-gate-handle-${process.pid}.log`);
    const server = await ServerProcess.launch({ command: 'sleep 30 & sleep 30 & wait', cwd: process.cwd(), env: {}, logPath });
    try {
      await sleep(100);
      expect((await server.tree()).length).toBeGreaterThanOrEqual(3);
    } finally {
      expect(await server.stop(2000)).toEqual([]);
      rmSync(logPath, { force: true });
    }
    for (const pid of server.pidsSeen) expect(await isAlive(pid), `pid ${pid} survived`).toBe(false);
  });
});
