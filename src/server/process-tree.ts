// Finds a process and all its descendants, and tells whether a pid is still alive. Read-only.

import { execFile } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';

const isLinux = process.platform === 'linux';

/** The pid and every descendant of it that is alive now, root first. Empty when the root is gone. */
export async function listTree(rootPid: number): Promise<number[]> {
  if (isLinux) return listTreeFromProc(rootPid);
  if (process.platform === 'win32') return (await isAlive(rootPid)) ? [rootPid] : [];
  return listTreeFromPs(rootPid);
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

/** Children of one pid from /proc/<pid>/task/<tid>/children (one read per thread, no scan of all processes). */
async function childrenFromProc(pid: number): Promise<number[]> {
  let tids: string[];
  try {
    tids = await readdir(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const tid of tids) {
    try {
      const text = await readFile(`/proc/${pid}/task/${tid}/children`, 'utf8');
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

async function listTreeFromPs(rootPid: number): Promise<number[]> {
  const out = await new Promise<string>((resolve) => {
    execFile('ps', ['-A', '-o', 'pid=,ppid='], (err, stdout) => resolve(err ? '' : stdout));
  });
  const childrenOf = new Map<number, number[]>();
  let rootSeen = false;
  for (const line of out.split('\n')) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (!pid || ppid === undefined) continue;
    if (pid === rootPid) rootSeen = true;
    childrenOf.set(ppid, [...(childrenOf.get(ppid) ?? []), pid]);
  }
  if (!rootSeen) return [];
  const tree: number[] = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(childrenOf.get(pid) ?? []));
  }
  return tree;
}

/** True while the pid exists and is not a zombie (a zombie holds no memory and runs nothing). */
export async function isAlive(pid: number): Promise<boolean> {
  if (isLinux) {
    try {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
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

/** The command line of a pid, for the report; '' when it cannot be read. */
export async function commandLine(pid: number): Promise<string> {
  if (!isLinux) return '';
  try {
    const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter(Boolean).join(' ');
  } catch {
    return '';
  }
}
