// The fault proxy against real servers: connect/close cycles through latency, jitter, slicing and resets keep
// a connect rate >= 80 %, and leave no pair in the proxy and no connection on the server; Python's websockets
// reassembles sliced, delayed frames; close() leaves no handle behind.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { closeConnection, openConnection, type Target } from '../src/client/connection.js';
import { summarize } from '../src/analysis/stats.js';
import { loadLine, runLoad } from '../src/scenarios/load.js';
import { FaultProxy, networkFaults } from '../src/net/proxy.js';
import { ThreadedProxy, relayWorkerScript } from '../src/net/proxy-thread.js';
import { parseNetwork } from '../src/net/spec.js';
import { proxiedTarget, upstreamOf } from '../src/net/target.js';
import { selfSignedCert } from './helpers/certificate.js';
import { SERVERS, testServers, type TestServer } from './helpers/test-server.js';

const { start } = testServers();
let running: TestServer | null = null;
let proxy: FaultProxy | null = null;
let threaded: ThreadedProxy | null = null;
afterEach(async () => {
  await proxy?.close();
  proxy = null;
  await threaded?.close();
  threaded = null;
});

interface CycleTally {
  attempts: number;
  connected: number;
  failures: Record<string, number>;
  handshakeMs: number[];
}

/** `workers` clients doing open/close(1000) cycles back to back, as the flapping scenario does. */
async function cycles(target: Target, workers: number, perWorker: number): Promise<CycleTally> {
  const tally: CycleTally = { attempts: 0, connected: 0, failures: {}, handshakeMs: [] };
  const signal = new AbortController().signal;
  const worker = async (): Promise<void> => {
    for (let i = 0; i < perWorker; i++) {
      tally.attempts += 1;
      const open = await openConnection(target, signal);
      if (!open.ok) {
        tally.failures[open.failure] = (tally.failures[open.failure] ?? 0) + 1;
        continue;
      }
      tally.connected += 1;
      tally.handshakeMs.push(open.handshakeMs);
      await closeConnection(open.ws, 'clean', target.closeTimeoutMs);
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  return tally;
}

/** Sends `text` and resolves with the first reply (or null after `ms`). */
function echo(ws: WebSocket, text: string, ms: number): Promise<string | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(null), ms);
    function done(reply: string | null): void {
      clearTimeout(timer);
      ws.off('message', onMessage);
      resolve(reply);
    }
    function onMessage(data: WebSocket.RawData): void {
      done(String(data));
    }
    ws.on('message', onMessage);
    ws.send(text);
  });
}

describe('the fault proxy', () => {
  it('ws echo server: latency 100 ms ± 20, 64-byte slices and 20 % resets keep >= 80 % connected and leave nothing open', async () => {
    running = await start(SERVERS.echo);
    const network = parseNetwork('latency=100ms,jitter=20ms,slice=64,reset-ratio=0.2');
    expect(await FaultProxy.inFrontOf(running.target, parseNetwork('none'))).toBeNull();
    const front = (await FaultProxy.inFrontOf(running.target, network))!;
    proxy = front.proxy;
    const target = { ...front.target, connectTimeoutMs: 3000, closeTimeoutMs: 2000 };
    const tally = await cycles(target, 5, 20);
    const rate = tally.connected / tally.attempts;
    const handshake = summarize(tally.handshakeMs)!;
    console.log(
      `toxic cycles: ${JSON.stringify({ ...tally, handshakeMs: handshake, rate, resets: proxy.resets, accepted: proxy.accepted })}`,
    );
    expect(tally.attempts).toBe(100);
    // Half the resets land mid-handshake: 10 % expected to fail, 20 % only 3.3 standard deviations away.
    expect(rate).toBeGreaterThanOrEqual(0.8);
    // Resets happened (P(none in 100) = 0.8^100), and a connect that failed failed by one.
    expect(proxy.resets).toBeGreaterThan(0);
    expect(Object.keys(tally.failures).every((kind) => kind === 'reset')).toBe(true);
    // Request and response each wait 100 ± 20 ms: no handshake can be faster than 160 ms.
    expect(Math.min(...tally.handshakeMs)).toBeGreaterThanOrEqual(150);
    await expect.poll(() => proxy!.pairs.length, { timeout: 5000 }).toBe(0);
    await expect.poll(() => running!.lingering(), { timeout: 5000 }).toBe(0);
    expect(networkFaults(network, proxy)).toEqual({
      spec: 'latency=100ms,jitter=20ms,slice=64,reset-ratio=0.2',
      toxics: network.toxics.map((t) => ({ toxic: t.toxic, direction: t.direction, params: t.params })),
      connections: 100,
      resets: proxy.resets,
    });
  });

  it("the gate's load engine through toxics: leak rounds with abrupt closes end with nothing open", async () => {
    running = await start(SERVERS.echo);
    const front = (await FaultProxy.inFrontOf(running.target, parseNetwork('latency=20ms,jitter=10ms,slice=128,reset-ratio=0.1')))!;
    proxy = front.proxy;
    const rounds: number[] = [];
    const result = await runLoad(
      {
        id: 'leak',
        clients: 3,
        cyclesPerClient: 10,
        holdMs: 20,
        pauseMs: 10,
        abruptRatio: 0.3,
        rounds: 2,
        onRound: async (_round, attempts) => void rounds.push(attempts),
      },
      front.target,
      new AbortController().signal,
    );
    expect(result.attempts).toBe(30);
    expect(rounds).toEqual([15, 30]);
    expect(result.connectRate!).toBeGreaterThanOrEqual(0.8);
    expect(result.abruptDisconnects).toBeGreaterThan(0);
    await expect.poll(() => proxy!.pairs.length, { timeout: 5000 }).toBe(0);
    await expect.poll(() => running!.lingering(), { timeout: 5000 }).toBe(0);
  });

  it('tells the resets it injected apart: they are counted as such and the rates judge the rest', async () => {
    running = await start(SERVERS.echo);
    const front = (await FaultProxy.inFrontOf(running.target, parseNetwork('reset-ratio=0.4')))!;
    proxy = front.proxy;
    const spec = { id: 'flapping' as const, clients: 4, cyclesPerClient: 15, holdMs: 0, pauseMs: 0 };
    const signal = new AbortController().signal;
    // Without the proxy's word, each reset is a failure of the server's.
    const blind = await runLoad(spec, front.target, signal);
    const resetsBlind = proxy.resets;
    expect(resetsBlind).toBeGreaterThan(0);
    expect(blind.injectedResets).toBeUndefined();
    expect(blind.connectRate! * blind.disconnectRate!).toBeLessThan(1);
    // With it, each reset (mid-upgrade, or in the close frame: the client's second write) is one injected failure.
    const told = await runLoad({ ...spec, resetByGate: (port) => proxy!.takeReset(port) }, front.target, signal);
    const injected = told.injectedResets!;
    expect(injected.connect + injected.disconnect).toBe(proxy.resets - resetsBlind);
    expect(injected.connect).toBeGreaterThan(0);
    expect(injected.disconnect).toBeGreaterThan(0);
    expect(told.connectFailures).toEqual({});
    expect(told.disconnectFailures).toEqual({});
    expect(told.connectRate).toBe(1);
    expect(told.disconnectRate).toBe(1);
    expect(loadLine(told)).toMatch(new RegExp(`, ${injected.connect + injected.disconnect} reset by the network faults$`));
    await expect.poll(() => proxy!.pairs.length, { timeout: 5000 }).toBe(0);
    await expect.poll(() => running!.lingering(), { timeout: 5000 }).toBe(0);
  });

  it("on a thread of its own (the network phase's): relays, shares its counts and resets, and closes every socket", async () => {
    running = await start(SERVERS.echo);
    expect(await ThreadedProxy.inFrontOf(running.target, parseNetwork('none'))).toBeNull();
    const front = (await ThreadedProxy.inFrontOf(running.target, parseNetwork('latency=5ms,reset-ratio=0.4')))!;
    threaded = front.proxy;
    const told = await runLoad(
      { id: 'flapping', clients: 4, cyclesPerClient: 10, holdMs: 0, pauseMs: 0, resetByGate: (port) => threaded!.takeReset(port) },
      front.target,
      new AbortController().signal,
    );
    expect(threaded.accepted).toBe(40);
    const injected = told.injectedResets!;
    expect(injected.connect + injected.disconnect).toBe(threaded.resets);
    expect(told.connectRate).toBe(1);
    expect(told.disconnectRate).toBe(1);
    expect(threaded.takeReset(1)).toBe(false);
    await threaded.close();
    await threaded.close(); // a second close is harmless
    threaded = null;
    // The listener is gone with the thread, and the server saw every relayed connection end.
    const after = await openConnection({ ...front.target, connectTimeoutMs: 1000 }, new AbortController().signal);
    expect(after.ok).toBe(false);
    await expect.poll(() => running!.lingering(), { timeout: 5000 }).toBe(0);
  });

  it('closes at once when its thread already ended (a crash), instead of waiting for an answer', async () => {
    running = await start(SERVERS.echo);
    const front = (await ThreadedProxy.inFrontOf(running.target, parseNetwork('latency=5ms')))!;
    threaded = front.proxy;
    await (threaded as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    const started = performance.now();
    await threaded.close();
    threaded = null;
    // Far below the 5 s it would wait for a thread that does not answer.
    expect(performance.now() - started).toBeLessThan(2000);
    const after = await openConnection({ ...front.target, connectTimeoutMs: 1000 }, new AbortController().signal);
    expect(after.ok).toBe(false);
  });

  it('names the files it looked for when the bundled proxy thread is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ws-gate-no-worker-'));
    try {
      expect(() => relayWorkerScript(pathToFileURL(join(dir, 'index.js')).href)).toThrow(
        new RegExp(`the fault proxy's worker is missing: looked for ${join(dir, 'relay-worker/index.js')} and `),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("Python's websockets reassembles frames sliced into 16 bytes and delayed 50 ms", async () => {
    running = await start(SERVERS.python);
    proxy = await FaultProxy.start({ upstream: upstreamOf(running.target), network: parseNetwork('latency=50ms,slice=16') });
    const target = proxiedTarget(running.target, proxy);
    const tally = await cycles(target, 3, 4);
    expect(tally).toMatchObject({ attempts: 12, connected: 12, failures: {} });
    const open = await openConnection(target, new AbortController().signal);
    expect(open.ok).toBe(true);
    if (!open.ok) return;
    const text = `sliced ${'0123456789'.repeat(100)}`;
    const started = performance.now();
    expect(await echo(open.ws, text, 10_000)).toBe(text);
    // 1,007 bytes in 16-byte slices, 1 ms apart each way, plus 2 x 50 ms.
    expect(performance.now() - started).toBeGreaterThanOrEqual(100);
    expect((await closeConnection(open.ws, 'clean', 2000)).clean).toBe(true);
    await expect.poll(() => proxy!.pairs.length, { timeout: 5000 }).toBe(0);
    await expect.poll(() => running!.lingering(), { timeout: 5000 }).toBe(0);
  });

  it('relays bytes both ways, and the client closing reaches the server', async () => {
    running = await start(SERVERS.echo);
    proxy = await FaultProxy.start({ upstream: upstreamOf(running.target) });
    const target = proxiedTarget(running.target, proxy);
    const open = await openConnection(target, new AbortController().signal);
    expect(open.ok).toBe(true);
    if (!open.ok) return;
    const [pair] = proxy.pairs;
    expect(await echo(open.ws, 'hello', 2000)).toBe('hello');
    expect(pair!.up.bytesIn).toBeGreaterThan(0);
    await closeConnection(open.ws, 'abrupt', 2000);
    await pair!.closed;
    expect(pair!.upstreamClosedAt).not.toBeNull();
    await expect.poll(() => running!.lingering(), { timeout: 5000 }).toBe(0);
  });

  it('wss:// through the proxy: TLS passes end to end, checked against a certificate for localhost only', async () => {
    const { cert, key, dir } = selfSignedCert('DNS:localhost');
    try {
      const ca = readFileSync(cert, 'utf8');
      running = await start(SERVERS.wssEcho, { env: { TLS_CERT: cert, TLS_KEY: key }, scheme: 'wss', host: 'localhost', target: { ca } });
      proxy = await FaultProxy.start({ upstream: upstreamOf(running.target), network: parseNetwork('latency=20ms,slice=32') });
      const open = await openConnection(proxiedTarget(running.target, proxy), new AbortController().signal);
      expect(open).toMatchObject({ ok: true });
      if (!open.ok) return;
      expect(await echo(open.ws, 'over tls', 5000)).toBe('over tls');
      expect((await closeConnection(open.ws, 'clean', 2000)).clean).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bandwidth: bytes reach the server at the rate, and a fast sender is pushed back instead of buffered', async () => {
    running = await start(SERVERS.echo);
    const highWaterBytes = 64 * 1024;
    proxy = await FaultProxy.start({ upstream: upstreamOf(running.target), network: parseNetwork('up.bandwidth=256kb'), highWaterBytes });
    const open = await openConnection(proxiedTarget(running.target, proxy), new AbortController().signal);
    expect(open.ok).toBe(true);
    if (!open.ok) return;
    const [pair] = proxy.pairs;
    const sentAt = performance.now();
    // 32 MiB: loopback's socket buffers alone take several MiB before anything waits in the client.
    for (let i = 0; i < 512; i++) open.ws.send(Buffer.alloc(64 * 1024, i));
    await sleep(1000);
    const elapsedS = (performance.now() - sentAt) / 1000;
    // About 256 KiB/s let through (plus the upgrade request), the rest waits in the client.
    expect(pair!.up.bytesOut).toBeLessThan(256 * 1024 * elapsedS * 1.5 + 1024);
    expect(pair!.up.bytesOut).toBeGreaterThan(256 * 1024 * 0.5);
    // The toxic holds at most the high-water mark and one read; the client's own queue holds the rest.
    expect(pair!.up.heldBytes()).toBeLessThanOrEqual(highWaterBytes + 64 * 1024);
    expect(open.ws.bufferedAmount).toBeGreaterThan(1024 * 1024);
    await closeConnection(open.ws, 'abrupt', 1000);
  });

  it('a refused upstream reaches the client as a reset, and leaves no pair', async () => {
    running = await start(SERVERS.echo);
    const upstream = upstreamOf(running.target);
    await running.stop();
    running = null;
    proxy = await FaultProxy.start({ upstream });
    const open = await openConnection(
      { url: `ws://127.0.0.1:${proxy.port}/`, headers: {}, subprotocols: [], connectTimeoutMs: 2000, closeTimeoutMs: 1000 },
      new AbortController().signal,
    );
    expect(open).toMatchObject({ ok: false, failure: 'reset' });
    await expect.poll(() => proxy!.pairs.length, { timeout: 2000 }).toBe(0);
    expect(proxy.accepted).toBe(1);
  });

  it('close() with toxics holding data and connections open leaves no socket, server or timer behind', async () => {
    running = await start(SERVERS.echo);
    await sleep(200);
    const before = resourceCounts();
    const local = await FaultProxy.start({
      upstream: upstreamOf(running.target),
      network: parseNetwork('latency=300ms,slow-close=5s,bandwidth=1kb'),
    });
    const target = proxiedTarget(running.target, local);
    const signal = new AbortController().signal;
    const opened = await Promise.all([1, 2, 3].map(() => openConnection(target, signal)));
    const sockets = opened.flatMap((o) => (o.ok ? [o.ws] : []));
    expect(sockets).toHaveLength(3);
    // Bytes queued in the latency and bandwidth toxics, timers pending.
    for (const ws of sockets) ws.send('x'.repeat(4000));
    expect(local.pairs).toHaveLength(3);
    await local.close();
    expect(local.pairs).toHaveLength(0);
    await Promise.all(sockets.map((ws) => closeConnection(ws, 'abrupt', 1000)));
    await sleep(300);
    const after = resourceCounts();
    const added = Object.entries(after).filter(([kind, n]) => n > (before[kind] ?? 0));
    expect(added, `before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`).toEqual([]);
    await expect.poll(() => running!.lingering(), { timeout: 5000 }).toBe(0);
  });
});

function resourceCounts(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) out[kind] = (out[kind] ?? 0) + 1;
  return out;
}
