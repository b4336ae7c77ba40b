// Scale: whole gate runs with 1,000 flapping clients and with 5,000 connections held open at once, on loopback.

import WebSocket from 'ws';
import { openConnection } from '../src/client/connection.js';
import type { RawInputs } from '../src/config/inputs.js';
import { pickFreePort } from '../src/server/endpoint.js';
import { ECHO_SERVER, MB, fdLimits, fullGc, note, portSockets, round, startEchoServer, tcpSettings, type PortSockets } from './lib.js';
import { runGateTimed } from './walltime.js';

export interface ScaleRun {
  name: string;
  inputs: RawInputs;
  completed: boolean;
  stopped: string | null;
  verdict: string;
  /** Checks that failed: the server's verdict under this load, not the bench's. */
  failedChecks: string[];
  wallMs: number;
  attempts: number;
  connected: number;
  cleanDisconnects: number;
  abruptDisconnects: number | null;
  connectFailures: Record<string, number>;
  disconnectFailures: Record<string, number>;
  handshakeP99Ms: number | null;
  /** Most connections the server side had ESTABLISHED at one time (polled from /proc/net/tcp). */
  peakEstablished: number;
  gateRss: { beforeBytes: number; peakBytes: number; afterBytes: number; peakHeapUsedBytes: number };
  /** Peak RSS of the gate in each third of the leak phase: flat when it does not grow with connections made. */
  gateRssPeakByLeakThirdBytes: number[];
  /** (peak RSS - RSS before) / the connections meant to be open at once. */
  gateRssBytesPerConnection: number;
  timeWait: {
    /** Most TIME_WAIT sockets of this run's connections at one time, by the side that holds them. */
    peakServerSide: number;
    peakClientSide: number;
    /** At the end of the run. */
    end: PortSockets;
  };
}

export interface ScaleResult {
  fdLimit: { soft: string; hard: string };
  tcp: ReturnType<typeof tcpSettings>;
  runs: ScaleRun[];
}

/** Runs the gate with `extra` over the defaults, watching this process's memory and the port's sockets. */
async function scaleRun(name: string, concurrentConnections: number, extra: RawInputs): Promise<ScaleRun> {
  const port = await pickFreePort();
  const inputs: RawInputs = {
    // The soft fd limit raised to the hard one, in the server's own shell only.
    'server-command': `ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec node ${JSON.stringify(ECHO_SERVER)}`,
    'server-env': `PORT=${port}`,
    url: `ws://127.0.0.1:${port}/`,
    'report-path': '',
    ...extra,
  };
  fullGc();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  let peakEstablished = 0;
  let peakServerTw = 0;
  let peakClientTw = 0;
  const timeline: Array<{ tMs: number; rss: number }> = [];
  const origin = performance.now();
  const watch = setInterval(() => {
    const m = process.memoryUsage();
    timeline.push({ tMs: performance.now() - origin, rss: m.rss });
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
    const s = portSockets(port);
    peakEstablished = Math.max(peakEstablished, s.serverSide.ESTABLISHED ?? 0);
    peakServerTw = Math.max(peakServerTw, s.serverSide.TIME_WAIT ?? 0);
    peakClientTw = Math.max(peakClientTw, s.clientSide.TIME_WAIT ?? 0);
  }, 250);
  note(
    `${name}: ${Object.entries(extra)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );
  let result;
  try {
    result = await runGateTimed(inputs, (line) => note(`  ${line}`));
  } finally {
    clearInterval(watch);
  }
  const { report, wallMs } = result;
  const end = portSockets(port);
  peakServerTw = Math.max(peakServerTw, end.serverSide.TIME_WAIT ?? 0);
  peakClientTw = Math.max(peakClientTw, end.clientSide.TIME_WAIT ?? 0);
  const leak = report.scenarios.leak as typeof report.scenarios.leak & { abruptDisconnects?: number };
  // The report's phase times count from runGate's start, which is within a millisecond of `origin`.
  const leakPhase = report.phases.find((p) => p.name === 'leak');
  const thirds = leakPhase
    ? [0, 1, 2].map((i) => {
        const from = leakPhase.startMs + ((leakPhase.endMs - leakPhase.startMs) * i) / 3;
        const to = leakPhase.startMs + ((leakPhase.endMs - leakPhase.startMs) * (i + 1)) / 3;
        return Math.max(0, ...timeline.filter((x) => x.tMs >= from && x.tMs < to).map((x) => x.rss));
      })
    : [];
  const flap = report.scenarios.flapping;
  const merge = (a: Record<string, number>, b: Record<string, number>): Record<string, number> => {
    const out = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
    return out;
  };
  return {
    name,
    inputs: extra,
    completed: report.stopped === null,
    stopped: report.stopped ? `${report.stopped.reason} during ${report.stopped.phase}: ${report.stopped.message}` : null,
    verdict: report.verdict,
    failedChecks: report.checks.filter((c) => c.status === 'fail').map((c) => `${c.id}: ${c.value ?? 'n/a'} (limit ${c.limit ?? 'n/a'})`),
    wallMs: Math.round(wallMs),
    attempts: flap.attempts + leak.attempts,
    connected: flap.connected + leak.connected,
    cleanDisconnects: flap.cleanDisconnects + leak.cleanDisconnects,
    abruptDisconnects: leak.abruptDisconnects ?? null,
    connectFailures: merge(flap.connectFailures, leak.connectFailures),
    disconnectFailures: merge(flap.disconnectFailures, leak.disconnectFailures),
    handshakeP99Ms: leak.handshakeMs?.p99 ?? null,
    peakEstablished,
    gateRss: { beforeBytes: before.rss, peakBytes: peakRss, afterBytes: process.memoryUsage().rss, peakHeapUsedBytes: peakHeap },
    gateRssPeakByLeakThirdBytes: thirds,
    gateRssBytesPerConnection: Math.round((peakRss - before.rss) / concurrentConnections),
    timeWait: { peakServerSide: peakServerTw, peakClientSide: peakClientTw, end },
  };
}

export async function runScaleFlapping(): Promise<ScaleRun> {
  return scaleRun('1,000 flapping clients', 1000, { 'leak-clients': '1000' });
}

export async function runScaleHeld(): Promise<ScaleRun> {
  // One cycle per client, held 10 s: all 5,000 are open together while the last ones connect.
  return scaleRun('5,000 held-open connections', 5000, {
    scenarios: 'leak,recovery',
    'leak-clients': '5000',
    'leak-cycles': '1',
    'flap-hold-ms': '10000',
  });
}

export function scaleEnvironment(): Omit<ScaleResult, 'runs'> {
  return { fdLimit: fdLimits(), tcp: tcpSettings() };
}

export const rssPerConnectionKb = (run: ScaleRun): number => round(run.gateRssBytesPerConnection / 1024, 1);
export const mb = (bytes: number): number => round(bytes / MB, 1);

export interface HeldMemory {
  impl: 'gate' | 'bare';
  connections: number;
  open: number;
  /** Per open connection, after a full GC: what holding them costs once connecting is over. */
  rssBytesPerConnection: number;
  heapBytesPerConnection: number;
}

const HELD = 5000;

/**
 * 5,000 connections held open by the gate's connection layer (openConnection) or by bare `ws`, each in a fresh
 * process, measured after a full GC: the steady cost per connection, without the garbage of connecting them.
 */
export async function heldMemory(impl: 'gate' | 'bare'): Promise<HeldMemory> {
  const echo = await startEchoServer(`held-${impl}`);
  const sockets: WebSocket[] = [];
  try {
    fullGc();
    const before = process.memoryUsage();
    const signal = new AbortController().signal;
    const openOne = async (): Promise<void> => {
      if (impl === 'bare') {
        const ws = new WebSocket(echo.url, { perMessageDeflate: false });
        ws.on('error', () => {});
        if (await new Promise<boolean>((resolve) => (ws.once('open', () => resolve(true)), ws.once('close', () => resolve(false)))))
          sockets.push(ws);
      } else {
        const opened = await openConnection(echo.target, signal);
        if (opened.ok) sockets.push(opened.ws);
      }
    };
    // 250 at a time: the server's accept backlog (511 by default in Node) is not what this measures.
    for (let i = 0; i < HELD; i += 250) await Promise.all(Array.from({ length: 250 }, openOne));
    fullGc();
    const after = process.memoryUsage();
    return {
      impl,
      connections: HELD,
      open: sockets.length,
      rssBytesPerConnection: Math.round((after.rss - before.rss) / sockets.length),
      heapBytesPerConnection: Math.round((after.heapUsed - before.heapUsed) / sockets.length),
    };
  } finally {
    for (const ws of sockets) ws.terminate();
    await echo.stop();
  }
}
