// The launched server: the one place that spawns it, watches it exit, and tears its whole tree down.

import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { ServerLog } from './server-log.js';
import { isAlive, listTree } from './process-tree.js';

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

export class ServerProcess {
  /** Every pid ever seen in the tree, so teardown can prove that none survived. */
  readonly pidsSeen = new Set<number>();
  /** Resolves when the root process exits, for whatever reason. */
  readonly exited: Promise<ExitInfo>;
  private exitInfo: ExitInfo | null = null;
  private stopping = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly log: ServerLog,
    readonly pid: number,
  ) {
    this.pidsSeen.add(pid);
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
      shell: true,
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      // Its own process group, so one signal reaches the shell and everything it started.
      detached: process.platform !== 'win32',
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
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

  /** Exit status once the root has exited; null while it runs. */
  get exit(): ExitInfo | null {
    return this.exitInfo;
  }

  /** True once stop() began: an exit after that is ours, not a crash. */
  get isStopping(): boolean {
    return this.stopping;
  }

  /** The tree as it is now (root first), remembered in pidsSeen. */
  async tree(): Promise<number[]> {
    const pids = this.exitInfo ? await this.orphansOfGroup() : await listTree(this.pid);
    for (const pid of pids) this.pidsSeen.add(pid);
    return pids;
  }

  /**
   * SIGTERM the process group and every known pid, wait up to `graceMs`, then SIGKILL what is left.
   * Returns the pids of the tree still alive afterwards (empty on success).
   */
  async stop(graceMs: number): Promise<number[]> {
    this.stopping = true;
    await this.tree();
    this.signalAll('SIGTERM');
    if (!(await this.waitAllDead(graceMs))) {
      await this.tree();
      this.signalAll('SIGKILL');
      await this.waitAllDead(2000);
    }
    this.child.stdout?.destroy();
    this.child.stderr?.destroy();
    await this.log.close();
    return this.survivors();
  }

  /** Pids of the tree that are still alive. */
  async survivors(): Promise<number[]> {
    const alive: number[] = [];
    for (const pid of this.pidsSeen) if (await isAlive(pid)) alive.push(pid);
    return alive;
  }

  private signalAll(signal: NodeJS.Signals): void {
    if (process.platform === 'win32') {
      execFile('taskkill', ['/pid', String(this.pid), '/T', '/F'], () => {});
      return;
    }
    try {
      process.kill(-this.pid, signal);
    } catch {
      // The group is gone already.
    }
    // Descendants that left the group (setsid, daemons) still get the signal.
    for (const pid of this.pidsSeen) {
      try {
        process.kill(pid, signal);
      } catch {
        // Already gone.
      }
    }
  }

  private async waitAllDead(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if ((await this.survivors()).length === 0 && this.exitInfo) return true;
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
