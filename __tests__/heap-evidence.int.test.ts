// Heap evidence end to end: a real Node ws server launched through a shell with the snapshot NODE_OPTIONS, real
// clients over loopback, snapshots after warm-up, each round and a cooldown; the diff names each leak's constructor
// with a retainer path and finds nothing in the clean server.

import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { diffEvidence, rankSuspects } from '../src/analysis/evidence-diff.js';
import { sumBoundaries, whereSuspectsGrew } from '../src/analysis/evidence-judge.js';
import { formatRetainerPath, type Boundary, type Evidence } from '../src/model/evidence.js';
import { withPaths } from '../src/probe/evidence-source.js';
import { NodeHeapSource } from '../src/probe/node-heap.js';
import { unsettledConnections } from '../src/probe/proc-signals.js';
import { isAlive } from '../src/server/process-tree.js';
import { pickFreePort } from '../src/server/endpoint.js';
import { waitForHandshake } from '../src/server/readiness.js';
import { ServerProcess } from '../src/server/server-process.js';

const ROOT = resolve(import.meta.dirname, '..');
/** The Node that runs the fixture: HEAP_FIXTURE_NODE=/usr/bin/node checks another major (the machine's Node 20). */
const FIXTURE_NODE = process.env.HEAP_FIXTURE_NODE || process.execPath;
const FIXTURE = join(ROOT, '__tests__/fixtures/heap-leak-server.js');
const WARMUP = 5;
const ROUNDS = 3;
const PER_ROUND = 20;

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

/** One connection: open, then a close handshake (clean) or terminate() (the peer vanishes; the server sees 1006). */
function connectOnce(url: string, abrupt: boolean): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`connection to ${url} took over 10 s`));
    }, 10_000);
    ws.once('open', function onOpen() {
      if (abrupt) ws.terminate();
      else ws.close(1000);
    });
    ws.once('close', function onClose() {
      clearTimeout(timer);
      resolvePromise();
    });
    ws.once('error', function onError(err) {
      clearTimeout(timer);
      ws.terminate();
      reject(err);
    });
  });
}

/** Waits until the server holds no connection on its port, open or closing: every close was handled. */
async function waitForNoConnections(pid: number, port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await unsettledConnections([pid], port)) === 0) return;
    await sleep(25);
  }
  throw new Error(`the server pid ${pid} still holds connections on port ${port} after 5 s`);
}

interface Measured {
  evidence: Evidence;
  boundaries: Boundary[];
  dir: string;
  shellPid: number;
  target: number;
}

/** The heap evidence of the fixture in one LEAK mode. */
async function measure(leak: string): Promise<Measured> {
  const source = await NodeHeapSource.create({ maxRssBytes: 512 * 1024 * 1024 });
  cleanup.push(() => source.dispose());
  const port = await pickFreePort();
  const url = `ws://127.0.0.1:${port}/`;
  // A shell stays the root of the tree (two commands): the signal must go to the node child, never to sh.
  const logPath = join(tmpdir(), `ws-gate-heap-test-${leak}-${process.pid}.log`);
  const server = await ServerProcess.launch({
    command: `${JSON.stringify(FIXTURE_NODE)} ${JSON.stringify(FIXTURE)}; echo heap-leak-server ended`,
    cwd: ROOT,
    env: source.launchEnv({ PORT: String(port), LEAK: leak, NODE_OPTIONS: '--max-old-space-size=256' }),
    logPath,
  });
  cleanup.push(async () => {
    const survivors = await server.stop(2000);
    rmSync(logPath, { force: true });
    expect(survivors, `server processes still alive: ${survivors.join(', ')}`).toEqual([]);
  });
  const controller = new AbortController();
  await waitForHandshake(
    { url, headers: {}, subprotocols: [], connectTimeoutMs: 5000, closeTimeoutMs: 2000 },
    { timeoutMs: 15_000, signal: controller.signal, gaveUp: () => (server.exit ? 'the fixture exited' : null) },
  );
  let connections = 1;
  // The shell serves nothing: it is the node child that listens.
  const tree = await server.tree();
  const found = await source.find(tree, tree.slice(1));
  if (!found.readable) throw new Error(`no snapshot target: ${found.reason}`);
  const pid = found.processes.find((p) => p.read)!.pid;

  const boundaries: Boundary[] = [];
  const snapshot = async (label: string): Promise<void> => {
    await waitForNoConnections(pid, port);
    boundaries.push({ label, connections, readings: await (await source.read({ label, connections, timeoutMs: 60_000 })).counts() });
  };
  for (let i = 0; i < WARMUP; i++, connections++) await connectOnce(url, false);
  await snapshot('after-warmup');
  for (let r = 1; r <= ROUNDS; r++) {
    for (let i = 0; i < PER_ROUND; i++, connections++) await connectOnce(url, i % 2 === 1);
    await snapshot(`after-round-${r}`);
  }
  await sleep(300);
  await snapshot('after-cooldown');
  const diffed = diffEvidence('heap-snapshots', sumBoundaries(boundaries, null));
  const evidence = rankSuspects(withPaths(diffed, await source.explain(whereSuspectsGrew(boundaries, diffed.suspects))));
  expect(await isAlive(server.pid), 'the shell wrapper survived the snapshots').toBe(true);
  expect(server.exit).toBeNull();
  return { evidence, boundaries, dir: source.snapshotter.dir, shellPid: server.pid, target: pid };
}

function suspect(evidence: Evidence, name: string) {
  const row = evidence.suspects.find((s) => s.name === name);
  expect(row, `no suspect ${name} among ${evidence.suspects.map((s) => `${s.name} ${s.perConnection}`).join(', ')}`).toBeDefined();
  return row!;
}

describe('heap evidence from a real Node server', () => {
  it('finds no suspect in a clean echo server, with the files deleted and the directory gone afterwards', async () => {
    const { evidence, boundaries, dir, shellPid, target } = await measure('none');
    expect(target).not.toBe(shellPid);
    expect(evidence.status).toBe('measured');
    expect(evidence.readings.map((s) => [s.label, s.connections])).toEqual([
      ['after-warmup', 6],
      ['after-round-1', 26],
      ['after-round-2', 46],
      ['after-round-3', 66],
      ['after-cooldown', 66],
    ]);
    expect(
      evidence.suspects,
      JSON.stringify(evidence.topGrowth.map((r) => [r.kind, r.name, r.countDelta, r.perConnection, r.consistent])),
    ).toEqual([]);
    for (const row of evidence.topGrowth) expect(row.perConnection < 0.5 || !row.consistent || row.countDelta < 20).toBe(true);
    for (const b of boundaries) expect(b.readings[0]!.totalBytes).toBeGreaterThan(1024 * 1024);
    expect(existsSync(dir)).toBe(true);
    for (const step of cleanup.reverse()) await step();
    cleanup = [];
    expect(existsSync(dir)).toBe(false);
  });

  it('names the 20 KB Buffer kept per connection as its backing store, with a path through `buffers`', async () => {
    const { evidence } = await measure('buffer');
    expect(evidence.suspects[0]!.name).toBe('Buffer');
    const row = suspect(evidence, 'system / JSArrayBufferData');
    expect(row.kind).toBe('native');
    expect(row.perConnection).toBeGreaterThanOrEqual(0.9);
    expect(row.bytesDelta).toBeGreaterThanOrEqual(55 * 20 * 1024);
    expect(evidence.kbPerConnection!).toBeGreaterThan(15);
    expect(formatRetainerPath(row.retainerPath!)).toMatch(/buffers \(context of heap-leak-server\.js\)/);
  });

  it('names Session kept per connection in a module-level Map, with its context variable', async () => {
    const { evidence } = await measure('session-map');
    expect(evidence.suspects[0]!.name).toBe('Session');
    const row = suspect(evidence, 'Session');
    expect(row.perConnection).toBe(1);
    expect(row.countDelta).toBe(ROUNDS * PER_ROUND);
    expect(suspect(evidence, 'WebSocket').perConnection).toBeGreaterThanOrEqual(0.9);
    const path = formatRetainerPath(row.retainerPath!);
    expect(path).toMatch(/^\(GC roots\) → .*Map sessions \(context of heap-leak-server\.js\) → Session$/);
  });

  it('names PeerState kept only for clients that vanished (1006), half the connections', async () => {
    const { evidence } = await measure('vanished');
    expect(evidence.suspects[0]!.name).toBe('PeerState');
    const row = suspect(evidence, 'PeerState');
    expect(row.countDelta).toBe((ROUNDS * PER_ROUND) / 2);
    expect(row.perConnection).toBe(0.5);
    expect(formatRetainerPath(row.retainerPath!)).toMatch(/Map peers \(context of heap-leak-server\.js\) → PeerState$/);
  });
});
