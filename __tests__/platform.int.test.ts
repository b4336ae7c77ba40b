// The ps, lsof and no-/proc branches that macOS takes, run here on Linux against real processes and compared
// with what /proc says. (Windows' PowerShell branch cannot run here: its parsing is unit-tested.)

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { readSignals } from '../src/probe/signals.js';
import { pickFreePort, tcpAnswers } from '../src/server/endpoint.js';
import { findPortOwner } from '../src/server/port-owner.js';
import { commandLine, listTree } from '../src/server/process-tree.js';
import { ECHO_SERVER, pidAlive } from './helpers/gate-run.js';

describe.runIf(process.platform === 'linux')('the macOS branches, on Linux', () => {
  it('ps lists the same tree as /proc: a shell wrapper, a server, its child', async () => {
    // Neither shell execs its last command ("; true"), so the tree has three levels.
    const root = spawn('sh', ['-c', 'sh -c "sleep 30 & sleep 30; true"; true'], { detached: true, stdio: 'ignore' });
    try {
      let fromProc: number[] = [];
      for (let i = 0; i < 50 && fromProc.length < 4; i++) {
        await sleep(50);
        fromProc = await listTree(root.pid!, 'linux');
      }
      expect(fromProc).toHaveLength(4);
      expect((await listTree(root.pid!, 'darwin')).sort()).toEqual([...fromProc].sort());
      expect(await commandLine(root.pid!, 'darwin')).toBe(await commandLine(root.pid!, 'linux'));
    } finally {
      process.kill(-root.pid!, 'SIGKILL');
      await once(root, 'exit');
    }
    expect(await listTree(root.pid!, 'darwin')).toEqual([]);
  });

  it('lsof finds the owner of a listening port, as /proc does', async () => {
    const port = await pickFreePort();
    const server = spawn(process.execPath, [ECHO_SERVER], { env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
    try {
      for (let i = 0; i < 100 && !(await tcpAnswers('127.0.0.1', port)); i++) await sleep(50);
      expect(await findPortOwner(port, 'linux')).toBe(server.pid);
      expect(await findPortOwner(port, 'darwin')).toBe(server.pid);
    } finally {
      server.kill('SIGKILL');
      await once(server, 'exit');
    }
    expect(pidAlive(server.pid!)).toBe(false);
    expect(await findPortOwner(port, 'darwin')).toBeNull();
  });

  it('without /proc, only the process count is read: the rest is null, never 0', async () => {
    expect(await readSignals([process.pid], 1, 'darwin')).toEqual({ fds: null, threads: null, processes: 1, lingeringConnections: null });
    expect(await readSignals([process.pid], 1, 'win32')).toEqual({ fds: null, threads: null, processes: 1, lingeringConnections: null });
    const here = await readSignals([process.pid], 1, 'linux');
    expect(here.fds).toBeGreaterThan(0);
  });
});
