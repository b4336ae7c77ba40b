// Shared by the benchmark sections: the repo's paths, loopback echo servers, TCP state counts, CPU and GC helpers.

import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Target } from '../src/client/connection.js';
import { pickFreePort } from '../src/server/endpoint.js';
import { waitForHandshake } from '../src/server/readiness.js';
import { ServerProcess } from '../src/server/server-process.js';
import { median as medianOf, percentile as percentileOf } from '../src/analysis/stats.js';
import { round as roundTo } from '../src/model/format.js';

/** The repository root: the nearest folder above the bench bundle (`<root>/.bench-build/`) that has the example server. */
export const ROOT = findRoot(dirname(resolve(process.argv[1] ?? '.')));
export const ECHO_SERVER = join(ROOT, 'examples/echo-server.js');

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'examples/echo-server.js'))) return dir;
    if (dirname(dir) === dir)
      throw new Error(`bench: no examples/echo-server.js above ${from} (run it with npm run bench from the repository)`);
  }
}

/** The gate's default client settings (connect-timeout-ms, close-timeout-ms). */
export const DEFAULT_TIMEOUTS = { connectTimeoutMs: 5000, closeTimeoutMs: 2000 };
/** How long the bench's echo server has to come up, and to exit on SIGTERM before it is killed. */
const ECHO_STARTUP_MS = 10_000;
const ECHO_SHUTDOWN_GRACE_MS = 2000;

/**
 * Aborted when the section is asked to stop (SIGTERM from the bench's per-section timeout): the gate runs it started
 * tear down as a cancelled run does, and its echo servers are stopped, so that nothing of it outlives it.
 */
export const sectionStop = new AbortController();
const echoServers = new Set<EchoServer>();

/** Stops the section: its gate runs are cancelled and every echo server it still has is stopped. */
export async function stopSection(reason: string): Promise<void> {
  sectionStop.abort(reason);
  await Promise.allSettled([...echoServers].map((s) => s.stop()));
}

export interface EchoServer {
  server: ServerProcess;
  url: string;
  port: number;
  target: Target;
  stop: () => Promise<void>;
}

/**
 * Starts examples/echo-server.js the way the gate does (shell, own process group) on a free loopback port,
 * with the soft fd limit raised to the hard one, and waits for its first handshake.
 */
export async function startEchoServer(label: string): Promise<EchoServer> {
  const port = await pickFreePort();
  const url = `ws://127.0.0.1:${port}/`;
  const logPath = join(tmpdir(), `ws-gate-bench-${label}-${process.pid}.log`);
  const server = await ServerProcess.launch({
    command: `ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec node ${JSON.stringify(ECHO_SERVER)}`,
    cwd: ROOT,
    env: { PORT: String(port) },
    logPath,
  });
  // The server and its log go however the section ends.
  const stop = async (): Promise<void> => {
    await server.stop(ECHO_SHUTDOWN_GRACE_MS);
    rmSync(logPath, { force: true });
  };
  let exited = false;
  void server.exited.then(() => (exited = true));
  const controller = new AbortController();
  const ready = await waitForHandshake(
    { url, headers: {}, subprotocols: [], ...DEFAULT_TIMEOUTS },
    { timeoutMs: ECHO_STARTUP_MS, signal: controller.signal, gaveUp: () => (exited ? 'the bench echo server exited' : null) },
  ).catch(async (err: unknown) => {
    await stop();
    throw err;
  });
  const echo: EchoServer = {
    server,
    url,
    port,
    target: ready.target,
    stop: async () => {
      echoServers.delete(echo);
      await stop();
    },
  };
  echoServers.add(echo);
  return echo;
}

const TCP_STATES: Record<string, string> = {
  '01': 'ESTABLISHED',
  '06': 'TIME_WAIT',
  '08': 'CLOSE_WAIT',
  '04': 'FIN_WAIT1',
  '05': 'FIN_WAIT2',
  '09': 'LAST_ACK',
  '0B': 'CLOSING',
};

export interface PortSockets {
  /** State -> count, for sockets whose local port is the server's (the server's side of each connection). */
  serverSide: Record<string, number>;
  /** State -> count, for sockets whose remote port is the server's (the clients' side). */
  clientSide: Record<string, number>;
  /** TIME_WAIT sockets on the whole machine, any port (what `ss -tan state time-wait` lists). */
  timeWaitTotal: number;
}

/** Counts TCP sockets touching `port` by state and side, from /proc/net/tcp and tcp6 (Linux only; zeros elsewhere). */
export function portSockets(port: number): PortSockets {
  const result: PortSockets = { serverSide: {}, clientSide: {}, timeWaitTotal: 0 };
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const lines = text.split('\n');
    for (let i = 1; i < lines.length; i++) {
      const fields = lines[i]!.trim().split(/\s+/);
      const local = fields[1];
      const remote = fields[2];
      const st = fields[3];
      if (!local || !remote || !st) continue;
      if (st === '06') result.timeWaitTotal += 1;
      const state = TCP_STATES[st] ?? st;
      const localPort = Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
      const remotePort = Number.parseInt(remote.slice(remote.lastIndexOf(':') + 1), 16);
      if (st === '0A') continue; // the listening socket
      if (localPort === port) result.serverSide[state] = (result.serverSide[state] ?? 0) + 1;
      else if (remotePort === port) result.clientSide[state] = (result.clientSide[state] ?? 0) + 1;
    }
  }
  return result;
}

/** The machine's ephemeral port range and TIME_WAIT reuse setting, which decide when TIME_WAIT exhausts ports. */
export function tcpSettings(): { ephemeralPorts: string; tcpTwReuse: string; finTimeoutS: string } {
  const read = (path: string): string => {
    try {
      return readFileSync(path, 'utf8').trim().replace(/\s+/g, '-');
    } catch {
      return 'n/a';
    }
  };
  return {
    ephemeralPorts: read('/proc/sys/net/ipv4/ip_local_port_range'),
    tcpTwReuse: read('/proc/sys/net/ipv4/tcp_tw_reuse'),
    finTimeoutS: read('/proc/sys/net/ipv4/tcp_fin_timeout'),
  };
}

/** The soft and hard open-file limits of this process. */
export function fdLimits(): { soft: string; hard: string } {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const parts = line?.trim().split(/\s{2,}/) ?? [];
    return { soft: parts[1] ?? 'n/a', hard: parts[2] ?? 'n/a' };
  } catch {
    return { soft: 'n/a', hard: 'n/a' };
  }
}

/** Full GC when node runs with --expose-gc (the bench always does); a no-op otherwise. */
export function fullGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
}

/** The median, NaN for no values (a table cell, never a crash). */
export function median(values: readonly number[]): number {
  return medianOf(values) ?? Number.NaN;
}

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  return values.length === 0
    ? Number.NaN
    : percentileOf(
        [...values].sort((a, b) => a - b),
        p,
      );
}

/** Rounded to `digits` decimals, 2 unless said. */
export const round = (n: number, digits = 2): number => roundTo(n, digits);

export const MB = 1024 * 1024;

/** Writes one line to stderr: progress for the person waiting, never part of the results. */
export function note(line: string): void {
  process.stderr.write(`  ${line}\n`);
}
