// Which processes of the server tree hold sockets on the server's port (listening, or connections), read from
// /proc (Linux), and a watcher that remembers every process seen holding a connection while the load runs: the
// processes whose evidence must be read for it to stand for the server.

import { readFile, readdir, readlink } from 'node:fs/promises';
import { socketInodes, TCP_STATE } from '../server/proc-net-tcp.js';

/** How often the watcher looks while the load runs: a flapping connection is held 100 ms by default. */
export const HOLDERS_POLL_MS = 40;

/** Pids of the tree with a socket on the port, by state. */
export interface PortSockets {
  listening: number[];
  connected: number[];
}

/** The socket inodes each pid holds (unreadable fds: none). */
async function socketsOf(pid: number): Promise<Set<string>> {
  const inodes = new Set<string>();
  const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
  await Promise.all(
    fds.map(async (fd) => {
      const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      if (link.startsWith('socket:[')) inodes.add(link.slice(8, -1));
    }),
  );
  return inodes;
}

/** Which pids of `tree` hold a listening socket on `port`, and which a connection (ESTABLISHED or CLOSE_WAIT). */
export async function portSockets(tree: readonly number[], port: number): Promise<PortSockets> {
  if (process.platform !== 'linux' || tree.length === 0) return { listening: [], connected: [] };
  // The tree's own network namespace: /proc/<pid>/net is that of the process.
  const root = tree[0]!;
  const tables = await Promise.all([`/proc/${root}/net/tcp`, `/proc/${root}/net/tcp6`].map((f) => readFile(f, 'utf8').catch(() => '')));
  const listening = new Set(tables.flatMap((t) => socketInodes(t, port, [TCP_STATE.LISTEN])));
  const connected = new Set(tables.flatMap((t) => socketInodes(t, port, [TCP_STATE.ESTABLISHED, TCP_STATE.CLOSE_WAIT])));
  const result: PortSockets = { listening: [], connected: [] };
  if (listening.size === 0 && connected.size === 0) return result;
  for (const pid of tree) {
    const held = await socketsOf(pid);
    if ([...held].some((i) => listening.has(i))) result.listening.push(pid);
    if ([...held].some((i) => connected.has(i))) result.connected.push(pid);
  }
  return result;
}

/**
 * Polls the tree while `active()` says the load runs, and remembers every pid seen holding a connection on the
 * port. A process that served only connections shorter than a poll may be missed; the flapping and leak
 * scenarios hold each one 100 ms by default, so every process that serves them is seen.
 */
export class SocketHolderWatch {
  private readonly seen = new Set<number>();
  private readonly listeners = new Set<number>();
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;

  constructor(
    private readonly listTree: () => Promise<number[]>,
    private readonly port: number,
    private readonly active: () => boolean,
    private readonly intervalMs = HOLDERS_POLL_MS,
  ) {}

  /** Starts polling (Linux only: elsewhere nothing is seen, and the caller reads every process it can). */
  start(): void {
    if (process.platform !== 'linux' || this.timer) return;
    const tick = (): void => {
      if (this.polling || !this.active()) return;
      this.polling = this.pollOnce()
        .then(() => undefined)
        .catch(() => undefined)
        .finally(() => (this.polling = null));
    };
    this.timer = setInterval(tick, this.intervalMs);
    this.timer.unref();
  }

  /** One look now, whatever the phase: at a boundary it finds the listeners. */
  async pollOnce(): Promise<PortSockets> {
    const found = await portSockets(await this.listTree(), this.port);
    for (const pid of found.connected) this.seen.add(pid);
    for (const pid of found.listening) this.listeners.add(pid);
    return found;
  }

  /** Pids seen holding a connection so far. */
  holders(): number[] {
    return [...this.seen];
  }

  /** Pids seen listening on the port so far. */
  listening(): number[] {
    return [...this.listeners];
  }

  /** Stops polling and waits for a poll in flight. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.polling;
  }
}
