// The reader on real V8 snapshots and the snapshotter against real Node processes: counts, paths, the size cap,
// the timeout, cancelling, and a directory that is gone afterwards.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { formatRetainerPath } from '../src/model/evidence.js';
import { aggregateHeap } from '../src/probe/heap-classes.js';
import { retainerPath } from '../src/probe/heap-paths.js';
import { readHeapSnapshot } from '../src/probe/heap-reader.js';
import { HeapSnapshotError, HeapSnapshotter } from '../src/probe/heap-snapshot.js';
import { NodeHeapSource } from '../src/probe/node-heap.js';
import { isAlive } from '../src/server/process-tree.js';
import { unhandledRejectionsCollected } from './helpers/resources.js';

let cleanup: Array<() => Promise<void> | void> = [];
const unhandled = unhandledRejectionsCollected();
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

/** Starts `node -e script` with env; killed after the test whatever happens. Resolves once it printed "ready". */
async function startNode(script: string, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  cleanup.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    expect(await isAlive(child.pid!)).toBe(false);
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', function onData(chunk: Buffer) {
      if (chunk.toString().includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`node exited with ${code} before it was ready`)));
  });
  return child;
}

const KEEPER = `
class Marker { constructor(i) { this.i = i; } }
globalThis.kept = Array.from({ length: 300 }, (_, i) => new Marker(i));
setInterval(() => {}, 1000);
console.log('ready');
`;

describe('reading a real snapshot', () => {
  it('counts 300 instances of a class and finds the global that keeps them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ws-gate-heap-read-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'real.heapsnapshot');
    const run = spawnSync(
      process.execPath,
      ['-e', `${KEEPER.replace('setInterval(() => {}, 1000);', '')}\nrequire('v8').writeHeapSnapshot(${JSON.stringify(file)});`],
      {
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(run.status, run.stderr).toBe(0);
    const graph = await readHeapSnapshot(file);
    const agg = aggregateHeap(graph);
    expect(agg.classes.find((c) => c.kind === 'object' && c.name === 'Marker')?.count).toBe(300);
    expect(agg.nodeCount).toBe(graph.nodeCount);
    // Every node's self size is counted once, included or left out: against the file read whole, apart from the reader.
    const whole = JSON.parse(readFileSync(file, 'utf8')) as { snapshot: { meta: { node_fields: string[] } }; nodes: number[] };
    const fields = whole.snapshot.meta.node_fields;
    const sizeAt = fields.indexOf('self_size');
    let selfSizes = 0;
    for (let i = sizeAt; i < whole.nodes.length; i += fields.length) selfSizes += whole.nodes[i]!;
    expect(agg.totalBytes + agg.excludedBytes).toBe(selfSizes);
    expect(agg.excludedBytes).toBeGreaterThan(0);
    const path = retainerPath(
      graph,
      (node) => graph.strings[graph.nodeName[node]!] === 'Marker' && graph.nodeTypes[graph.nodeType[node]!] === 'object',
    );
    expect(formatRetainerPath(path!)).toMatch(/(^|→ )global\.kept → Array(\[\d+\])? → Marker$/);
    // The text is never whole in memory: a 1 MB stream over a file of several.
    expect(statSync(file).size).toBeGreaterThan(2 * 1024 * 1024);
  });
});

describe('HeapSnapshotter', () => {
  it('snapshots a running node on the signal, deletes each file after reading, and removes its directory', async () => {
    const snapshotter = await HeapSnapshotter.create({ maxRssBytes: 512 * 1024 * 1024 });
    cleanup.push(() => snapshotter.dispose());
    expect(statSync(snapshotter.dir).mode & 0o777).toBe(0o700);
    const child = await startNode(KEEPER, { NODE_OPTIONS: snapshotter.nodeOptions('') });
    const first = await snapshotter.take(child.pid!, 'first', { timeoutMs: 60_000 });
    expect(readdirSync(snapshotter.dir)).toEqual([]);
    const second = await snapshotter.take(child.pid!, 'second', { timeoutMs: 60_000 });
    expect(second.classes.find((c) => c.kind === 'object' && c.name === 'Marker')?.count).toBe(300);
    expect(second.pid).toBe(child.pid);
    expect(second.fileBytes).toBeGreaterThan(1024 * 1024);
    expect(Math.abs(second.totalBytes! - first.totalBytes!)).toBeLessThan(first.totalBytes! / 2);
    expect(await isAlive(child.pid!)).toBe(true);
    await snapshotter.dispose();
    expect(existsSync(snapshotter.dir)).toBe(false);
    await expect(snapshotter.take(child.pid!, 'late', { timeoutMs: 1000 })).rejects.toThrow(/disposed/);
  });

  it('keeps the files under their labels in heap-snapshot-dir, and leaves that directory', async () => {
    const keepDir = join(mkdtempSync(join(tmpdir(), 'ws-gate-heap-keep-')), 'kept snapshots');
    cleanup.push(() => rmSync(join(keepDir, '..'), { recursive: true, force: true }));
    const snapshotter = await HeapSnapshotter.create({ keepDir, maxRssBytes: 512 * 1024 * 1024 });
    cleanup.push(() => snapshotter.dispose());
    const child = await startNode(KEEPER, { NODE_OPTIONS: snapshotter.nodeOptions('') });
    await snapshotter.take(child.pid!, 'after warm-up', { timeoutMs: 60_000 });
    await snapshotter.dispose();
    expect(readdirSync(keepDir)).toEqual([`after_warm-up-${child.pid}.heapsnapshot`]);
  });

  it('takes no snapshot of a process above the size cap, and the process lives on', async () => {
    const snapshotter = await HeapSnapshotter.create({ maxRssBytes: 1024 * 1024 });
    cleanup.push(() => snapshotter.dispose());
    const child = await startNode(KEEPER, { NODE_OPTIONS: snapshotter.nodeOptions('') });
    await expect(snapshotter.take(child.pid!, 'capped', { timeoutMs: 60_000 })).rejects.toThrow(/above heap-snapshot-max-mb 1/);
    await sleep(200);
    expect(await isAlive(child.pid!)).toBe(true);
    expect(readdirSync(snapshotter.dir)).toEqual([]);
  });

  it('gives up after the timeout, or at once when cancelled, if no snapshot comes', async () => {
    const snapshotter = await HeapSnapshotter.create({ maxRssBytes: 512 * 1024 * 1024 });
    cleanup.push(() => snapshotter.dispose());
    // Handles the signal itself, so no snapshot is written and the process is not killed.
    const child = await startNode(`process.on('SIGUSR2', () => {}); setInterval(() => {}, 1000); console.log('ready');`, {});
    const started = performance.now();
    await expect(snapshotter.take(child.pid!, 'never', { timeoutMs: 300 })).rejects.toThrow(HeapSnapshotError);
    expect(performance.now() - started).toBeLessThan(5000);
    const controller = new AbortController();
    const cancelled = snapshotter.take(child.pid!, 'cancelled', { timeoutMs: 60_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await expect(cancelled).rejects.toMatchObject({ name: 'AbortError' });
    expect(await isAlive(child.pid!)).toBe(true);
  });

  it('is done with the server once the file is written, parses only when asked, in the order asked', async () => {
    const snapshotter = await HeapSnapshotter.create({ maxRssBytes: 512 * 1024 * 1024 });
    cleanup.push(() => snapshotter.dispose());
    const child = await startNode(KEEPER, { NODE_OPTIONS: snapshotter.nodeOptions('') });
    const first = await snapshotter.write(child.pid!, 'first', { timeoutMs: 60_000 });
    const second = await snapshotter.write(child.pid!, 'second', { timeoutMs: 60_000 });
    // Both files are complete and wait for their parse: the window need not.
    await sleep(200);
    expect(readdirSync(snapshotter.dir)).toHaveLength(2);
    const [one, two] = await Promise.all([first.read(), second.read()]);
    expect(two.classes.find((c) => c.kind === 'object' && c.name === 'Marker')?.count).toBe(300);
    expect(one.nodeCount).toBeGreaterThan(0);
    expect(second.read()).toBe(second.read());
    expect(readdirSync(snapshotter.dir)).toEqual([]);
  });

  it('removes its files when stopped with a parse pending or never asked; the pending reading rejects only where awaited', async () => {
    const snapshotter = await HeapSnapshotter.create({ maxRssBytes: 512 * 1024 * 1024 });
    cleanup.push(() => snapshotter.dispose());
    const child = await startNode(KEEPER, { NODE_OPTIONS: snapshotter.nodeOptions('') });
    const controller = new AbortController();
    const options = { timeoutMs: 60_000, signal: controller.signal };
    const pending = await snapshotter.write(child.pid!, 'pending', options);
    await snapshotter.write(child.pid!, 'never read', options);
    expect(readdirSync(snapshotter.dir)).toHaveLength(2);
    const reading = pending.read();
    controller.abort();
    await snapshotter.dispose();
    expect(existsSync(snapshotter.dir)).toBe(false);
    await sleep(50);
    expect(unhandled).toEqual([]);
    // Aborted, or ended by the dispose before it began.
    await expect(reading).rejects.toSatisfy((err: Error) => err.name === 'AbortError' || /disposed before/.test(err.message));
    expect(await isAlive(child.pid!)).toBe(true);
  });

  it('says so when a snapshot that ends like one cannot be read, and removes it', async () => {
    const snapshotter = await HeapSnapshotter.create({ maxRssBytes: 512 * 1024 * 1024 });
    cleanup.push(() => snapshotter.dispose());
    // Writes, as Node names it, a file that ends like a snapshot and is not one.
    const child = await startNode(
      `const { writeFileSync } = require('node:fs');
       process.on('SIGUSR2', () => writeFileSync(require('node:path').join(${JSON.stringify(snapshotter.dir)},
         'Heap.20260101.000000.' + process.pid + '.0.001.heapsnapshot'), '{"snapshot":{"meta":{}},"nodes":[1,2],"strings":["a"]}'));
       setInterval(() => {}, 1000); console.log('ready');`,
      {},
    );
    const written = await snapshotter.write(child.pid!, 'corrupt', { timeoutMs: 10_000 });
    await expect(written.read()).rejects.toThrow(new RegExp(`^heap snapshot of pid ${child.pid} unreadable: not a heap snapshot`));
    await expect(written.read()).rejects.toBeInstanceOf(HeapSnapshotError);
    expect(readdirSync(snapshotter.dir)).toEqual([]);
    await snapshotter.dispose();
    expect(existsSync(snapshotter.dir)).toBe(false);
    expect(unhandled).toEqual([]);
  });

  it('reads only the Node processes whose NODE_OPTIONS install the signal: SIGUSR2 kills any other', async () => {
    const source = await NodeHeapSource.create({ maxRssBytes: 512 * 1024 * 1024 });
    cleanup.push(() => source.dispose());
    const ready = await startNode(KEEPER, source.launchEnv({}));
    const bare = await startNode(KEEPER, { NODE_OPTIONS: '' });
    const found = await source.find([ready.pid!, bare.pid!], []);
    expect(found.readable).toBe(true);
    expect(found.processes).toEqual([
      { pid: ready.pid, exe: 'node', read: true, heldConnections: false },
      { pid: bare.pid, exe: 'node', read: false, heldConnections: false, why: 'did not get the snapshot NODE_OPTIONS' },
    ]);
    const readings = await (await source.read({ label: 'only-ready', connections: 0, timeoutMs: 60_000 })).counts();
    expect(readings.map((r) => r.pid)).toEqual([ready.pid]);
    expect(await isAlive(bare.pid!)).toBe(true);
    expect((await source.find([bare.pid!], [])).readable).toBe(false);
  });

  it('says when the process dies while it should be writing', async () => {
    const snapshotter = await HeapSnapshotter.create({ maxRssBytes: 512 * 1024 * 1024 });
    cleanup.push(() => snapshotter.dispose());
    const child = await startNode(`process.on('SIGUSR2', () => process.exit(3)); setInterval(() => {}, 1000); console.log('ready');`, {});
    await expect(snapshotter.take(child.pid!, 'dies', { timeoutMs: 30_000 })).rejects.toThrow(/exited while writing/);
  });
});
