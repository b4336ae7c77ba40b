// Real servers for the fault tests: launched the gate's way on a free loopback port, read from /proc, always stopped.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Target } from '../../src/client/connection.js';
import { readSignals } from '../../src/probe/proc-signals.js';
import { pickFreePort } from '../../src/server/endpoint.js';
import { waitForHandshake } from '../../src/server/readiness.js';
import { ServerProcess } from '../../src/server/server-process.js';
import { ROOT, pidAlive } from './gate-run.js';

export const EXAMPLE = (path: string): string => join(ROOT, 'examples', path);

export interface RunningServer {
  server: ServerProcess;
  port: number;
  target: Target;
  /** Sum of VmRSS over the server's tree, in bytes. */
  rss(): Promise<number>;
  /** Server-side TCP connections on its port still ESTABLISHED or CLOSE_WAIT (Linux /proc). */
  lingering(): Promise<number | null>;
  stop(): Promise<void>;
}

/** VmRSS of one pid from /proc/<pid>/status, in bytes (0 when it is gone). */
export function vmRss(pid: number): number {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Starts `command` with PORT set (exec'd, so the shell is not the server) and waits for a handshake. */
export async function startServer(
  command: string,
  env: Record<string, string> = {},
  url = (port: number) => `ws://127.0.0.1:${port}/`,
  client: Partial<Target> = {},
): Promise<RunningServer> {
  const port = await pickFreePort();
  const logDir = mkdtempSync(join(tmpdir(), 'ws-gate-faults-'));
  const server = await ServerProcess.launch({
    command: `exec ${command}`,
    cwd: ROOT,
    env: { PORT: String(port), ...env },
    logPath: join(logDir, 'server.log'),
  });
  const stop = async (): Promise<void> => {
    const survivors = await server.stop(2000);
    rmSync(logDir, { recursive: true, force: true });
    expect(survivors).toEqual([]);
    expect([...server.pidsSeen].filter(pidAlive)).toEqual([]);
  };
  try {
    const controller = new AbortController();
    const ready = await waitForHandshake(
      { url: url(port), headers: {}, subprotocols: [], connectTimeoutMs: 2000, closeTimeoutMs: 2000, ...client },
      {
        timeoutMs: 15_000,
        signal: controller.signal,
        gaveUp: () => (server.exit ? `the server exited: ${server.log.tail().join(' | ')}` : null),
      },
    );
    return {
      server,
      port,
      target: ready.target,
      rss: async () => (await server.tree()).reduce((sum, pid) => sum + vmRss(pid), 0),
      lingering: async () => (await readSignals(await server.tree(), port)).lingeringConnections,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
