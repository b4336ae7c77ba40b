// Takes V8 heap snapshots of a running Node server: the NODE_OPTIONS that install the snapshot signal, which pid
// to signal, waiting for a complete file, reading and deleting it; the last graph stays for retainer paths.

import { chmod, mkdir, mkdtemp, open, readFile, readdir, readlink, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { rankSuspects } from '../analysis/heap-diff.js';
import type { HeapEvidence, HeapGrowthRow, HeapSnapshotData } from '../model/heap.js';
import { findPortOwner } from '../server/port-owner.js';
import { isAlive } from '../server/process-tree.js';
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
  /** Connections the gate had made when the snapshot is taken. */
  connections: number;
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
 * Owns one private directory for a run's snapshots. Create it before launching the server (its NODE_OPTIONS
 * name the directory), take snapshots at phase boundaries (never while a scenario runs: a snapshot pauses the
 * server for seconds), attach retainer paths at the end, dispose always:
 *
 *   const heap = await HeapSnapshotter.create({ keepDir: cfg.keepDir, maxRssBytes: cfg.maxRssBytes });
 *   try {
 *     launch with env NODE_OPTIONS = heap.nodeOptions(userEnv.NODE_OPTIONS ?? process.env.NODE_OPTIONS)
 *     const target = await findSnapshotTarget(await server.tree(), port, heap.dir); // once, after readiness
 *     snapshots.push(await heap.take(target.pid, 'after-warmup', { connections, timeoutMs, signal }));
 *     ... 'after-round-N' after each leak round, 'after-cooldown' ...
 *     evidence = heap.attachRetainerPaths(diffHeap(snapshots, options));
 *   } finally { await heap.dispose(); }
 */
export class HeapSnapshotter {
  private graph: HeapGraph | null = null;
  private firstMaxNodeId: number | null = null;
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
   * Signals `pid`, waits until its snapshot file is complete, reads it, deletes it (unless kept) and returns the
   * summary and per-class counts. The graph is kept for retainer paths until the next take (only the last one
   * is needed). Throws HeapSnapshotError (RSS above the cap, the process gone, timeout) or an AbortError.
   */
  async take(pid: number, label: string, options: TakeOptions): Promise<HeapSnapshotData> {
    if (this.disposed) throw new HeapSnapshotError('heap snapshotter already disposed');
    const rss = await rssBytes(pid);
    if (rss !== null && rss > this.maxRssBytes) {
      throw new HeapSnapshotError(
        `pid ${pid} uses ${(rss / 1048576).toFixed(0)} MB RSS, above heap-snapshot-max-mb ${(this.maxRssBytes / 1048576).toFixed(0)}: ` +
          `no heap snapshot taken (writing one pauses the server and can double its memory)`,
      );
    }
    const before = new Set(await this.snapshotFiles());
    this.graph = null; // the previous graph is not needed any more: free it before reading the next
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
      this.graph = graph;
      this.firstMaxNodeId ??= aggregate.maxNodeId;
      return {
        summary: {
          label,
          connections: options.connections,
          heapBytes: aggregate.totalBytes,
          nodeCount: aggregate.nodeCount,
          snapshotMs: Math.round(snapshotMs),
          readMs: Math.round(readMs + performance.now() - readStarted),
          fileBytes,
        },
        classes: aggregate.classes,
      };
    } finally {
      if (this.keep) await rename(path, join(this.dir, `${fileLabel(label)}.heapsnapshot`)).catch(() => undefined);
    }
  }

  /** `.heapsnapshot` files in the directory now. */
  private async snapshotFiles(): Promise<string[]> {
    return (await readdir(this.dir).catch(() => [] as string[])).filter((f) => f.endsWith('.heapsnapshot'));
  }

  /**
   * Polls for a new file. It is read once its size held still for one poll and it ends like a snapshot (`]}`):
   * reading a file V8 is still writing would time the writer, not the reader. The reader itself is the proof of
   * completeness (the top-level closing brace appears only at the very end): a read that meets the end of a file
   * still being written just waits for the next poll. The file is deleted right after reading.
   */
  private async waitForSnapshot(
    pid: number,
    before: ReadonlySet<string>,
    started: number,
    options: TakeOptions,
  ): Promise<{ path: string; graph: HeapGraph; fileBytes: number; readMs: number; snapshotMs: number }> {
    const deadline = started + options.timeoutMs;
    let lastSize = -1;
    for (;;) {
      const name = (await this.snapshotFiles()).find((f) => !before.has(f));
      if (name) {
        const path = join(this.dir, name);
        const size = (await stat(path).catch(() => null))?.size ?? -1;
        if (size > 0 && size === lastSize && (await endsLikeSnapshot(path, size))) {
          const snapshotMs = performance.now() - started;
          const readStarted = performance.now();
          try {
            // Instances newer than the first snapshot are marked, for the retainer paths of the last one.
            const graph = await readHeapSnapshot(path, { signal: options.signal, newerThan: this.firstMaxNodeId });
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
        lastSize = size;
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
   * The evidence with a retainer path on each suspect (and the same rows among topGrowth), from the last
   * snapshot's graph: to an instance allocated after the first snapshot where one is reachable, else to any,
   * retained the way most of them are; then ranked nearest a root first (rankSuspects). One breadth-first
   * search, however many suspects. Drops the graph afterwards.
   */
  attachRetainerPaths(evidence: HeapEvidence): HeapEvidence {
    const graph = this.graph;
    this.graph = null;
    if (!graph || evidence.suspects.length === 0) return evidence;
    const index = new Map(evidence.suspects.map((s, i) => [`${s.nodeType}\u0000${s.name}`, i]));
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
    const paths = retainerPaths(graph, (node) => (isNewer(graph, node) ? targetOf(node) : -1), evidence.suspects.length, {
      pick: 'common',
    });
    if (paths.some((p) => p === null)) {
      const any = retainerPaths(graph, targetOf, evidence.suspects.length, { pick: 'common' });
      any.forEach((p, i) => (paths[i] ??= p));
    }
    const withPath = (row: HeapGrowthRow): HeapGrowthRow => {
      const i = index.get(`${row.nodeType}\u0000${row.name}`);
      return i === undefined ? row : { ...row, retainerPath: paths[i] ?? null };
    };
    return rankSuspects({ ...evidence, suspects: evidence.suspects.map(withPath), topGrowth: evidence.topGrowth.map(withPath) });
  }

  /** Drops the kept graph (memory) without disposing the directory. */
  releaseGraph(): void {
    this.graph = null;
  }

  /** Removes the private directory and everything in it (a kept directory stays). Safe to call twice. */
  async dispose(): Promise<void> {
    this.graph = null;
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

// ---- which pid to signal

/** What /proc says about one process of the server tree. */
export interface ProcessFacts {
  pid: number;
  /** The executable's file name (from /proc/<pid>/exe, else argv[0]). */
  exe: string;
  /** argv and NODE_OPTIONS show `--heapsnapshot-signal=SIGUSR2` and our directory. */
  snapshotReady: boolean;
}

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

/** The pid to snapshot, or why there is none (pure). */
export function chooseSnapshotTarget(
  tree: readonly number[],
  portOwner: number | null,
  facts: readonly ProcessFacts[],
): { pid: number } | { pid: null; reason: string } {
  const byPid = new Map(facts.map((f) => [f.pid, f]));
  if (portOwner !== null && tree.includes(portOwner)) {
    const owner = byPid.get(portOwner);
    if (!owner || !isNodeExecutable(owner.exe)) {
      return { pid: null, reason: `the process listening on the port (pid ${portOwner}, ${owner?.exe || 'unknown'}) is not Node` };
    }
    if (!owner.snapshotReady) {
      return { pid: null, reason: `the Node process listening on the port (pid ${portOwner}) did not get the snapshot NODE_OPTIONS` };
    }
    return { pid: portOwner };
  }
  const ready = facts.filter((f) => tree.includes(f.pid) && isNodeExecutable(f.exe) && f.snapshotReady);
  if (ready.length === 1) return { pid: ready[0]!.pid };
  if (ready.length === 0) return { pid: null, reason: 'no Node process of the server tree has the snapshot signal installed' };
  return {
    pid: null,
    reason: `the port's owner is unknown and ${ready.length} Node processes could be the server (${ready.map((f) => f.pid).join(', ')})`,
  };
}

/** Reads ProcessFacts of one pid from /proc (Linux); null when the process is gone. */
export async function readProcessFacts(pid: number, dir: string): Promise<ProcessFacts | null> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null);
  if (cmdline === null) return null;
  const argv = cmdline.split('\0').filter((a) => a !== '');
  const exe = basename(await readlink(`/proc/${pid}/exe`).catch(() => argv[0] ?? ''));
  // Another user's environ is unreadable: then only argv can show the options.
  const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
  const nodeOptions =
    environ
      .split('\0')
      .find((e) => e.startsWith('NODE_OPTIONS='))
      ?.slice('NODE_OPTIONS='.length) ?? '';
  return { pid, exe, snapshotReady: snapshotReady(argv.slice(1), nodeOptions, dir) };
}

/**
 * Which pid of the server tree to signal: the Node process that owns the listening `port` (never a shell or
 * npm wrapper: SIGUSR2 would kill it), else the one Node process of the tree with the signal installed. Linux
 * only: elsewhere the signal's handler cannot be confirmed, and signalling a process without it kills it.
 */
export async function findSnapshotTarget(
  tree: readonly number[],
  port: number | null,
  dir: string,
  platform: NodeJS.Platform = process.platform,
): Promise<{ pid: number } | { pid: null; reason: string }> {
  if (platform !== 'linux')
    return { pid: null, reason: `heap snapshots need /proc (Linux) to confirm the signal handler; not on ${platform}` };
  const owner = port === null ? null : await findPortOwner(port, platform);
  const facts = (await Promise.all(tree.map((pid) => readProcessFacts(pid, dir)))).filter((f): f is ProcessFacts => f !== null);
  return chooseSnapshotTarget(tree, owner, facts);
}
