// Finds a process and all its descendants, and tells whether a pid is still alive. Read-only.

import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

const isLinux = process.platform === 'linux';

/**
 * The pid and every descendant of it that is alive now, root first. Empty when the root is gone. `platform`
 * picks the method (tests run the ps one on Linux too).
 */
export async function listTree(rootPid: number, platform: NodeJS.Platform = process.platform): Promise<number[]> {
  if (platform === 'linux') return listTreeFromProc(rootPid);
  if (platform === 'win32')
    return descendantsIn(rootPid, parseWindowsTable(await commandOutput('powershell.exe', powershellArgs(WINDOWS_TABLE_SCRIPT))));
  return descendantsIn(rootPid, parsePsTable(await commandOutput('ps', ['-A', '-o', 'pid=,ppid=,stat='])));
}

/** One process of a system-wide table. */
export interface ProcessRow {
  pid: number;
  ppid: number;
  /** Windows: creation time (FILETIME), to tell a child from a process that got a dead parent's reused pid. */
  started?: number;
  /** A zombie (exited, not reaped yet) holds no memory and runs nothing: not part of the tree. */
  zombie?: boolean;
}

/** Parses `ps -A -o pid=,ppid=,stat=` (macOS, the BSDs, Linux without /proc). */
export function parsePsTable(text: string): ProcessRow[] {
  const rows: ProcessRow[] = [];
  for (const line of text.split('\n')) {
    const [pid, ppid, stat = ''] = line.trim().split(/\s+/);
    if (!/^\d+$/.test(pid ?? '') || !/^\d+$/.test(ppid ?? '')) continue;
    rows.push({ pid: Number(pid), ppid: Number(ppid), zombie: stat.startsWith('Z') });
  }
  return rows;
}

/**
 * Every process as `pid ppid creation-FILETIME`, one a line. CIM rather than wmic, which newer Windows images
 * no longer ship. The System Idle Process has no creation date: 0.
 */
export const WINDOWS_TABLE_SCRIPT =
  "Get-CimInstance Win32_Process | ForEach-Object { '{0} {1} {2}' -f $_.ProcessId, $_.ParentProcessId, $(if ($_.CreationDate) { " +
  '$_.CreationDate.ToFileTimeUtc() } else { 0 }) }';

/** Parses the output of WINDOWS_TABLE_SCRIPT (CRLF line ends). */
export function parseWindowsTable(text: string): ProcessRow[] {
  const rows: ProcessRow[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s*$/.exec(line);
    if (m) rows.push({ pid: Number(m[1]), ppid: Number(m[2]), started: Number(m[3]) });
  }
  return rows;
}

/**
 * The root and its descendants in a table, root first; empty when the root is not in it (or is a zombie).
 * Windows keeps a child's parent pid after the parent exits and reuses pids soon: a "child" that started
 * before its parent belongs to an earlier owner of that pid and is left out.
 */
export function descendantsIn(rootPid: number, rows: readonly ProcessRow[]): number[] {
  const byPid = new Map(rows.filter((r) => !r.zombie).map((r) => [r.pid, r]));
  if (!byPid.has(rootPid)) return [];
  const childrenOf = new Map<number, ProcessRow[]>();
  for (const row of byPid.values()) {
    if (row.pid === row.ppid) continue; // Windows' System Idle Process is its own parent
    childrenOf.set(row.ppid, [...(childrenOf.get(row.ppid) ?? []), row]);
  }
  const tree: number[] = [];
  const seen = new Set<number>();
  const queue = [byPid.get(rootPid)!];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    if (seen.has(parent.pid)) continue;
    seen.add(parent.pid);
    tree.push(parent.pid);
    for (const child of childrenOf.get(parent.pid) ?? []) {
      if (child.started !== undefined && parent.started !== undefined && child.started < parent.started) continue;
      queue.push(child);
    }
  }
  return tree;
}

/** powershell.exe arguments that run `script` without the user's profile and without any quoting to get wrong. */
export function powershellArgs(script: string): string[] {
  return ['-NoProfile', '-NonInteractive', '-EncodedCommand', Buffer.from(script, 'utf16le').toString('base64')];
}

/** stdout of a command, or '' when it cannot run or fails (the caller then sees no process). */
export function commandOutput(file: string, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(file, args, { windowsHide: true, timeout: 30_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => resolve(err ? '' : stdout));
  });
}

async function listTreeFromProc(rootPid: number): Promise<number[]> {
  if (!(await isAlive(rootPid))) return [];
  const tree: number[] = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(await childrenFromProc(pid)));
  }
  return tree;
}

/**
 * Children of one pid from /proc/<pid>/task/<tid>/children (one read per thread, no scan of all processes).
 * Synchronous on purpose: procfs is served from kernel memory in microseconds, while an fs.promises read of a
 * zero-size /proc file costs ~0.15 ms of CPU (open, fstat, read, close on the threadpool); one per thread made
 * every memory sample cost 4-5 ms of CPU, 5 % of a core at the default interval (npm run bench).
 */
async function childrenFromProc(pid: number): Promise<number[]> {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const tid of tids) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8');
      for (const part of text.split(' ')) {
        const child = Number(part);
        if (child > 0) children.push(child);
      }
    } catch {
      // The thread ended between readdir and read.
    }
  }
  return children;
}

/**
 * True while the pid exists and is not a zombie (a zombie holds no memory and runs nothing). On Linux a
 * synchronous /proc read: microseconds, where an async one costs the sampler ~0.7 ms of CPU per sample.
 */
export async function isAlive(pid: number): Promise<boolean> {
  if (isLinux) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      return state !== 'Z' && state !== 'X';
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * When the process started, in clock ticks since boot (/proc/<pid>/stat field 22), to tell it from a later process
 * that got the same pid; null off Linux or when the pid is gone.
 */
export function startTimeOf(pid: number): number | null {
  if (!isLinux) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces and parentheses): state is field 3, starttime 22.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const started = Number(fields[19]);
    return Number.isFinite(started) ? started : null;
  } catch {
    return null;
  }
}

/** The command line of a pid, for the report; '' when it cannot be read. */
export async function commandLine(pid: number, platform: NodeJS.Platform = process.platform): Promise<string> {
  if (platform === 'win32') {
    return (
      await commandOutput(
        'powershell.exe',
        powershellArgs(`(Get-CimInstance Win32_Process -Filter 'ProcessId=${Math.trunc(pid)}').CommandLine`),
      )
    ).trim();
  }
  if (platform !== 'linux') return (await commandOutput('ps', ['-o', 'command=', '-p', String(pid)])).trim();
  try {
    const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter(Boolean).join(' ');
  } catch {
    return '';
  }
}

/**
 * The process group of a pid (POSIX): /proc/<pid>/stat field 5 on Linux, `ps -o pgid=` elsewhere; null on Windows
 * (no groups) or when the pid is gone. A process in the launched group is ended with it; one outside it is not.
 */
export async function processGroupOf(pid: number, platform: NodeJS.Platform = process.platform): Promise<number | null> {
  if (platform === 'win32') return null;
  if (platform !== 'linux') {
    const group = Number((await commandOutput('ps', ['-o', 'pgid=', '-p', String(pid)])).trim());
    return Number.isInteger(group) && group > 0 ? group : null;
  }
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // After the command name in parentheses: state, ppid, pgrp, ...
    const group = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    return Number.isInteger(group) && group > 0 ? group : null;
  } catch {
    return null;
  }
}
