// Proxy overhead: connect/close cycles per second of the gate's connection layer, straight to the server, through
// the fault proxy on its own thread (as the network phase runs it) with no toxic, through the same proxy on the
// gate's thread, and through a bare `socket.pipe()` relay on the gate's thread, at concurrency 10. The CPU each
// takes per cycle (the gate's process, all threads, and the server's) says what the machine's cores allow.
// Runs as the bench's `proxy` section.

import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { closeConnection, openConnection, type Target } from '../src/client/connection.js';
import { FaultProxy } from '../src/net/proxy.js';
import { ThreadedProxy } from '../src/net/proxy-thread.js';
import { parseNetwork } from '../src/net/spec.js';
import { proxiedTarget, upstreamOf } from '../src/net/target.js';
import { fullGc, median, note, round, startEchoServer } from './lib.js';

type Via = 'direct' | 'thread' | 'proxy' | 'pipe';
const VIAS: readonly Via[] = ['direct', 'thread', 'proxy', 'pipe'];

export interface ProxyTrial {
  via: Via;
  cycles: number;
  ms: number;
  perSecond: number;
  /** CPU of this process (every thread) per cycle: the proxy runs inside the gate, so its work is counted here. */
  cpuUsPerCycle: number;
  /** CPU of the echo server per cycle. */
  serverCpuUsPerCycle: number;
  /** CPU of the gate's main thread per cycle (its clients; the in-thread proxy too): the rate's bottleneck. */
  mainThreadCpuUsPerCycle: number;
  failures: number;
}

export interface ProxyResult {
  concurrency: number;
  cyclesPerBlock: number;
  pairs: number;
  directCyclesPerSecond: number;
  /** Through the proxy on a worker thread: the network phase's. */
  threadCyclesPerSecond: number;
  /** Through the same proxy on the gate's own thread (dead-peers and slow-consumer run it so). */
  proxyCyclesPerSecond: number;
  /** Through a bare pipe() relay in this process: what any in-process relay costs. */
  pipeCyclesPerSecond: number;
  /** thread / direct over all blocks: the target is >= 0.90 (at most 10 % fewer cycles). */
  ratio: number;
  /** proxy on the gate's thread / direct. */
  ratioInThread: number;
  /** proxy on the gate's thread / pipe relay: what the proxy's own code costs beyond relaying at all. */
  ratioToPipe: number;
  /** Median CPU of this process per cycle, in µs. */
  cpuUsPerCycle: Record<Via, number>;
  /** Median CPU of the server per cycle, in µs. */
  serverCpuUsPerCycle: Record<Via, number>;
  /** Median CPU of the gate's main thread per cycle, in µs. */
  mainThreadCpuUsPerCycle: Record<Via, number>;
  /** Cores this machine offers. */
  cores: number;
  /**
   * The most cycles/s the cores allow through the threaded proxy, as a share of the direct rate: cores divided by
   * the CPU a proxied cycle takes (gate and server), over the direct rate. Above 0.9 only when the machine can.
   */
  cpuCeilingRatio: number;
  medianPairRatio: number;
  ratioRange: [number, number];
  /** One client, cycle after cycle: median handshake and close time, straight and through the proxy (ms). */
  latency: Record<'direct' | 'thread', { handshakeMs: number; closeMs: number }>;
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

/** User + system CPU of a process from /proc, in µs (clock ticks of 10 ms: read over a whole block). */
function processCpuUs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/** CPU of this thread only (Node 23.9+), as process.cpuUsage() gives it for the process. */
function threadCpuUsage(previous?: NodeJS.CpuUsage): NodeJS.CpuUsage {
  return (process as unknown as { threadCpuUsage(previous?: NodeJS.CpuUsage): NodeJS.CpuUsage }).threadCpuUsage(previous);
}

async function trial(via: Via, target: Target, serverPid: number): Promise<ProxyTrial> {
  fullGc();
  const cpu = process.cpuUsage();
  const mainCpu = threadCpuUsage();
  const serverCpu = processCpuUs(serverPid);
  const start = performance.now();
  const failures = await loop(target, CYCLES);
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const mainUsed = threadCpuUsage(mainCpu);
  return {
    via,
    cycles: CYCLES,
    ms: round(ms, 1),
    perSecond: round((CYCLES * 1000) / ms, 0),
    cpuUsPerCycle: round((used.user + used.system) / CYCLES, 1),
    serverCpuUsPerCycle: round((processCpuUs(serverPid) - serverCpu) / CYCLES, 1),
    mainThreadCpuUsPerCycle: round((mainUsed.user + mainUsed.system) / CYCLES, 1),
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
  // No toxic: what relaying on a thread of its own costs. (The network phase starts one only with toxics.)
  const threaded = await ThreadedProxy.start(upstreamOf(echo.target), parseNetwork('none'));
  const relay = await startPipeRelay(upstreamOf(echo.target));
  try {
    const { pinned: _pinned, ...direct } = echo.target;
    const targets: Record<Via, Target> = {
      direct: echo.target,
      thread: proxiedTarget(echo.target, threaded),
      proxy: proxiedTarget(echo.target, proxy),
      pipe: { ...direct, url: `ws://127.0.0.1:${relay.port}/` },
    };
    note(`warm-up: ${WARMUP} cycles each, direct, through the threaded proxy, the in-thread proxy and a pipe relay`);
    for (const via of VIAS) await loop(targets[via], WARMUP);
    const trials: ProxyTrial[] = [];
    const ratios: number[] = [];
    for (let t = 0; t < PAIRS; t++) {
      // Rotate who goes first, so a drift in the machine's load favours none.
      const order: Via[] = VIAS.map((_, i, all) => all[(i + t) % all.length]!);
      const block: Partial<Record<Via, ProxyTrial>> = {};
      for (const via of order) trials.push((block[via] = await trial(via, targets[via], echo.server.pid)));
      ratios.push(block.thread!.perSecond / block.direct!.perSecond);
    }
    const sequential = {
      direct: { handshake: [] as number[], close: [] as number[] },
      thread: { handshake: [] as number[], close: [] as number[] },
    };
    for (let t = 0; t < 6; t++) {
      for (const via of t % 2 === 0 ? (['direct', 'thread'] as const) : (['thread', 'direct'] as const))
        await sequentialLatency(targets[via], 100, sequential[via]);
    }
    const latencyOf = (via: 'direct' | 'thread') => ({
      handshakeMs: round(median(sequential[via].handshake), 3),
      closeMs: round(median(sequential[via].close), 3),
    });
    const cpu = (via: Via): number => median(trials.filter((x) => x.via === via).map((x) => x.cpuUsPerCycle));
    const serverCpu = (via: Via): number => median(trials.filter((x) => x.via === via).map((x) => x.serverCpuUsPerCycle));
    const mainCpu = (via: Via): number => median(trials.filter((x) => x.via === via).map((x) => x.mainThreadCpuUsPerCycle));
    const rate = (via: Via): number => {
      const mine = trials.filter((x) => x.via === via);
      return round((mine.reduce((sum, x) => sum + x.cycles, 0) * 1000) / mine.reduce((sum, x) => sum + x.ms, 0), 0);
    };
    const straight = rate('direct');
    const onThread = rate('thread');
    const proxied = rate('proxy');
    const piped = rate('pipe');
    const cores = availableParallelism();
    const threadCycleUs = cpu('thread') + serverCpu('thread');
    return {
      concurrency: CONCURRENCY,
      cyclesPerBlock: CYCLES,
      pairs: PAIRS,
      directCyclesPerSecond: straight,
      threadCyclesPerSecond: onThread,
      proxyCyclesPerSecond: proxied,
      pipeCyclesPerSecond: piped,
      ratio: round(onThread / straight, 3),
      ratioInThread: round(proxied / straight, 3),
      ratioToPipe: round(proxied / piped, 3),
      cpuUsPerCycle: { direct: cpu('direct'), thread: cpu('thread'), proxy: cpu('proxy'), pipe: cpu('pipe') },
      serverCpuUsPerCycle: { direct: serverCpu('direct'), thread: serverCpu('thread'), proxy: serverCpu('proxy'), pipe: serverCpu('pipe') },
      mainThreadCpuUsPerCycle: { direct: mainCpu('direct'), thread: mainCpu('thread'), proxy: mainCpu('proxy'), pipe: mainCpu('pipe') },
      cores,
      cpuCeilingRatio: round((cores * 1e6) / threadCycleUs / straight, 3),
      latency: { direct: latencyOf('direct'), thread: latencyOf('thread') },
      medianPairRatio: round(median(ratios), 3),
      ratioRange: [round(Math.min(...ratios), 3), round(Math.max(...ratios), 3)],
      pairsLeft: proxy.pairs.length,
      trials,
    };
  } finally {
    await proxy.close();
    await threaded.close();
    await new Promise((resolve) => relay.server.close(resolve));
    await echo.stop();
  }
}
