// The launched server: the one place that spawns it, watches it exit, and tears its whole tree down.

import { spawn, execFile, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ServerLog } from './server-log.js';
import { isAlive, listTree, startTimeOf } from './process-tree.js';

export interface LaunchOptions {
  command: string;
  cwd: string;
  env: Record<string, string>;
  logPath: string;
}

export interface ExitInfo {
  code: number | null;
  signal: string | null;
}

/**
 * How the command is spawned on `platform`. POSIX: through /bin/sh, in its own process group (detached), so one
 * signal reaches the shell and everything it started. Windows: through cmd.exe (shell: true), and not detached:
 * Windows has no process groups, and a detached child would get a console window of its own.
 */
export function spawnOptionsFor(platform: NodeJS.Platform): Pick<SpawnOptions, 'shell' | 'detached' | 'windowsHide'> {
  return { shell: true, detached: platform !== 'win32', windowsHide: true };
}

/** One action of a teardown: a signal to a pid (negative: a process group), or a taskkill run. */
export type KillStep = { kind: 'signal'; pid: number; signal: NodeJS.Signals } | { kind: 'taskkill'; args: string[] };

/**
 * What ending the tree takes on `platform`. POSIX: the signal to the root's process group, then to every pid of
 * the tree, for descendants that left the group (setsid, daemons). Windows has neither signals nor groups
 * (process.kill(-pid) is invalid there, and any signal is TerminateProcess): one `taskkill /T /F` for the root
 * and every live pid of the tree, /T for their descendants, /F because console programs ignore the polite
 * request, so SIGTERM and SIGKILL are the same there and shutdown-grace-s does not apply.
 */
export function killPlan(platform: NodeJS.Platform, rootPid: number, pids: Iterable<number>, signal: NodeJS.Signals): KillStep[] {
  const others = [...new Set(pids)].filter((pid) => pid !== rootPid);
  if (platform === 'win32') {
    return [{ kind: 'taskkill', args: ['/T', '/F', ...[rootPid, ...others].flatMap((pid) => ['/PID', String(pid)])] }];
  }
  return [{ kind: 'signal', pid: -rootPid, signal }, ...[rootPid, ...others].map((pid) => ({ kind: 'signal' as const, pid, signal }))];
}

export class ServerProcess {
  /**
   * Every pid ever seen in the tree with its start time, so teardown can prove that none survived, and never signals
   * or reports a pid that the system has since given to an unrelated process (null: the platform cannot tell).
   */
  private readonly seen = new Map<number, number | null>();
  /** Resolves when the root process exits, for whatever reason. */
  readonly exited: Promise<ExitInfo>;
  private exitInfo: ExitInfo | null = null;
  private stopping = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly log: ServerLog,
    readonly pid: number,
  ) {
    this.remember(pid);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
    log.attach(child.stdout);
    log.attach(child.stderr);
  }

  /** Starts the command through a shell in its own process group, output captured to the log. */
  static async launch(options: LaunchOptions): Promise<ServerProcess> {
    const log = new ServerLog(options.logPath);
    const child = spawn(options.command, {
      ...spawnOptionsFor(process.platform),
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('spawn', () => resolve(child.pid!));
      child.once('error', (err) => reject(new Error(`could not start server-command in '${options.cwd}': ${err.message}`)));
    }).catch(async (err: unknown) => {
      await log.close();
      throw err;
    });
    return new ServerProcess(child, log, pid);
  }

  /** Exit status once the root has exited; null while it runs (tests and the benchmark poll it). */
  get exit(): ExitInfo | null {
    return this.exitInfo;
  }

  /** Every pid seen in the tree so far. */
  get pidsSeen(): ReadonlySet<number> {
    return new Set(this.seen.keys());
  }

  /** True once stop() began: an exit after that is ours, not a crash. */
  get isStopping(): boolean {
    return this.stopping;
  }

  /** The tree as it is now (root first), remembered in pidsSeen. */
  async tree(): Promise<number[]> {
    const pids = this.exitInfo ? await this.orphansOfGroup() : await listTree(this.pid);
    for (const pid of pids) this.remember(pid);
    return pids;
  }

  /** Set by stop() when SIGTERM did not end the tree within the grace: its own shutdown did not finish. */
  killedAfterGrace = false;

  /**
   * SIGTERM the process group and every known pid, wait up to `graceMs`, then SIGKILL what is left.
   * Returns the pids of the tree still alive afterwards (empty on success).
   */
  async stop(graceMs: number): Promise<number[]> {
    this.stopping = true;
    await this.tree();
    await this.signalAll('SIGTERM');
    if (!(await this.waitAllDead(graceMs))) {
      this.killedAfterGrace = true;
      await this.tree();
      await this.signalAll('SIGKILL');
      await this.waitAllDead(2000);
    }
    this.child.stdout?.destroy();
    this.child.stderr?.destroy();
    await this.log.close();
    return this.survivors();
  }

  /** Pids of the tree that are still alive and still the processes we saw (not a pid reused since). */
  async survivors(): Promise<number[]> {
    const alive: number[] = [];
    for (const [pid, started] of this.seen) {
      if (!(await isAlive(pid))) continue;
      if (isSameProcess(started, startTimeOf(pid))) alive.push(pid);
    }
    return alive;
  }

  private remember(pid: number): void {
    if (!this.seen.has(pid)) this.seen.set(pid, startTimeOf(pid));
  }

  /** Carries out the kill plan for the tree; waits for taskkill to finish, so the wait for the dead starts after it. */
  private async signalAll(signal: NodeJS.Signals): Promise<void> {
    // Only pids that are still ours: a pid seen earlier may belong to an unrelated process by now.
    const pids = await this.survivors();
    // The group goes on while any member lives (its id cannot be reused until then), also one never listed in the
    // tree: the server a start script put in the background and left when it exited. Without members or pids,
    // there is nothing of ours left to signal.
    if (pids.length === 0 && !groupExists(this.pid)) return;
    for (const step of killPlan(process.platform, this.pid, pids, signal)) {
      if (step.kind === 'taskkill') {
        // It exits non-zero when one of the pids is gone already; the wait that follows judges the outcome.
        await new Promise<void>((resolve) => execFile('taskkill', step.args, { windowsHide: true, timeout: 10_000 }, () => resolve()));
        continue;
      }
      try {
        process.kill(step.pid, step.signal);
      } catch {
        // Already gone.
      }
    }
  }

  private async waitAllDead(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if ((await this.survivors()).length === 0 && this.exitInfo && !groupExists(this.pid)) return true;
      if (Date.now() >= deadline) return false;
      await sleep(25);
    }
  }

  /** After the root died, its orphans are re-parented; the known pids still alive are the tree. */
  private async orphansOfGroup(): Promise<number[]> {
    const alive = await this.survivors();
    const all = new Set<number>();
    for (const pid of alive) for (const p of await listTree(pid)) all.add(p);
    return [...all];
  }
}

/**
 * Is the process now at a pid the one recorded earlier? Start times differ when the pid was reused; where the
 * platform cannot tell (null on either side) a live pid counts as the same.
 */
export function isSameProcess(recorded: number | null, now: number | null): boolean {
  return recorded === null || now === null || recorded === now;
}

/**
 * True while a process group with this id has a living member (POSIX); false on Windows, which has no groups.
 * On Linux a zombie does not count: a member whose parent died is reaped by init, which in some containers
 * takes a second or two, and waiting for that would only lengthen teardown.
 */
export function groupExists(groupId: number, platform: NodeJS.Platform = process.platform): boolean {
  if (platform === 'win32') return false;
  try {
    process.kill(-groupId, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return platform === 'linux' ? groupHasLivingMember(groupId) : true;
}

/** Scans /proc for a process of the group that is not a zombie (or dead). */
function groupHasLivingMember(groupId: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // After the command name in parentheses: state, ppid, pgrp, ...
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === groupId && fields[0] !== 'Z' && fields[0] !== 'X') return true;
  }
  return false;
}
