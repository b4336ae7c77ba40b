// Attach mode on Linux: finds the pid that owns the listening socket on a port, through /proc.

import { readFile, readdir, readlink } from 'node:fs/promises';

const TCP_LISTEN = '0A';

/** Inodes of sockets listening on `port` (IPv4 and IPv6), from /proc/net/tcp{,6}. */
export function listeningInodes(procNetTcp: string, port: number): string[] {
  const inodes: string[] = [];
  for (const line of procNetTcp.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    const state = fields[3];
    const inode = fields[9];
    if (!local || !inode || state !== TCP_LISTEN) continue;
    const localPort = Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
    if (localPort === port && inode !== '0') inodes.push(inode);
  }
  return inodes;
}

/** The pid whose open fds include a socket listening on `port`; null when not found or not Linux. */
export async function findPortOwner(port: number): Promise<number | null> {
  if (process.platform !== 'linux') return null;
  const tables = await Promise.all(['/proc/net/tcp', '/proc/net/tcp6'].map((f) => readFile(f, 'utf8').catch(() => '')));
  const wanted = new Set(tables.flatMap((t) => listeningInodes(t, port)).map((i) => `socket:[${i}]`));
  if (wanted.size === 0) return null;
  const pids = (await readdir('/proc')).filter((d) => /^\d+$/.test(d));
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue;
    let fds: string[];
    try {
      fds = await readdir(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      if (wanted.has(link)) return Number(pid);
    }
  }
  return null;
}
