// Deprecated: start test servers with testServers() from test-server.ts; this file goes once no test imports it.
// Real servers for the fault tests (spawned-server.ts's, exec'd so the shell is not the server), with what the
// fault tests read of them: the tree's RSS and the connections still open on the server's side.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Target } from '../../src/client/connection.js';
import { readSignals } from '../../src/probe/proc-signals.js';
import type { ServerProcess } from '../../src/server/server-process.js';
import { ROOT } from './gate-run.js';
import { launchServer, stopServer } from './spawned-server.js';

export const EXAMPLE = (path: string): string => join(ROOT, 'examples', path);

export interface RunningServer {
  server: ServerProcess;
  port: number;
  target: Target;
  /** Sum of VmRSS over the server's tree, in bytes. */
  rss(): Promise<number>;
  /** Server-side TCP connections on its port still ESTABLISHED or CLOSE_WAIT (Linux /proc). */
  lingering(): Promise<number | null>;
  /** Stops it and proves none of its processes survived. */
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

/** Starts `command` with PORT set and waits for a handshake (on `wss://localhost` with `{ scheme: 'wss', host: 'localhost' }`). */
export async function startServer(
  command: string,
  env: Record<string, string> = {},
  url: { scheme?: 'ws' | 'wss'; host?: string; path?: string; target?: Partial<Target> } = {},
): Promise<RunningServer> {
  const spawned = await launchServer(`exec ${command}`, { env, ...url });
  const { server, port } = spawned;
  return {
    server,
    port,
    target: spawned.target,
    rss: async () => (await server.tree()).reduce((sum, pid) => sum + vmRss(pid), 0),
    lingering: async () => (await readSignals(await server.tree(), port)).lingeringConnections,
    stop: () => stopServer(spawned),
  };
}
