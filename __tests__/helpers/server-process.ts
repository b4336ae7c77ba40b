// Deprecated: start test servers with testServers() from test-server.ts; this file goes once no test imports it.
// Starts an example or fixture server as a bare child process (not through the gate's launcher) on a free
// loopback port, ready once its port takes TCP: for the tests of readiness and detection themselves, which must
// not lean on the code they test. Stops it for sure.

import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect } from 'vitest';
import { pickFreePort, tcpAnswers } from '../../src/server/endpoint.js';
import { ROOT, pidAlive } from './gate-run.js';

export { ROOT, pidAlive } from './gate-run.js';

export interface RunningServer {
  port: number;
  pid: number;
  /** ws://127.0.0.1:<port><path> */
  url: (path?: string) => string;
  output: () => string;
  stop: () => Promise<void>;
}

/** Spawns `command args` with PORT set and waits until its port accepts TCP (not a handshake: readiness is under test). */
export async function startServer(command: string, args: string[], env: Record<string, string> = {}): Promise<RunningServer> {
  const port = await pickFreePort();
  const child: ChildProcess = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const gone = await Promise.race([exited.then(() => true), sleep(3000).then(() => false)]);
    if (!gone) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  const started = performance.now();
  while (!(await tcpAnswers('127.0.0.1', port, 500))) {
    if (child.exitCode !== null || performance.now() - started > 15_000) {
      await stop();
      throw new Error(`${command} ${args.join(' ')} did not listen on ${port}: ${output}`);
    }
    await sleep(50);
  }
  return { port, pid: child.pid!, url: (path = '/') => `ws://127.0.0.1:${port}${path}`, output: () => output, stop };
}

export const SERVERS = {
  socketIo: [process.execPath, ['examples/socketio/server.js']],
  socketIoDynamic: [process.execPath, ['__tests__/fixtures/socketio-dynamic-server.js']],
  graphqlWs: [process.execPath, ['examples/graphql-ws/server.js']],
  hocuspocus: [process.execPath, ['examples/hocuspocus/server.js']],
  echo: [process.execPath, ['examples/echo-server.js']],
  python: ['/usr/bin/python3', ['examples/python/echo_server.py']],
  strict: [process.execPath, ['__tests__/fixtures/strict-server.js']],
} as const satisfies Record<string, readonly [string, readonly string[]]>;

/** Starts one of SERVERS. */
export function start(which: keyof typeof SERVERS, env: Record<string, string> = {}): Promise<RunningServer> {
  const [command, args] = SERVERS[which];
  return startServer(command, [...args], env);
}

/**
 * Registers an afterEach in the calling file that stops every server started through `launch` (one of SERVERS)
 * or handed to `track`, and proves each one gone, whether the test passed or failed.
 */
export function serversStoppedAfterEach(): {
  launch: (...args: Parameters<typeof start>) => Promise<RunningServer>;
  track: (server: RunningServer) => RunningServer;
} {
  const running: RunningServer[] = [];
  afterEach(async function stopServers() {
    const servers = running.splice(0);
    await Promise.all(servers.map((s) => s.stop()));
    for (const s of servers) expect(pidAlive(s.pid), `server ${s.pid} still alive`).toBe(false);
  });
  const track = (server: RunningServer): RunningServer => {
    running.push(server);
    return server;
  };
  return { launch: async (...args) => track(await start(...args)), track };
}
