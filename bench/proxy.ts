// Proxy overhead: connect/close cycles per second of the gate's connection layer, straight to the server, through
// the fault proxy with no toxic, and through a bare `socket.pipe()` relay (the floor of any in-process relay), at
// concurrency 10. Runs as the bench's `proxy` section.

import { createServer, connect, type Server, type Socket } from 'node:net';
import { closeConnection, openConnection, type Target } from '../src/client/connection.js';
import { FaultProxy } from '../src/net/proxy.js';
import { proxiedTarget, upstreamOf } from '../src/net/target.js';
import { fullGc, median, note, round, startEchoServer } from './lib.js';

type Via = 'direct' | 'proxy' | 'pipe';

export interface ProxyTrial {
  via: Via;
  cycles: number;
  ms: number;
  perSecond: number;
  /** CPU of this process per cycle: the proxy runs inside the gate, so its work is counted here. */
  cpuUsPerCycle: number;
  failures: number;
}

export interface ProxyResult {
  concurrency: number;
  cyclesPerBlock: number;
  pairs: number;
  directCyclesPerSecond: number;
  proxyCyclesPerSecond: number;
  /** Through a bare pipe() relay in this process: what any in-process relay costs. */
  pipeCyclesPerSecond: number;
  /** proxy / direct over all blocks: the target is >= 0.90 (at most 10 % fewer cycles). */
  ratio: number;
  /** proxy / pipe relay: what the proxy's own code costs beyond relaying at all. */
  ratioToPipe: number;
  /** Median CPU of this process per cycle, in µs. */
  cpuUsPerCycle: Record<Via, number>;
  medianPairRatio: number;
  ratioRange: [number, number];
  /** One client, cycle after cycle: median handshake and close time, straight and through the proxy (ms). */
  latency: Record<'direct' | 'proxy', { handshakeMs: number; closeMs: number }>;
  /** Pairs still open in the proxy after the last block (should be 0). */
  pairsLeft: number;
  trials: ProxyTrial[];
}

const CONCURRENCY = 10;
const CYCLES = 400;
/** Blocks of each kind (direct, proxy, pipe), rotated. */
const PAIRS = 8;
const WARMUP = 1000;
const signal = new AbortController().signal;

/** `CONCURRENCY` workers doing open / close(1000) cycles back to back; returns the failures. */
async function loop(target: Target, cycles: number): Promise<number> {
  let failures = 0;
  const worker = async (): Promise<void> => {
    for (let i = 0; i < cycles / CONCURRENCY; i++) {
      const open = await openConnection(target, signal);
      if (!open.ok) {
        failures += 1;
        continue;
      }
      if (!(await closeConnection(open.ws, 'clean', target.closeTimeoutMs)).clean) failures += 1;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return failures;
}

async function trial(via: Via, target: Target): Promise<ProxyTrial> {
  fullGc();
  const cpu = process.cpuUsage();
  const start = performance.now();
  const failures = await loop(target, CYCLES);
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return {
    via,
    cycles: CYCLES,
    ms: round(ms, 1),
    perSecond: round((CYCLES * 1000) / ms, 0),
    cpuUsPerCycle: round((used.user + used.system) / CYCLES, 1),
    failures,
  };
}

/** Median handshake and close times of `cycles` sequential cycles (the flapping scenario's pace, minus hold and pause). */
async function sequentialLatency(target: Target, cycles: number, into: { handshake: number[]; close: number[] }): Promise<void> {
  for (let i = 0; i < cycles; i++) {
    const open = await openConnection(target, signal);
    if (!open.ok) continue;
    into.handshake.push(open.handshakeMs);
    into.close.push((await closeConnection(open.ws, 'clean', target.closeTimeoutMs)).closeMs);
  }
}

/** The least a relay can do: pipe() both ways, destroy the other side on error. */
async function startPipeRelay(upstream: { host: string; port: number }): Promise<{ server: Server; port: number }> {
  const server = createServer({ allowHalfOpen: true }, function relay(client: Socket) {
    const up = connect({ ...upstream, allowHalfOpen: true, noDelay: true });
    client.setNoDelay(true);
    client.pipe(up);
    up.pipe(client);
    client.on('error', () => up.destroy());
    up.on('error', () => client.destroy());
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
  return { server, port };
}

/** Alternating blocks, direct, through the proxy and through a bare relay, against one warm echo server. */
export async function runProxyOverhead(): Promise<ProxyResult> {
  const echo = await startEchoServer('proxy');
  const proxy = await FaultProxy.start({ upstream: upstreamOf(echo.target) });
  const relay = await startPipeRelay(upstreamOf(echo.target));
  try {
    const through = proxiedTarget(echo.target, proxy);
    const { pinned: _pinned, ...direct } = echo.target;
    const targets: Record<Via, Target> = { direct: echo.target, proxy: through, pipe: { ...direct, url: `ws://127.0.0.1:${relay.port}/` } };
    note(`warm-up: ${WARMUP} cycles each, direct, proxied, piped`);
    for (const via of ['direct', 'proxy', 'pipe'] as const) await loop(targets[via], WARMUP);
    const trials: ProxyTrial[] = [];
    const ratios: number[] = [];
    for (let t = 0; t < PAIRS; t++) {
      // Rotate who goes first, so a drift in the machine's load favours none.
      const order: Via[] = (['direct', 'proxy', 'pipe'] as const).map((_, i, all) => all[(i + t) % all.length]!);
      const block: Partial<Record<Via, ProxyTrial>> = {};
      for (const via of order) trials.push((block[via] = await trial(via, targets[via])));
      ratios.push(block.proxy!.perSecond / block.direct!.perSecond);
    }
    const sequential = {
      direct: { handshake: [] as number[], close: [] as number[] },
      proxy: { handshake: [] as number[], close: [] as number[] },
    };
    for (let t = 0; t < 6; t++) {
      for (const via of t % 2 === 0 ? (['direct', 'proxy'] as const) : (['proxy', 'direct'] as const))
        await sequentialLatency(targets[via], 100, sequential[via]);
    }
    const latencyOf = (via: 'direct' | 'proxy') => ({
      handshakeMs: round(median(sequential[via].handshake), 3),
      closeMs: round(median(sequential[via].close), 3),
    });
    const cpu = (via: Via): number => median(trials.filter((x) => x.via === via).map((x) => x.cpuUsPerCycle));
    const rate = (via: Via): number => {
      const mine = trials.filter((x) => x.via === via);
      return round((mine.reduce((sum, x) => sum + x.cycles, 0) * 1000) / mine.reduce((sum, x) => sum + x.ms, 0), 0);
    };
    const straight = rate('direct');
    const proxied = rate('proxy');
    const piped = rate('pipe');
    return {
      concurrency: CONCURRENCY,
      cyclesPerBlock: CYCLES,
      pairs: PAIRS,
      directCyclesPerSecond: straight,
      proxyCyclesPerSecond: proxied,
      pipeCyclesPerSecond: piped,
      ratio: round(proxied / straight, 3),
      ratioToPipe: round(proxied / piped, 3),
      cpuUsPerCycle: { direct: cpu('direct'), proxy: cpu('proxy'), pipe: cpu('pipe') },
      latency: { direct: latencyOf('direct'), proxy: latencyOf('proxy') },
      medianPairRatio: round(median(ratios), 3),
      ratioRange: [round(Math.min(...ratios), 3), round(Math.max(...ratios), 3)],
      pairsLeft: proxy.pairs.length,
      trials,
    };
  } finally {
    await proxy.close();
    await new Promise((resolve) => relay.server.close(resolve));
    await echo.stop();
  }
}
