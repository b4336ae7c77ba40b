// Real server processes a test drives itself, without the gate: one way to start them on a free loopback port, ready
// once a handshake (or, for the tests of readiness, a TCP connect) succeeds, and stopped with everything under them
// after each test (or after the file, when shared), passed, failed or timed out, then proven gone. It spawns, waits
// and stops with Node and /proc alone, so it does not lean on the gate's launcher or readiness code it tests.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, type TestContext } from 'vitest';
import WebSocket from 'ws';
import type { Target } from '../../src/client/connection.js';
import { readSignals } from '../../src/probe/proc-signals.js';
import { ROOT, pidAlive } from './gate-run.js';
import { descendants, stopSpawned } from './processes.js';

/** How long a server gets to listen (a Python or Socket.IO server on two busy cores takes a few seconds). */
const READY_TIMEOUT_MS = 20_000;
/** Between readiness attempts. */
const READY_POLL_MS = 50;
/** One readiness attempt's connect or handshake. */
const ATTEMPT_TIMEOUT_MS = 1000;
/** SIGTERM to SIGKILL. */
const STOP_GRACE_MS = 3000;
/** The server's last output kept for error messages. */
const OUTPUT_TAIL_CHARS = 4000;

export { NODE, SERVERS, SOCKET_IO_PATH, examplePath, fixturePath, rootPath } from './servers.js';

export interface ServerOptions {
  /** Added to this process's environment, after PORT and HOST=127.0.0.1 (so it may override HOST). */
  env?: Record<string, string>;
  /** Working directory, relative to the repository root (default the root). */
  cwd?: string;
  /** The URL's path (default /). */
  path?: string;
  scheme?: 'ws' | 'wss';
  /** The URL's host (default 127.0.0.1); `localhost` for a certificate made out to it. */
  host?: string;
  /** Trust settings and timeouts of the target (a wss:// server's CA, subprotocols the handshake needs). */
  target?: Partial<Target>;
  /**
   * When it counts as started: `handshake` (default) once a WebSocket handshake on the URL succeeds; `port` once
   * its port takes a TCP connection, for servers that refuse handshakes on purpose and the tests of readiness.
   */
  ready?: 'handshake' | 'port';
}

export interface TestServer {
  /** The server's pid: the command is exec'd, so no shell stands between. */
  readonly pid: number;
  readonly port: number;
  /** The URL and settings a client connects with. */
  readonly target: Target;
  /** scheme://host:port<path>, the options' path by default. */
  url(path?: string): string;
  /** The last few KB it printed on stdout and stderr. */
  output(): string;
  /** Its process has not exited. */
  running(): boolean;
  /** The server's pid and its descendants, per /proc. */
  tree(): number[];
  /** Sum of VmRSS over the tree, in bytes; null when none could be read. */
  rss(): Promise<number | null>;
  /** Server-side TCP connections on its port still ESTABLISHED or CLOSE_WAIT (Linux /proc). */
  lingering(): Promise<number | null>;
  /** Stops it and everything under it, and throws if any of it survived SIGKILL. Nothing when stopped already. */
  stop(): Promise<void>;
}

/** VmRSS of one pid from /proc/<pid>/status, in bytes; null when it is gone or has none (a zombie). */
export function vmRssBytes(pid: number): number | null {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? null : Number(kb) * 1024;
  } catch {
    return null;
  }
}

/** A port nothing listens on right now (the kernel's pick for port 0 on 127.0.0.1). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

function tcpConnects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: ATTEMPT_TIMEOUT_MS });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/** One handshake on the target with `ws` itself, closed at once. */
function handshakes(target: Target): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(target.url, target.subprotocols, {
      headers: target.headers,
      handshakeTimeout: ATTEMPT_TIMEOUT_MS,
      ...(target.ca ? { ca: target.ca } : {}),
      ...(target.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
      ...(target.pinned ? { lookup: pinnedLookup(target.pinned.address, target.pinned.family) } : {}),
    });
    ws.once('open', () => {
      ws.terminate();
      resolve(true);
    });
    ws.once('error', () => resolve(false));
    ws.once('unexpected-response', (req) => {
      req.destroy();
      resolve(false);
    });
  });
}

type LookupCallback = (err: Error | null, address: string | Array<{ address: string; family: number }>, family?: number) => void;

/** A DNS lookup that answers with the loopback address the server listens on (a `localhost` URL, no resolver). */
function pinnedLookup(address: string, family: 4 | 6) {
  return (_host: string, options: { all?: boolean }, callback: LookupCallback): void => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

/** Every server this worker started and has not stopped: killed outright if the worker ends first. */
const everyRunning = new Set<ChildProcess>();
function killLeftovers(): void {
  for (const child of everyRunning) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}
process.once('exit', killLeftovers);
// The runner ends its workers with SIGTERM, which skips 'exit': kill what is left, then end as SIGTERM would.
process.once('SIGTERM', function killLeftoversThenExit() {
  killLeftovers();
  process.kill(process.pid, 'SIGTERM');
});

/**
 * Starts `command` (one simple command line, exec'd through /bin/sh in a process group of its own) from the
 * repository root (or `cwd` under it) with PORT set to a free port and HOST=127.0.0.1, and waits until it is ready. A server that
 * exits or is not ready within 20 s is stopped before the error, with its output, is thrown. `onSpawned` gets it
 * before it is ready. The caller stops it: through `testServers()`, which does so on every path.
 */
export async function startTestServer(
  command: string,
  options: ServerOptions = {},
  onSpawned: (server: TestServer) => void = () => {},
): Promise<TestServer> {
  const port = await freePort();
  const host = options.host ?? '127.0.0.1';
  const path = options.path ?? '/';
  const scheme = options.scheme ?? 'ws';
  const url = (at = path): string => `${scheme}://${host}:${port}${at}`;
  const target: Target = {
    url: url(),
    headers: {},
    subprotocols: [],
    connectTimeoutMs: 2000,
    closeTimeoutMs: 2000,
    ...(host === 'localhost' ? { pinned: { address: '127.0.0.1', family: 4 as const } } : {}),
    ...options.target,
  };
  const child = spawn('/bin/sh', ['-c', `exec ${command}`], {
    cwd: join(ROOT, options.cwd ?? ''),
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  everyRunning.add(child);
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  let spawnError: Error | null = null;
  child.once('error', (err) => (spawnError = err));
  const pidsSeen = new Set<number>();
  const running = (): boolean => child.exitCode === null && child.signalCode === null && spawnError === null;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const tree = (): number[] => {
    if (child.pid === undefined) return [];
    const pids = [child.pid, ...descendants(child.pid)].filter(pidAlive);
    for (const pid of pids) pidsSeen.add(pid);
    return pids;
  };
  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      tree();
      const survivors = await stopSpawned(child, { group: true, graceMs: STOP_GRACE_MS, also: [...pidsSeen] });
      everyRunning.delete(child);
      if (survivors.length === 0) await exited;
      if (survivors.length > 0) throw new Error(`'${command}' left processes that survived SIGKILL: ${survivors.join(', ')}`);
    })();
    return stopped;
  };
  const server: TestServer = {
    pid: child.pid ?? -1,
    port,
    target,
    url,
    output: () => output,
    running,
    tree,
    rss: async () => {
      const sizes = tree()
        .map(vmRssBytes)
        .filter((n): n is number => n !== null);
      return sizes.length === 0 ? null : sizes.reduce((a, b) => a + b, 0);
    },
    lingering: async () => (await readSignals(tree(), port)).lingeringConnections,
    stop,
  };
  onSpawned(server);
  const isReady = options.ready === 'port' ? () => tcpConnects(port) : () => handshakes(target);
  const started = performance.now();
  while (!(await isReady())) {
    if (!running() || performance.now() - started > READY_TIMEOUT_MS) {
      const why = running() ? `was not ready within ${READY_TIMEOUT_MS / 1000} s` : 'exited';
      await stop();
      throw new Error(`'${command}' ${why} (${options.ready ?? 'handshake'} on ${target.url}): ${spawnError ?? output}`);
    }
    await sleep(READY_POLL_MS);
  }
  return server;
}

/**
 * Registers hooks in the calling file that stop every server started through the returned functions and prove
 * none of their processes survived, even when the test failed or timed out (a `finally` after a hung await never
 * runs): `start` ones after each test, `startShared` ones (for a `beforeAll`) after the file. A concurrent test
 * (`describe.concurrent`) passes its context to `start`: its servers stop when it ends, not when another one does.
 */
export function testServers(): {
  start: (command: string, options?: ServerOptions, test?: Pick<TestContext, 'onTestFinished'>) => Promise<TestServer>;
  startShared: (command: string, options?: ServerOptions) => Promise<TestServer>;
} {
  const perTest: TestServer[] = [];
  const perFile: TestServer[] = [];
  const stopAll = async (servers: TestServer[]): Promise<void> => {
    const results = await Promise.allSettled(servers.splice(0).map((s) => s.stop()));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => String(r.reason));
    if (failed.length > 0) throw new Error(failed.join('\n'));
  };
  afterEach(function stopTestServers() {
    return stopAll(perTest);
  });
  afterAll(function stopSharedTestServers() {
    return stopAll(perFile);
  });
  // Tracked from the spawn on, so a test that times out while its server starts still stops it.
  const tracked = (list: TestServer[]) => (command: string, options?: ServerOptions) =>
    startTestServer(command, options, (server) => list.push(server));
  const start = (command: string, options?: ServerOptions, test?: Pick<TestContext, 'onTestFinished'>): Promise<TestServer> => {
    if (!test) return tracked(perTest)(command, options);
    const own: TestServer[] = [];
    test.onTestFinished(function stopThisTestsServers() {
      return stopAll(own);
    });
    return tracked(own)(command, options);
  };
  return { start, startShared: tracked(perFile) };
}
