// The server a run measures, launched or attached, behind one interface: its pid, its tree, and how it ends.

import { listTree } from './process-tree.js';
import { ServerProcess, type ExitInfo, type LaunchOptions } from './server-process.js';

/** What a run needs of its server, whether the gate started it or found it running. */
export interface ServerHandle {
  readonly mode: 'launch' | 'attach';
  /** Root pid: the launched shell, or the attached server; null when attached without a known pid. */
  readonly pid: number | null;
  /** Where the server's output goes; null in attach mode (the gate does not see it). */
  readonly logPath: string | null;
  /** The tree as it is now, root first; every pid listed is remembered in pidsSeen. */
  tree(): Promise<number[]>;
  /** Every pid seen in the tree during the run, so a caller can prove none survived. */
  pidsSeen(): number[];
  /** Called once if the root exits while the run has not started stopping it (a crash or an early exit). */
  onUnexpectedExit(listener: (exit: ExitInfo) => void): void;
  /** Ends what the gate started and returns the pids still alive; an attached server is left running. */
  stop(graceMs: number): Promise<number[]>;
  /** After stop(): true when the tree outlived SIGTERM by the grace and was killed. */
  readonly killedAfterGrace: boolean;
  /** The last lines the server printed (empty in attach mode). */
  logTail(): string[];
}

/** A server the gate started: the process tree is its to end. */
export class LaunchedServer implements ServerHandle {
  readonly mode = 'launch';

  private constructor(private readonly process: ServerProcess) {}

  /** Spawns the command (see ServerProcess.launch). */
  static async launch(options: LaunchOptions): Promise<LaunchedServer> {
    return new LaunchedServer(await ServerProcess.launch(options));
  }

  get pid(): number {
    return this.process.pid;
  }

  get logPath(): string {
    return this.process.log.path;
  }

  tree(): Promise<number[]> {
    return this.process.tree();
  }

  pidsSeen(): number[] {
    return [...this.process.pidsSeen];
  }

  onUnexpectedExit(listener: (exit: ExitInfo) => void): void {
    const child = this.process;
    void child.exited.then((exit) => {
      if (!child.isStopping) listener(exit);
    });
  }

  stop(graceMs: number): Promise<number[]> {
    return this.process.stop(graceMs);
  }

  get killedAfterGrace(): boolean {
    return this.process.killedAfterGrace;
  }

  logTail(): string[] {
    return this.process.log.tail();
  }
}

/** A server that was running before the gate and keeps running after it. */
export class AttachedServer implements ServerHandle {
  readonly mode = 'attach';
  readonly logPath = null;
  readonly killedAfterGrace = false;
  private readonly seen = new Set<number>();

  constructor(readonly pid: number | null) {}

  async tree(): Promise<number[]> {
    if (this.pid === null) return [];
    const pids = await listTree(this.pid);
    // Re-listed on every call: a server that forks per connection shows new children all run long.
    for (const pid of pids) this.seen.add(pid);
    return pids;
  }

  pidsSeen(): number[] {
    return [...this.seen];
  }

  onUnexpectedExit(): void {
    // Not our child: its exit shows up as a tree that is empty, and as failed connections.
  }

  async stop(): Promise<number[]> {
    return [];
  }

  logTail(): string[] {
    return [];
  }
}
