// Attach mode: finds the pid that owns the listening socket on a port: /proc on Linux, lsof on macOS, and
// Get-NetTCPConnection on Windows.

import { readFile, readdir, readlink } from 'node:fs/promises';
import { socketInodes, TCP_STATE } from './proc-net-tcp.js';
import { commandOutput, listTree, powershellArgs } from './process-tree.js';

/** Inodes of sockets listening on `port` (IPv4 and IPv6), from /proc/net/tcp{,6}. */
export function listeningInodes(procNetTcp: string, port: number): string[] {
  return socketInodes(procNetTcp, port, [TCP_STATE.LISTEN]);
}

/** The first pid listed one a line (`lsof -t`, PowerShell), other than `exclude`; null when there is none. */
export function firstPid(text: string, exclude: number): number | null {
  for (const line of text.split(/\r?\n/)) {
    const pid = /^\s*(\d+)\s*$/.exec(line)?.[1];
    if (pid && Number(pid) > 0 && Number(pid) !== exclude) return Number(pid);
  }
  return null;
}

/** The command that lists the pids listening on `port`, off Linux. */
export function portOwnerCommand(platform: NodeJS.Platform, port: number): [string, string[]] {
  const p = String(Math.trunc(port));
  if (platform === 'win32') {
    return [
      'powershell.exe',
      powershellArgs(
        `Get-NetTCPConnection -State Listen -LocalPort ${p} -ErrorAction SilentlyContinue | ForEach-Object { $_.OwningProcess }`,
      ),
    ];
  }
  return ['lsof', ['-nP', `-iTCP:${p}`, '-sTCP:LISTEN', '-t']];
}

/** The pid whose open fds include a socket listening on `port`; null when not found. */
export async function findPortOwner(port: number, platform: NodeJS.Platform = process.platform): Promise<number | null> {
  if (platform !== 'linux') return firstPid(await commandOutput(...portOwnerCommand(platform, port)), process.pid);
  const tables = await Promise.all(['/proc/net/tcp', '/proc/net/tcp6'].map((f) => readFile(f, 'utf8').catch(() => '')));
  const wanted = new Set(tables.flatMap((t) => listeningInodes(t, port)).map((i) => `socket:[${i}]`));
  if (wanted.size === 0) return null;
  // The gate's own descendants first: a launched server is one, and a scan of every process's fds takes seconds on a
  // machine running many (each link read is a round trip to the thread pool).
  const own = (await listTree(process.pid).catch(() => [] as number[])).map(String);
  const others = (await readdir('/proc')).filter((d) => /^\d+$/.test(d) && !own.includes(d));
  for (const pid of [...own, ...others]) {
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
