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
  /** Each process's last parse queued, settled either way: the next one starts after it. */
  private readonly parsing = new Map<number, Promise<void>>();
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
   * Signals `pid` and waits until V8 has written its snapshot file (the server is then free to serve again); the
   * counts per class come later, from `read`, once the gate has parsed the file (in the order asked, per process:
   * the first parse's highest object id marks newer instances in later ones) and deleted it (unless kept; a file
   * never read goes with the directory). The graph is kept for retainer paths until the next parse of that pid
   * (only the last one is needed). Throws HeapSnapshotError (RSS above the cap, the process gone, timeout) or an
   * AbortError; `read` rejects the same way, or when unreadable.
   */
  async write(pid: number, label: string, options: TakeOptions): Promise<WrittenSnapshot> {
    if (this.disposed) throw new HeapSnapshotError('heap snapshotter already disposed');
    const rss = await rssBytes(pid);
    if (rss !== null && rss > this.maxRssBytes) {
      throw new HeapSnapshotError(
        `pid ${pid} uses ${(rss / 1048576).toFixed(0)} MB RSS, above heap-snapshot-max-mb ${(this.maxRssBytes / 1048576).toFixed(0)}: ` +
          `no heap snapshot taken (writing one pauses the server and can double its memory)`,
      );
    }
    const before = new Set(await this.snapshotFiles(pid));
    const started = performance.now();
    try {
      process.kill(pid, SNAPSHOT_SIGNAL);
    } catch (err) {
      throw new HeapSnapshotError(`could not signal pid ${pid} for a heap snapshot: ${(err as Error).message}`);
    }
    const written = { pid, label, started, deadline: started + options.timeoutMs, options };
    const newFile = async (): Promise<string | null> => {
      const name = (await this.snapshotFiles(pid)).find((f) => !before.has(f));
      return name === undefined ? null : join(this.dir, name);
    };
    const { path, size } = await untilWritten(written, newFile, 0);
    const file = { ...written, path, size, snapshotMs: performance.now() - started };
    let reading: Promise<ProcessReading> | null = null;
    return { read: () => (reading ??= this.queueParse(file)) };
  }

  /** Writes a snapshot of `pid` and parses it: `write` and its reading in one. */
  async take(pid: number, label: string, options: TakeOptions): Promise<ProcessReading> {
    return (await this.write(pid, label, options)).read();
  }

  /** Parses after the parses of `pid` already queued; the promise returned is handled here (never unhandled). */
  private queueParse(file: WrittenFile): Promise<ProcessReading> {
    const reading = (this.parsing.get(file.pid) ?? Promise.resolve()).then(() => this.parse(file));
    this.parsing.set(
      file.pid,
      reading.then(
        () => undefined,
        () => undefined,
      ),
    );
    return reading;
  }

  private async parse(file: WrittenFile): Promise<ProcessReading> {
    const { pid, path } = file;
    this.graphs.delete(pid); // the previous graph is not needed any more: free it before reading the next
    try {
      if (this.disposed) throw new HeapSnapshotError('heap snapshotter disposed before the snapshot was read');
      const readStarted = performance.now();
      const graph = await this.readWhole(file);
      const fileBytes = (await stat(path).catch(() => null))?.size ?? file.size;
      const aggregate = aggregateHeap(graph);
      this.graphs.set(pid, graph);
      if (!this.firstMaxNodeId.has(pid)) this.firstMaxNodeId.set(pid, aggregate.maxNodeId);
      return {
        pid,
        classes: aggregate.classes,
        totalBytes: aggregate.totalBytes,
        takeMs: Math.round(file.snapshotMs),
        readMs: Math.round(performance.now() - readStarted),
        nodeCount: aggregate.nodeCount,
        fileBytes,
      };
    } finally {
      if (this.keep) await rename(path, join(this.dir, `${fileLabel(`${file.label}-${pid}`)}.heapsnapshot`)).catch(() => undefined);
      else await rm(path, { force: true });
    }
  }

  /**
   * Reads the file. The reader is the proof of completeness (the top-level closing brace appears only at the very
   * end): a read that meets the end of a file still being written (it happened to end like a snapshot) waits until
   * the file has grown and ends like one again.
   */
  private async readWhole(file: WrittenFile): Promise<HeapGraph> {
    for (let size = file.size; ;) {
      try {
        // Instances newer than the first snapshot are marked, for the retainer paths of the last one.
        return await readHeapSnapshot(file.path, { signal: file.options.signal, newerThan: this.firstMaxNodeId.get(file.pid) ?? null });
      } catch (err) {
        if (err instanceof Error && err.name === 'AbortError') throw err;
        if (!(err instanceof IncompleteSnapshotError)) {
          throw new HeapSnapshotError(`heap snapshot of pid ${file.pid} unreadable: ${(err as Error).message}`);
        }
      }
      size = (await untilWritten(file, async () => file.path, size)).size;
    }
  }

  /** `.heapsnapshot` files of one pid in the directory now: Node names them `Heap.<date>.<time>.<pid>.<tid>.<seq>`. */
  private async snapshotFiles(pid: number): Promise<string[]> {
    const ofPid = new RegExp(`^Heap\\.\\d+\\.\\d+\\.${pid}\\.\\d+\\.\\d+\\.heapsnapshot$`);
    return (await readdir(this.dir).catch(() => [] as string[])).filter((f) => ofPid.test(f));
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
    if (this.disposed) return;
    this.disposed = true;
    // A parse still queued ends at once (disposed) or is awaited (one under way: a stopped run's signal aborts it).
    await this.settled();
    this.graphs.clear();
    if (!this.keep) await rm(this.dir, { recursive: true, force: true });
  }

  /** Resolves once every parse queued so far has ended (read or failed). */
  async settled(): Promise<void> {
    await Promise.all(this.parsing.values());
  }
}

/** A snapshot the server has written: `read` parses it (once; after the parses asked before it) for its counts. */
export interface WrittenSnapshot {
  read(): Promise<ProcessReading>;
}

/** One snapshot asked of a process: when, by when it must be complete, and how it is labelled. */
interface Asked {
  pid: number;
  label: string;
  started: number;
  deadline: number;
  options: TakeOptions;
}

/** A snapshot file that ends like a complete one. */
interface WrittenFile extends Asked {
  path: string;
  size: number;
  snapshotMs: number;
}

/**
 * Polls until `find` names a file larger than `lastSize` that ends like a snapshot; throws when the process
 * exits, the deadline passes or the signal aborts.
 */
async function untilWritten(asked: Asked, find: () => Promise<string | null>, lastSize: number): Promise<{ path: string; size: number }> {
  const { pid, deadline, options } = asked;
  for (;;) {
    const path = await find();
    const size = path === null ? -1 : ((await stat(path).catch(() => null))?.size ?? -1);
    if (path !== null && size > lastSize && (await endsLikeSnapshot(path, size))) return { path, size };
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
 * True when the file ends like a snapshot: a string closed, then the strings array and the object (V8 writes the
 * strings last). The quote must be unescaped: inside a string an unescaped quote cannot occur, so only the very end
 * matches (the meta's `"column"]}` is within the first chunk V8 writes, never a file's end).
 */
async function endsLikeSnapshot(path: string, size: number): Promise<boolean> {
  const file = await open(path, 'r').catch(() => null);
  if (!file) return false;
  try {
    const tail = Buffer.alloc(Math.min(size, 64));
    await file.read(tail, 0, tail.length, size - tail.length);
    const end = /(\\*)"\]\s*\}\s*$/.exec(tail.toString('latin1'));
    return end !== null && end[1]!.length % 2 === 0;
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
