// The process-tree, port-owner and teardown branches against real processes. On Linux the ps, lsof and
// no-/proc branches that macOS takes run too, compared with what /proc says; CI runs this file on macOS and
// Windows as well, where the native branches (ps/lsof, PowerShell/taskkill) are the ones under test.

import { spawn } from 'node:child_process';
import { once } from 'node:events';

import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { readSignals } from '../src/probe/proc-signals.js';
import { pickFreePort, tcpAnswers } from '../src/server/endpoint.js';
import { findPortOwner } from '../src/server/port-owner.js';
import { commandLine, isAlive, listTree } from '../src/server/process-tree.js';
import { ServerProcess } from '../src/server/server-process.js';
import { ECHO_SERVER } from './helpers/gate-run.js';
import { requireTool } from './helpers/tools.js';
import { tempDirsRemovedAfterEach } from './helpers/temp.js';
import { SERVERS, testServers } from './helpers/test-server.js';

const linux = process.platform === 'linux';
const tempDir = tempDirsRemovedAfterEach();
const { start } = testServers();

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 200 && !(await tcpAnswers('127.0.0.1', port)); i++) await sleep(50);
}

describe('the launched server on this platform', () => {
  it('lists the tree with the server in it, finds it as the port owner, and ends every process of it', async () => {
    const port = await pickFreePort();
    const server = await ServerProcess.launch({
      // Double quotes work in /bin/sh and in cmd.exe alike.
      command: `node "${ECHO_SERVER}"`,
      cwd: process.cwd(),
      env: { PORT: String(port) },
      logPath: join(tempDir('ws-gate-platform-'), 'server.log'),
    });
    let tree: number[];
    try {
      await waitForPort(port);
      tree = await server.tree();
      expect(tree[0]).toBe(server.pid);
      const commands = await Promise.all(tree.map((pid) => commandLine(pid)));
      expect(commands.join('\n')).toContain('echo-server.js');
      const owner = await findPortOwner(port);
      expect(tree).toContain(owner);
    } finally {
      expect(await server.stop(2000)).toEqual([]);
    }
    expect(tree.length).toBeGreaterThan(0);
    for (const pid of server.pidsSeen) expect(await isAlive(pid), `pid ${pid} survived`).toBe(false);
    expect(await server.exited).toHaveProperty('code');
  });
});

describe.runIf(linux)('the macOS branches, on Linux', () => {
  it.skipIf(linux && requireTool('ps'))('ps lists the same tree as /proc: a shell wrapper, a server, its child', async () => {
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

  it.skipIf(linux && requireTool('lsof'))('lsof finds the owner of a listening port, as /proc does', async () => {
    const server = await start(SERVERS.echo, { ready: 'port' });
    expect(await findPortOwner(server.port, 'linux')).toBe(server.pid);
    expect(await findPortOwner(server.port, 'darwin')).toBe(server.pid);
    await server.stop();
    expect(await isAlive(server.pid)).toBe(false);
    expect(await findPortOwner(server.port, 'darwin')).toBeNull();
  });
});

describe('signals without /proc', () => {
  it('reads only the process count: the rest is null, never 0', async () => {
    expect(await readSignals([process.pid], 1, 'darwin')).toEqual({ fds: null, threads: null, processes: 1, lingeringConnections: null });
    expect(await readSignals([process.pid], 1, 'win32')).toEqual({ fds: null, threads: null, processes: 1, lingeringConnections: null });
    if (linux) expect((await readSignals([process.pid], 1, 'linux')).fds).toBeGreaterThan(0);
  });
});
