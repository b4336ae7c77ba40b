// Heap snapshots of servers holding about 5, 50 and 200 MB of small objects: time to snapshot, time to read, and
// the reader's peak RSS (VmHWM of a fresh process that reads the kept file), against the targets in bench/table.ts.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { formatRetainerPath } from '../src/model/evidence.js';
import { aggregateHeap } from '../src/probe/heap-classes.js';
import { retainerPaths } from '../src/probe/heap-paths.js';
import { readHeapSnapshot } from '../src/probe/heap-reader.js';
import { HeapSnapshotter } from '../src/probe/heap-snapshot.js';
import { MB, fullGc, note, round } from './lib.js';

/** Only ends a hang: the largest heap (200 MB) took 12 s to snapshot (bench/README.md). */
const SNAPSHOT_TIMEOUT_MS = 120_000;

/** Sizes of heap the server holds, in MB (heapUsed after the allocation loop). */
export const HEAP_SIZES_MB = [5, 50, 200];

export interface HeapBenchRow {
  heldMb: number;
  /** The server's heapUsed when it said ready. */
  serverHeapUsedMb: number;
  nodes: number;
  fileMb: number;
  /** Signal to complete file (includes the 50 ms polls). */
  snapshotMs: number;
  /** Streaming the file into typed arrays and aggregating it. */
  readMs: number;
  /** Peak RSS of a fresh process reading and aggregating the file. */
  readerPeakRssMb: number;
  /** Its RSS before the read: Node itself and the bench bundle. */
  readerBaseRssMb: number;
  /** 2 x nodes x 32 bytes + 50 MB. */
  targetPeakRssMb: number;
  /** One retainer path search over the last graph (the suspects' BFS). */
  pathMs: number;
  pathPeakRssMb: number;
  /** The path found to one held object, formatted. */
  path: string | null;
}

export interface HeapBenchResult {
  rows: HeapBenchRow[];
  /** RSS of `node -e` with nothing loaded, on the same Node: what any reading process starts from. */
  bareNodeRssMb: number;
}

/** Allocates HOLD_MB of small objects (an Item, its string and a one-element array each), then idles. */
const HOLDER = `
class Item { constructor(i) { this.id = i; this.name = 'item-' + i; this.tags = [i & 7]; } }
const kept = [];
const target = Number(process.env.HOLD_MB) * 1048576;
for (let i = 0; process.memoryUsage().heapUsed < target; ) for (let k = 0; k < 10000; k++) kept.push(new Item(i++));
globalThis.kept = kept;
setInterval(() => {}, 60000);
console.log('ready ' + process.memoryUsage().heapUsed);
`;

function vmHwmBytes(): number {
  const kb = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  return Number(kb ?? 0) * 1024;
}

/** Resets VmHWM to the current RSS (Linux 4.0+), so the next peak is the read's own. */
function resetPeak(): void {
  writeFileSync('/proc/self/clear_refs', '5');
}

async function startHolder(mb: number, nodeOptions: string): Promise<{ child: ChildProcess; heapUsed: number }> {
  const child = spawn(process.execPath, ['-e', HOLDER], {
    env: { ...process.env, HOLD_MB: String(mb), NODE_OPTIONS: nodeOptions },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const heapUsed = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', function onData(chunk: Buffer) {
      const m = /ready (\d+)/.exec(chunk.toString());
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`the ${mb} MB holder exited (${code}) before it was ready`)));
  });
  return { child, heapUsed };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** What the reader child reports: its RSS before and its peak while reading, aggregating and searching a path. */
export interface ReaderCost {
  baseRssBytes: number;
  readPeakRssBytes: number;
  pathPeakRssBytes: number;
  readMs: number;
  pathMs: number;
  path: string | null;
}

/**
 * Child mode (`--heap-read FILE --out OUT`): reads one kept snapshot in a fresh process, so its peak RSS is the
 * reader's own and not the bench's garbage; then one retainer path search to an `Item`, as a run does.
 */
export async function readerChild(file: string, out: string): Promise<void> {
  fullGc();
  const baseRssBytes = process.memoryUsage().rss;
  resetPeak();
  const started = performance.now();
  const graph = await readHeapSnapshot(file);
  aggregateHeap(graph);
  const readMs = performance.now() - started;
  const readPeakRssBytes = vmHwmBytes();
  resetPeak();
  const pathStarted = performance.now();
  const item = graph.strings.indexOf('Item');
  const objectType = graph.nodeTypes.indexOf('object');
  const steps = retainerPaths(graph, (node) => (graph.nodeName[node] === item && graph.nodeType[node] === objectType ? 0 : -1), 1, {
    pick: 'common',
  })[0];
  const cost: ReaderCost = {
    baseRssBytes,
    readPeakRssBytes,
    pathPeakRssBytes: vmHwmBytes(),
    readMs,
    pathMs: performance.now() - pathStarted,
    path: steps ? formatRetainerPath(steps) : null,
  };
  writeFileSync(out, JSON.stringify(cost));
}

/** Runs readerChild in a fresh node (the bench bundle itself, in child mode). */
function readInChild(file: string, out: string): Promise<ReaderCost> {
  const child = spawn(process.execPath, ['--expose-gc', resolve(process.argv[1]!), '--heap-read', file, '--out', out], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return new Promise((resolvePromise, reject) => {
    child.once('exit', (code) => {
      try {
        resolvePromise(JSON.parse(readFileSync(out, 'utf8')) as ReaderCost);
      } catch {
        reject(new Error(`the reader child ended with exit code ${code} and no result`));
      }
    });
  });
}

async function measure(mb: number): Promise<HeapBenchRow> {
  // The file is kept (in a directory of our own, removed below) so a fresh process can read it again.
  const keepDir = mkdtempSync(join(tmpdir(), 'ws-gate-bench-heap-'));
  const snapshotter = await HeapSnapshotter.create({ keepDir, maxRssBytes: 4096 * MB });
  let child: ChildProcess | null = null;
  try {
    const started = await startHolder(mb, snapshotter.nodeOptions(''));
    child = started.child;
    const label = `held-${mb}-mb`;
    const data = await snapshotter.take(child.pid!, label, { timeoutMs: SNAPSHOT_TIMEOUT_MS });
    await stop(child);
    snapshotter.releaseGraphs();
    const cost = await readInChild(join(keepDir, `${label}-${child.pid}.heapsnapshot`), join(keepDir, 'cost.json'));
    const row: HeapBenchRow = {
      heldMb: mb,
      serverHeapUsedMb: round(started.heapUsed / MB, 1),
      nodes: data.nodeCount ?? 0,
      fileMb: round((data.fileBytes ?? 0) / MB, 1),
      snapshotMs: data.takeMs,
      readMs: data.readMs,
      readerPeakRssMb: round(cost.readPeakRssBytes / MB, 1),
      readerBaseRssMb: round(cost.baseRssBytes / MB, 1),
      targetPeakRssMb: round((2 * (data.nodeCount ?? 0) * 32) / MB + 50, 1),
      pathMs: Math.round(cost.pathMs),
      pathPeakRssMb: round(cost.pathPeakRssBytes / MB, 1),
      path: cost.path,
    };
    note(
      `${mb} MB: ${row.nodes} nodes, ${row.fileMb} MB file, snapshot ${row.snapshotMs} ms, read ${row.readMs} ms (fresh process ` +
        `${Math.round(cost.readMs)} ms), peak ${row.readerPeakRssMb} MB from ${row.readerBaseRssMb} (target ${row.targetPeakRssMb}), ` +
        `path ${row.pathMs} ms: ${row.path}`,
    );
    return row;
  } finally {
    if (child) await stop(child);
    await snapshotter.dispose();
    rmSync(keepDir, { recursive: true, force: true });
  }
}

/** The bench section: one server per size, one after another (each snapshot pauses its server for seconds). */
export async function runHeapBench(): Promise<HeapBenchResult> {
  const rows: HeapBenchRow[] = [];
  for (const mb of HEAP_SIZES_MB) rows.push(await measure(mb));
  return { rows, bareNodeRssMb: round(bareNodeRss() / MB, 1) };
}

/** RSS of a Node process that has loaded nothing, after its first tick. */
function bareNodeRss(): number {
  const out = execFileSync(process.execPath, ['-e', 'setTimeout(() => console.log(process.memoryUsage().rss), 100)'], { encoding: 'utf8' });
  return Number(out.trim());
}
