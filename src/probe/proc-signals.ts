// Exact leak signals of the server tree, read from /proc (Linux): open fds, threads, processes, and
// TCP connections on the server's port still ESTABLISHED or CLOSE_WAIT. Null where not measurable.

import { readFile, readdir, readlink } from 'node:fs/promises';
import type { SignalReading } from '../model/report.js';
import { socketInodes, TCP_STATE } from '../server/proc-net-tcp.js';

/** The signals /proc tells (the report's SignalReading but sessions, which the stats URL tells). */
export type SignalSnapshot = Omit<SignalReading, 'sessions'>;

/** Inodes of sockets with local port `port` in ESTABLISHED or CLOSE_WAIT, from a /proc/net/tcp{,6} table. */
export function lingeringInodes(procNetTcp: string, port: number): string[] {
  return socketInodes(procNetTcp, port, [TCP_STATE.ESTABLISHED, TCP_STATE.CLOSE_WAIT]);
}

/**
 * States of a connection whose close the server has not finished: the lingering ones, and those it closed first and
 * whose peer has not yet answered (FIN_WAIT, CLOSING, LAST_ACK). A WebSocket server that ends the TCP connection after
 * the close handshake runs the app's close handler only once the peer's FIN is in.
 */
const CLOSING_STATES = [
  TCP_STATE.ESTABLISHED,
  TCP_STATE.CLOSE_WAIT,
  TCP_STATE.FIN_WAIT1,
  TCP_STATE.FIN_WAIT2,
  TCP_STATE.CLOSING,
  TCP_STATE.LAST_ACK,
];

/** The tree's open fds, the inodes of its sockets, and its threads, from /proc/<pid>/{fd,status}. */
async function scanTree(pids: number[]): Promise<{ fds: number; fdsHidden: boolean; sockets: Set<string>; threads: number }> {
  let fds = 0;
  let threads = 0;
  // Another user's process (a server in a container running as root): its fds cannot be listed.
  let fdsHidden = false;
  const sockets = new Set<string>();
  for (const pid of pids) {
    const entries = await readdir(`/proc/${pid}/fd`).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EACCES' || err.code === 'EPERM') fdsHidden = true;
      return [] as string[];
    });
    fds += entries.length;
    for (const fd of entries) {
      const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      if (link.startsWith('socket:[')) sockets.add(link.slice(8, -1));
    }
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    threads += Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  }
  return { fds, fdsHidden, sockets, threads };
}

/** The tree's own network namespace's TCP tables: /proc/<pid>/net is that of the process. */
function tcpTables(root: number): Promise<string[]> {
  return Promise.all([`/proc/${root}/net/tcp`, `/proc/${root}/net/tcp6`].map((f) => readFile(f, 'utf8').catch(() => '')));
}

/** One reading of the tree's signals. On systems without /proc every figure but processes is null (reported n/a). */
export async function readSignals(pids: number[], port: number, platform: NodeJS.Platform = process.platform): Promise<SignalSnapshot> {
  if (platform !== 'linux' || pids.length === 0) {
    return { fds: null, threads: null, processes: pids.length === 0 ? null : pids.length, lingeringConnections: null };
  }
  const { fds, fdsHidden, sockets, threads } = await scanTree(pids);
  // Counting hidden fds as 0 would pass every fd and lingering check unseen, so both become n/a.
  if (fdsHidden) return { fds: null, threads, processes: pids.length, lingeringConnections: null };
  const tables = await tcpTables(pids[0]!);
  const lingering = tables.flatMap((t) => lingeringInodes(t, port)).filter((inode) => sockets.has(inode));
  return { fds, threads, processes: pids.length, lingeringConnections: lingering.length };
}

/**
 * Connections of the tree on `port` that are open or still closing (CLOSING_STATES): a leak reading waits for none,
 * so that every close handler has run. Null where not measurable (not Linux, hidden fds).
 */
export async function unsettledConnections(
  pids: number[],
  port: number,
  platform: NodeJS.Platform = process.platform,
): Promise<number | null> {
  if (platform !== 'linux' || pids.length === 0) return null;
  const { fdsHidden, sockets } = await scanTree(pids);
  if (fdsHidden) return null;
  const tables = await tcpTables(pids[0]!);
  return tables.flatMap((t) => socketInodes(t, port, CLOSING_STATES)).filter((inode) => sockets.has(inode)).length;
}
