// Process truth after teardown: a server that left the launched tree (setsid) is found by the port it still holds.

import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { leftListeningText, listenerAfterTeardown, pickFreePort, tcpAnswers } from '../src/server/endpoint.js';
import { pidAlive, ROOT } from './helpers/gate-run.js';

/** Runs `script` in sh with PORT set; resolves with its stdout once it exits. */
function sh(script: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', script], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', () => resolve(out));
  });
}

describe.skipIf(process.platform !== 'linux')('listenerAfterTeardown', () => {
  it('finds a setsid-detached server by its port, with its pid, after the start script exited', async () => {
    const port = await pickFreePort();
    // As a start script that backgrounds the server does: the script ends, the server runs on in its own session.
    const out = await sh(`setsid ${JSON.stringify(process.execPath)} examples/echo-server.js >/dev/null 2>&1 & echo $!`, port);
    const pid = Number(out.trim());
    expect(pid).toBeGreaterThan(0);
    try {
      const started = performance.now();
      while (!(await tcpAnswers('127.0.0.1', port)) && performance.now() - started < 10_000) await sleep(50);
      const left = await listenerAfterTeardown(`ws://127.0.0.1:${port}/`);
      expect(left).toEqual({ address: `127.0.0.1:${port}`, pid });
      expect(leftListeningText(left!)).toContain(`pid ${pid} still listens on 127.0.0.1:${port} after teardown`);
    } finally {
      if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    // Death is not atomic: a killed multithreaded process can show as a zombie before its last thread has released
    // the fds, and its fds can be closed while its leader is still exiting. Poll until both are true.
    const started = performance.now();
    let left = await listenerAfterTeardown(`ws://127.0.0.1:${port}/`);
    while ((left !== null || pidAlive(pid)) && performance.now() - started < 5000) {
      await sleep(50);
      left = await listenerAfterTeardown(`ws://127.0.0.1:${port}/`);
    }
    expect(pidAlive(pid)).toBe(false);
    expect(left).toBeNull();
  });

  it('is null when nothing listens on the port', async () => {
    const port = await pickFreePort();
    expect(await listenerAfterTeardown(`ws://localhost:${port}/`)).toBeNull();
  });
});
