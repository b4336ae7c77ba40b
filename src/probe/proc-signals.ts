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

/** One reading of the tree's signals. On systems without /proc every figure but processes is null (reported n/a). */
export async function readSignals(pids: number[], port: number, platform: NodeJS.Platform = process.platform): Promise<SignalSnapshot> {
  if (platform !== 'linux' || pids.length === 0) {
    return { fds: null, threads: null, processes: pids.length === 0 ? null : pids.length, lingeringConnections: null };
  }
  let fds = 0;
  let threads = 0;
  // Another user's process (a server in a container running as root): its fds cannot be listed. Counting
  // them as 0 would pass every fd and lingering check unseen, so both become n/a.
  let fdsHidden = false;
  const socketInodes = new Set<string>();
  for (const pid of pids) {
    const entries = await readdir(`/proc/${pid}/fd`).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EACCES' || err.code === 'EPERM') fdsHidden = true;
      return [] as string[];
    });
    fds += entries.length;
    for (const fd of entries) {
      const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      if (link.startsWith('socket:[')) socketInodes.add(link.slice(8, -1));
    }
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    threads += Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  }
  // The tree's own network namespace: /proc/<pid>/net is that of the process.
  const root = pids[0]!;
  const tables = await Promise.all([`/proc/${root}/net/tcp`, `/proc/${root}/net/tcp6`].map((f) => readFile(f, 'utf8').catch(() => '')));
  const lingering = tables.flatMap((t) => lingeringInodes(t, port)).filter((inode) => socketInodes.has(inode));
  if (fdsHidden) return { fds: null, threads, processes: pids.length, lingeringConnections: null };
  return { fds, threads, processes: pids.length, lingeringConnections: lingering.length };
}
