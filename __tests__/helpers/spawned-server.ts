// Deprecated: start test servers with testServers() from test-server.ts; this file goes once no test imports it.
// A real server process for tests that drive it without the gate: launched the gate's way (ServerProcess) on a
// free loopback port, ready once a handshake succeeds, stopped and proven gone by stopServer() or, for every one
// still running, stopAll() in afterEach. (server-process.ts spawns without the gate's launcher, for the tests of
// readiness itself.)

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Target } from '../../src/client/connection.js';
import { pickFreePort } from '../../src/server/endpoint.js';
import { waitForHandshake } from '../../src/server/readiness.js';
import { ServerProcess } from '../../src/server/server-process.js';
import { ROOT, pidAlive } from './gate-run.js';

export interface SpawnedServer {
  server: ServerProcess;
  /** The target a handshake succeeded on. */
  target: Target;
  port: number;
}

const launched: Array<{ server: ServerProcess; dir: string }> = [];

/** `node` as the tests run it, quoted for a shell command. */
export const NODE = JSON.stringify(process.execPath);

/** Absolute path of a file under __tests__/fixtures, quoted for a shell command. */
export function fixturePath(name: string): string {
  return JSON.stringify(join(ROOT, '__tests__', 'fixtures', name));
}

/**
 * Launches `command` with PORT (a free port) and HOST=127.0.0.1 plus `env`, and waits until a handshake on
 * `scheme://host:PORT<path>` succeeds (with `target`'s trust settings), unless `ready` is false. A server that
 * never gets ready is stopped before the error is thrown.
 */
export async function launchServer(
  command: string,
  options: {
    path?: string;
    env?: Record<string, string>;
    target?: Partial<Target>;
    ready?: boolean;
    scheme?: 'ws' | 'wss';
    /** The URL's host (default 127.0.0.1); `localhost` for a certificate made out to it. */
    host?: string;
  } = {},
): Promise<SpawnedServer> {
  const port = await pickFreePort();
  const dir = mkdtempSync(join(tmpdir(), 'ws-gate-spawned-'));
  const server = await ServerProcess.launch({
    command,
    cwd: ROOT,
    env: { PORT: String(port), HOST: '127.0.0.1', ...options.env },
    logPath: join(dir, 'server.log'),
  });
  launched.push({ server, dir });
  const target: Target = {
    url: `${options.scheme ?? 'ws'}://${options.host ?? '127.0.0.1'}:${port}${options.path ?? '/'}`,
    headers: {},
    subprotocols: [],
    connectTimeoutMs: 2000,
    closeTimeoutMs: 2000,
    ...options.target,
  };
  try {
    if (options.ready === false) {
      await waitForLog(server, 'listening', 20_000);
      return { server, target, port };
    }
    const ready = await waitForHandshake(target, {
      timeoutMs: 20_000,
      signal: new AbortController().signal,
      gaveUp: () =>
        server.exit ? `the server exited (${server.exit.code ?? server.exit.signal}): ${server.log.tail().join(' | ')}` : null,
    });
    return { server, target: ready.target, port };
  } catch (err) {
    await stopServer({ server, target, port });
    throw err;
  }
}

async function waitForLog(server: ServerProcess, text: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!server.log.tail().some((line) => line.includes(text))) {
    if (server.exit || Date.now() > deadline) throw new Error(`the server never printed '${text}': ${server.log.tail().join(' | ')}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Stops every server launched since the last call and proves none of their processes survived. */
export async function stopAll(): Promise<void> {
  for (const { server, dir } of launched.splice(0)) await stopProven(server, dir);
}

/** Stops one server launched here and proves none of its processes survived; nothing when it was stopped already. */
export async function stopServer(spawned: SpawnedServer): Promise<void> {
  const at = launched.findIndex((l) => l.server === spawned.server);
  if (at === -1) return;
  const [{ server, dir }] = launched.splice(at, 1) as [{ server: ServerProcess; dir: string }];
  await stopProven(server, dir);
}

async function stopProven(server: ServerProcess, dir: string): Promise<void> {
  const survivors = await server.stop(2000);
  rmSync(dir, { recursive: true, force: true });
  expect(survivors).toEqual([]);
  expect([...server.pidsSeen].filter(pidAlive)).toEqual([]);
}

/** RSS of the server's process tree, summed from /proc/<pid>/status (VmRSS); null when none could be read. */
export async function treeRss(server: ServerProcess): Promise<number | null> {
  let total = 0;
  let read = false;
  for (const pid of await server.tree()) {
    try {
      const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match) {
        total += Number(match[1]) * 1024;
        read = true;
      }
    } catch {
      // Gone between listing and reading.
    }
  }
  return read ? total : null;
}

export { selfSignedCert } from './certificate.js';
