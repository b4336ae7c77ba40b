// Takes V8 heap snapshots of running Node processes: the NODE_OPTIONS that install the snapshot signal, whether a
// pid has it, waiting for its complete file, reading and deleting it; each process's last graph stays for retainer
// paths.

import { chmod, mkdir, mkdtemp, open, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GrowthRow, RetainerStep } from '../model/evidence.js';
import { isAlive } from '../server/process-tree.js';
import type { ProcessReading } from './evidence-source.js';
import { aggregateHeap, classPairKeys, nodeClassKey } from './heap-classes.js';
import { retainerPaths } from './heap-paths.js';
import { isNewer } from './heap-graph.js';
import { IncompleteSnapshotError, readHeapSnapshot, type HeapGraph } from './heap-reader.js';

/**
 * The signal Node is told to snapshot on. SIGUSR1 starts the inspector; SIGUSR2 is free, and kills a process
 * that has no handler for it: a pid is signalled only once its environment or argv shows the handler.
 */
export const SNAPSHOT_SIGNAL = 'SIGUSR2';

/** How often the directory is looked at while V8 writes (each poll waited is latency added to a run). */
const POLL_MS = 15;

/** A snapshot that could not be taken or read; the message says why, for HeapEvidence.reason. */
export class HeapSnapshotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HeapSnapshotError';
  }
}

export interface HeapSnapshotterOptions {
  /** Keep the files here (heap-snapshot-dir), renamed to `<label>.heapsnapshot`; null: a private temp dir. */
  keepDir?: string | null;
  /** No snapshot of a process whose RSS is above this (heap-snapshot-max-mb). */
  maxRssBytes: number;
  /** Parent of the private directory; default RUNNER_TEMP, else the OS temp dir. */
  tmpRoot?: string;
}

export interface TakeOptions {
  /** From the signal to a complete file (heap-snapshot-timeout-s). */
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Quotes a value for NODE_OPTIONS, which splits on spaces and honours double quotes with backslash escapes. */
export function quoteNodeOption(value: string): string {
  return /[\s"\\]/.test(value) ? `"${value.replace(/(["\\])/g, '\\$1')}"` : value;
}

/** NODE_OPTIONS for the server: the user's own first, then the snapshot signal and the directory (last one wins). */
export function snapshotNodeOptions(dir: string, existing: string | undefined): string {
  const ours = `--heapsnapshot-signal=${SNAPSHOT_SIGNAL} --diagnostic-dir=${quoteNodeOption(dir)}`;
  return existing && existing.trim() !== '' ? `${existing.trim()} ${ours}` : ours;
}

/** A file name made of a label: letters, digits, dot, dash and underscore. */
function fileLabel(label: string): string {
  return label.replace(/[^\w.-]+/g, '_').slice(0, 80) || 'snapshot';
}

/**
 * Owns one private directory for a run's snapshots, of one process or several. Create it before launching the
 * server (its NODE_OPTIONS name the directory), take snapshots at phase boundaries (never while a scenario runs: a
 * snapshot pauses the process for seconds), find retainer paths at the end, dispose always:
 *
 *   const heap = await HeapSnapshotter.create({ keepDir: cfg.keepDir, maxRssBytes: cfg.maxRssBytes });
 *   try {
 *     launch with env NODE_OPTIONS = heap.nodeOptions(userEnv.NODE_OPTIONS ?? process.env.NODE_OPTIONS)
 *     readings.push(await heap.take(pid, 'before-load', { timeoutMs, signal })); // each pid whose argv or env is ready
 *     ... 'after-round-N' after each leak round, 'after-cooldown' ...
 *     paths = heap.retainerPathsIn(pid, suspects);
 *   } finally { await heap.dispose(); }
 */
export class HeapSnapshotter {
  /** Each process's last graph, for retainer paths. */
  private readonly graphs = new Map<number, HeapGraph>();
  /** Each process's highest object id at its first snapshot: later ones above it are newer. */
  private readonly firstMaxNodeId = new Map<number, number>();
  private disposed = false;

  private constructor(
    /** Where V8 writes the snapshots. */
    readonly dir: string,
    private readonly keep: boolean,
    private readonly maxRssBytes: number,
  ) {}

  /** Makes the directory: a fresh 0700 one under RUNNER_TEMP or the OS temp dir, or keepDir (created 0700 if missing). */
  static async create(options: HeapSnapshotterOptions): Promise<HeapSnapshotter> {
    if (options.keepDir) {
      const dir = resolve(options.keepDir);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      return new HeapSnapshotter(dir, true, options.maxRssBytes);
    }
    const root = options.tmpRoot ?? (process.env.RUNNER_TEMP || tmpdir());
    const dir = await mkdtemp(join(root, 'ws-gate-heap-'));
    // mkdtemp makes it 0700 on POSIX already; said again for a umask or platform that differs.
    await chmod(dir, 0o700).catch(() => undefined);
    return new HeapSnapshotter(dir, false, options.maxRssBytes);
  }

  /** The NODE_OPTIONS value to launch the server with, keeping `existing` (the user's own). */
  nodeOptions(existing: string | undefined = process.env.NODE_OPTIONS): string {
    return snapshotNodeOptions(this.dir, existing);
  }

  /**
   * Signals `pid`, waits until its snapshot file is complete, reads it, deletes it (unless kept) and returns its
   * counts per class. The graph is kept for retainer paths until the next take of that pid (only the last one is
   * needed). Throws HeapSnapshotError (RSS above the cap, the process gone, timeout) or an AbortError.
   */
  async take(pid: number, label: string, options: TakeOptions): Promise<ProcessReading> {
    if (this.disposed) throw new HeapSnapshotError('heap snapshotter already disposed');
    const rss = await rssBytes(pid);
    if (rss !== null && rss > this.maxRssBytes) {
      throw new HeapSnapshotError(
        `pid ${pid} uses ${(rss / 1048576).toFixed(0)} MB RSS, above heap-snapshot-max-mb ${(this.maxRssBytes / 1048576).toFixed(0)}: ` +
          `no heap snapshot taken (writing one pauses the server and can double its memory)`,
      );
    }
    const before = new Set(await this.snapshotFiles(pid));
    this.graphs.delete(pid); // the previous graph is not needed any more: free it before reading the next
    const started = performance.now();
    try {
      process.kill(pid, SNAPSHOT_SIGNAL);
    } catch (err) {
      throw new HeapSnapshotError(`could not signal pid ${pid} for a heap snapshot: ${(err as Error).message}`);
    }
    const { path, graph, fileBytes, readMs, snapshotMs } = await this.waitForSnapshot(pid, before, started, options);
    try {
      const readStarted = performance.now();
      const aggregate = aggregateHeap(graph);
      this.graphs.set(pid, graph);
      if (!this.firstMaxNodeId.has(pid)) this.firstMaxNodeId.set(pid, aggregate.maxNodeId);
      return {
        pid,
        classes: aggregate.classes,
        totalBytes: aggregate.totalBytes,
        takeMs: Math.round(snapshotMs),
        readMs: Math.round(readMs + performance.now() - readStarted),
        nodeCount: aggregate.nodeCount,
        fileBytes,
      };
    } finally {
      if (this.keep) await rename(path, join(this.dir, `${fileLabel(`${label}-${pid}`)}.heapsnapshot`)).catch(() => undefined);
    }
  }

  /** `.heapsnapshot` files of one pid in the directory now: Node names them `Heap.<date>.<time>.<pid>.<tid>.<seq>`. */
  private async snapshotFiles(pid: number): Promise<string[]> {
    const ofPid = new RegExp(`^Heap\\.\\d+\\.\\d+\\.${pid}\\.\\d+\\.\\d+\\.heapsnapshot$`);
    return (await readdir(this.dir).catch(() => [] as string[])).filter((f) => ofPid.test(f));
  }

  /**
   * Polls for a new file. It is read once it ends like a snapshot (`]}`, which V8 writes last). The reader itself is
   * the proof of completeness (the top-level closing brace appears only at the very end): a read that meets the end
   * of a file still being written (a chunk that happened to end in `]}`) just waits for the next poll. The file is
   * deleted right after reading.
   */
  private async waitForSnapshot(
    pid: number,
    before: ReadonlySet<string>,
    started: number,
    options: TakeOptions,
  ): Promise<{ path: string; graph: HeapGraph; fileBytes: number; readMs: number; snapshotMs: number }> {
    const deadline = started + options.timeoutMs;
    for (;;) {
      const name = (await this.snapshotFiles(pid)).find((f) => !before.has(f));
      if (name) {
        const path = join(this.dir, name);
        const size = (await stat(path).catch(() => null))?.size ?? -1;
        if (size > 0 && (await endsLikeSnapshot(path, size))) {
          const snapshotMs = performance.now() - started;
          const readStarted = performance.now();
          try {
            // Instances newer than the first snapshot are marked, for the retainer paths of the last one.
            const graph = await readHeapSnapshot(path, { signal: options.signal, newerThan: this.firstMaxNodeId.get(pid) ?? null });
            const readMs = performance.now() - readStarted;
            const fileBytes = (await stat(path).catch(() => null))?.size ?? size;
            if (!this.keep) await rm(path, { force: true });
            return { path, graph, fileBytes, readMs, snapshotMs };
          } catch (err) {
            if (!(err instanceof IncompleteSnapshotError)) {
              if (!this.keep) await rm(path, { force: true });
              throw err instanceof Error && err.name === 'AbortError'
                ? err
                : new HeapSnapshotError(`heap snapshot of pid ${pid} unreadable: ${(err as Error).message}`);
            }
          }
        }
      }
      if (!(await isAlive(pid))) throw new HeapSnapshotError(`pid ${pid} exited while writing its heap snapshot`);
      if (performance.now() >= deadline) {
        throw new HeapSnapshotError(
          `no complete heap snapshot from pid ${pid} within ${Math.round(options.timeoutMs / 1000)} s (heap-snapshot-timeout-s)`,
        );
      }
      await sleep(POLL_MS, undefined, { signal: options.signal });
    }
  }

  /**
   * A retainer path to each of `rows` (keyed `kind\u0000name`) in the last graph of `pid`: to an instance allocated
   * after that process's first snapshot where one is reachable, else to any, retained the way most of them are.
   * One breadth-first search, however many rows. Drops the graph afterwards.
   */
  retainerPathsIn(pid: number, rows: readonly GrowthRow[]): Map<string, RetainerStep[] | null> {
    const graph = this.graphs.get(pid);
    this.graphs.delete(pid);
    const found = new Map<string, RetainerStep[] | null>();
    if (!graph || rows.length === 0) return found;
    const index = new Map(rows.map((s, i) => [`${s.kind}\u0000${s.name}`, i]));
    const memo = new Map<number, number>();
    const pairKey = classPairKeys(graph);
    const targetOf = (node: number): number => {
      const pair = pairKey(node);
      let target = memo.get(pair);
      if (target === undefined) {
        target = index.get(nodeClassKey(graph, node)) ?? -1;
        memo.set(pair, target);
      }
      return target;
    };
    // A new instance over named edges, then over hidden ones too, then any instance: an old one (a socket of the
    // IPC channel) would give a short path that has nothing to do with the leak.
    const newer = (node: number): number => (isNewer(graph, node) ? targetOf(node) : -1);
    const passes = [
      [newer, false],
      [newer, true],
      [targetOf, false],
      [targetOf, true],
    ] as const;
    const paths: Array<RetainerStep[] | null> = rows.map(() => null);
    for (const [classify, hidden] of passes) {
      if (paths.every((p) => p !== null)) break;
      retainerPaths(graph, classify, rows.length, { pick: 'common', hidden }).forEach((p, i) => (paths[i] ??= p));
    }
    for (const [key, i] of index) found.set(key, paths[i] ?? null);
    return found;
  }

  /** Drops the kept graphs (memory) without disposing the directory. */
  releaseGraphs(): void {
    this.graphs.clear();
  }

  /** Removes the private directory and everything in it (a kept directory stays). Safe to call twice. */
  async dispose(): Promise<void> {
    this.graphs.clear();
    if (this.disposed) return;
    this.disposed = true;
    if (!this.keep) await rm(this.dir, { recursive: true, force: true });
  }
}

/** True when the last bytes of the file are the end of a snapshot: the strings array and the object closed. */
async function endsLikeSnapshot(path: string, size: number): Promise<boolean> {
  const file = await open(path, 'r').catch(() => null);
  if (!file) return false;
  try {
    const tail = Buffer.alloc(Math.min(size, 64));
    await file.read(tail, 0, tail.length, size - tail.length);
    return /\]\s*\}\s*$/.test(tail.toString('latin1'));
  } finally {
    await file.close();
  }
}

/** Resident set size of one pid from /proc (Linux); null where it cannot be read. */
async function rssBytes(pid: number): Promise<number | null> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  return kb === undefined ? null : Number(kb) * 1024;
}

// ---- whether a pid may be signalled

/** True for the Node binary's usual names: node, nodejs, node20, node-24 ... */
export function isNodeExecutable(exe: string): boolean {
  return /^(node|nodejs)([-_]?\d+(\.\d+)*)?(\.exe)?$/i.test(basename(exe));
}

/**
 * The last value of a Node option in an options string (`--name=value`, `--name value`, quoted or not), or
 * null. Later occurrences win, as they do for Node.
 */
export function lastNodeOption(text: string, name: string): string | null {
  const re = new RegExp(`(?:^|\\s)${name.replace(/[-]/g, '\\-')}(?:=|\\s+)("((?:[^"\\\\]|\\\\.)*)"|(\\S+))`, 'g');
  let value: string | null = null;
  for (let m = re.exec(text); m; m = re.exec(text)) value = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? null);
  return value;
}

/** True when argv or NODE_OPTIONS install the snapshot signal and send snapshots to `dir`. */
export function snapshotReady(argv: readonly string[], nodeOptions: string, dir: string): boolean {
  const text = `${nodeOptions} ${argv.map((a) => quoteNodeOption(a)).join(' ')}`;
  return lastNodeOption(text, '--heapsnapshot-signal') === SNAPSHOT_SIGNAL && lastNodeOption(text, '--diagnostic-dir') === dir;
}
