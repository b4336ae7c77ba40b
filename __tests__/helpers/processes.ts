// Processes a test spawns itself (servers to attach to, the CLI, the action): stopped on every path, and proven gone.

import type { ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach } from 'vitest';
import { pidAlive } from './gate-run.js';

/** The pid's descendants per /proc (Linux; elsewhere none are found and only the pid itself is watched). */
export function descendants(pid: number): number[] {
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${parent}/task`);
    } catch {
      continue;
    }
    for (const task of tasks) {
      let children: string;
      try {
        children = readFileSync(`/proc/${parent}/task/${task}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const child of children
        .split(' ')
        .filter((s) => s !== '')
        .map(Number)) {
        out.push(child);
        queue.push(child);
      }
    }
  }
  return out;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone, or not ours to signal.
  }
}

export interface StopOptions {
  /** The child was spawned `detached`: signal its whole process group. */
  group?: boolean;
  /** Milliseconds between the first signal and SIGKILL. */
  graceMs?: number;
  /** Other pids that belong to it (a server the child started, found by the test). */
  also?: number[];
}

/**
 * Stops a spawned process and everything under it: SIGTERM (to the group when detached), SIGKILL after
 * `graceMs`. Returns the pids still alive after that, which is [] unless something is badly wrong.
 */
export async function stopSpawned(child: ChildProcess, options: StopOptions = {}): Promise<number[]> {
  const { group = false, graceMs = 5000, also = [] } = options;
  if (child.pid === undefined) return [];
  const pids = [child.pid, ...descendants(child.pid), ...also];
  const live = (): number[] => pids.filter(pidAlive);
  // A group may hold processes the root left behind when it exited: signal it even then.
  if (live().length === 0 && !group) return [];
  if (group) signal(-child.pid, 'SIGTERM');
  for (const pid of live()) signal(pid, 'SIGTERM');
  for (let waited = 0; waited < graceMs && live().length > 0; waited += 50) await sleep(50);
  if (group) signal(-child.pid, 'SIGKILL');
  for (const pid of live()) signal(pid, 'SIGKILL');
  for (let waited = 0; waited < 2000 && live().length > 0; waited += 50) await sleep(50);
  return live();
}

/**
 * Registers an afterEach in the calling file that stops every child handed to the returned function, even
 * when the test failed or timed out (a `finally` after a hung await never runs), and fails if one survives.
 */
export function stopAfterEach(): <C extends ChildProcess>(child: C, options?: StopOptions) => C {
  const tracked: Array<[ChildProcess, StopOptions | undefined]> = [];
  afterEach(async function stopTrackedChildren() {
    const survivors: number[] = [];
    for (const [child, options] of tracked.splice(0)) survivors.push(...(await stopSpawned(child, options)));
    if (survivors.length > 0) throw new Error(`processes of the test survived SIGKILL: ${survivors.join(', ')}`);
  });
  return function track<C extends ChildProcess>(child: C, options?: StopOptions): C {
    tracked.push([child, options]);
    return child;
  };
}

/** The exit code of a child, or the error that kept it from starting (EACCES, ENOENT) instead of waiting forever. */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    function onExit(code: number | null): void {
      child.off('error', onError);
      resolve(code);
    }
    function onError(err: Error): void {
      child.off('exit', onExit);
      reject(err);
    }
    child.once('exit', onExit);
    child.once('error', onError);
  });
}
