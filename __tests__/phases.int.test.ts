// The real phase table against a stand-in ServerHandle and an in-process `ws` server: real sockets on loopback, no
// processes, about a second per run. The table and the runner's own logic are unit-tested in phases.unit.test.ts.

import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { parseConfig } from '../src/config/parse.js';
import type { RawInputs } from '../src/config/inputs.js';
import { leak } from '../src/phases/leak.js';
import { recovery } from '../src/phases/recovery.js';
import { FaultProxy } from '../src/net/proxy.js';
import { upstreamOf } from '../src/net/target.js';
import { RunContext } from '../src/phases/index.js';
import { ResourceSampler } from '../src/probe/sampler.js';
import { runGate } from '../src/run/runner.js';
import type { ServerHandle } from '../src/server/handle.js';
import type { ExitInfo, LaunchOptions } from '../src/server/server-process.js';

/** Small workloads and short idles: a whole run takes about a second. */
const SMALL: RawInputs = {
  'warmup-connections': '2',
  'flap-cycles': '3',
  'flap-hold-ms': '5',
  'flap-pause-ms': '5',
  'leak-clients': '2',
  'leak-cycles': '3',
  'leak-rounds': '1',
  'cooldown-ms': '50',
  'sample-interval-ms': '50',
  'recovery-hold-ms': '20',
  'recovery-messages': '2',
  'max-leak-kb-per-connection': 'off',
  // The stand-in is this test process: no Node server of ours to take heap snapshots of.
  'heap-snapshots': 'off',
  'report-path': '',
};

const servers: WebSocketServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function echoServer(port = 0): Promise<WebSocketServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port });
  servers.push(wss);
  wss.on('connection', (ws) => {
    ws.on('message', (data, binary) => ws.send(data, { binary }));
    // The hostile phase sends what the protocol forbids: ws reports it as an error event, which a server handles.
    ws.on('error', () => ws.terminate());
  });
  await once(wss, 'listening');
  return wss;
}

/** A launched server as the runner sees it, backed by an in-process ws server; the tree is this process. */
class StandInServer implements ServerHandle {
  readonly mode = 'launch';
  readonly pid = process.pid;
  readonly killedAfterGrace = false;
  stops = 0;
  private exitListener: ((exit: ExitInfo) => void) | null = null;

  constructor(
    readonly logPath: string,
    private readonly wss: WebSocketServer,
  ) {}

  static launcher(made: StandInServer[], serve: (port: number) => Promise<WebSocketServer> = echoServer) {
    return async (options: LaunchOptions): Promise<ServerHandle> => {
      const server = new StandInServer(options.logPath, await serve(Number(options.env.PORT)));
      made.push(server);
      return server;
    };
  }

  async tree(): Promise<number[]> {
    return [process.pid];
  }
  pidsSeen(): number[] {
    return [process.pid];
  }
  onUnexpectedExit(listener: (exit: ExitInfo) => void): void {
    this.exitListener = listener;
  }
  /** Plays a crash: clients are cut and the exit is reported. */
  crash(code: number): void {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    this.exitListener?.({ code, signal: null });
  }
  async stop(): Promise<number[]> {
    this.stops += 1;
    await new Promise((resolve) => this.wss.close(resolve));
    return [];
  }
  logTail(): string[] {
    return ['stand-in server'];
  }
}

const launched = (inputs: RawInputs = {}) => parseConfig({ 'server-command': 'stand-in', url: 'ws://127.0.0.1:0/', ...SMALL, ...inputs });

describe('the runner', () => {
  it('enters every enabled phase in table order, tears down once, and passes a healthy server', async () => {
    const made: StandInServer[] = [];
    const lines: string[] = [];
    const report = await runGate(launched(), { launcher: StandInServer.launcher(made), onProgress: (l) => lines.push(l) });
    expect(report.phases.map((p) => p.name)).toEqual([
      'startup',
      'warmup',
      'baseline',
      'flapping',
      'leak',
      'cooldown',
      'recovery',
      'teardown',
    ]);
    expect(made).toHaveLength(1);
    expect(made[0]!.stops).toBe(1);
    expect(report.stopped).toBeNull();
    expect(report.scenarios.flapping).toMatchObject({ attempts: 3, connected: 3 });
    expect(report.scenarios.leak).toMatchObject({ attempts: 6, connected: 6 });
    expect(report.scenarios.recovery.problems).toEqual([]);
    expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(lines).toContain('▶ teardown: stopping the sampler, stopping the server');
  });

  it('skips the phases the configuration turns off', async () => {
    const config = launched({ scenarios: 'recovery', 'warmup-connections': '0' });
    const report = await runGate(config, { launcher: StandInServer.launcher([]) });
    expect(report.phases.map((p) => p.name)).toEqual(['startup', 'baseline', 'cooldown', 'recovery', 'teardown']);
    expect(report.scenarios.flapping.enabled).toBe(false);
  });

  it('starts nothing when cancelled before it began, and says so', async () => {
    const made: StandInServer[] = [];
    const cancel = new AbortController();
    cancel.abort();
    const report = await runGate(launched(), { launcher: StandInServer.launcher(made), signal: cancel.signal });
    expect(made).toHaveLength(0);
    expect(report.stopped).toMatchObject({ phase: 'startup', reason: 'cancelled' });
    expect(report.verdict).toBe('fail');
  });

  it('ends the phase a crash happens in, records the exit, and still tears down', async () => {
    const made: StandInServer[] = [];
    const report = await runGate(launched({ 'flap-cycles': '200', 'flap-hold-ms': '20' }), {
      launcher: StandInServer.launcher(made),
      onProgress: (line) => {
        if (line.startsWith('▶ flapping')) setTimeout(() => made[0]!.crash(3), 100);
      },
    });
    expect(report.stopped).toMatchObject({ phase: 'flapping', reason: 'crash' });
    expect(report.server.exit).toMatchObject({ code: 3, phase: 'flapping' });
    expect(report.checks.find((c) => c.id === 'server-crash')).toMatchObject({ status: 'fail', measured: 'crashed (exit code 3)' });
    expect(report.phases.map((p) => p.name)).toEqual(['startup', 'warmup', 'baseline', 'flapping', 'teardown']);
    expect(made[0]!.stops).toBe(1);
    // The cycles made before the crash are counted, not lost.
    expect(report.scenarios.flapping.attempts).toBeGreaterThan(0);
  });

  it('leaves an attached server running and lists the tree it was given', async () => {
    const wss = await echoServer();
    const { port } = wss.address() as AddressInfo;
    const lines: string[] = [];
    const config = parseConfig({ url: `ws://127.0.0.1:${port}/`, 'server-pid': String(process.pid), ...SMALL });
    const report = await runGate(config, { onProgress: (l) => lines.push(l) });
    expect(report.server).toMatchObject({ mode: 'attach', pid: process.pid, pidSource: 'server-pid', survivors: [] });
    expect(report.server.pidsSeen).toContain(process.pid);
    expect(lines).toContain('▶ teardown: stopping the sampler, leaving the attached server running');
    expect(wss.clients.size).toBe(0);
    // Still serving: the gate did not stop it.
    expect(report.verdict).not.toBe('fail');
    expect((wss.address() as AddressInfo).port).toBe(port);
  });
});

/**
 * An Engine.IO-like server that speaks first `delayMs` after each handshake (its open packet) and acks the default
 * namespace's connect, noting the phase each connect arrived in.
 */
async function speaksFirstAfter(port: number, delayMs: number, phase: () => string, connects: string[]): Promise<WebSocketServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port });
  servers.push(wss);
  wss.on('connection', (ws) => {
    const open = '0{"sid":"s1","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}';
    const timer = setTimeout(() => ws.send(open), delayMs);
    ws.on('close', () => clearTimeout(timer));
    ws.on('error', () => ws.terminate());
    ws.on('message', (data) => {
      if (data.toString() !== '40') return;
      connects.push(phase());
      ws.send('40{"sid":"n1"}');
    });
  });
  await once(wss, 'listening');
  return wss;
}

describe('the warm-up', () => {
  it('does not wait for protocol detection on a server that never speaks first', async () => {
    const lines: string[] = [];
    const report = await runGate(launched({ scenarios: 'flapping' }), {
      launcher: StandInServer.launcher([]),
      onProgress: (l) => lines.push(l),
    });
    expect(report.server.protocol?.id).toBe('raw');
    // Detection listens 500 ms for a first message: the baseline's window began before it concluded.
    const baselineAt = lines.findIndex((l) => l.startsWith('▶ baseline'));
    expect(baselineAt).toBeGreaterThan(-1);
    expect(baselineAt).toBeLessThan(lines.findIndex((l) => l.startsWith('  protocol raw:')));
    expect(report.verdict).not.toBe('fail');
  });

  it.each([
    ['at once', 0],
    ['only after the warm-up', 300],
  ])('speaks the load session before the baseline to a server that speaks first %s', async (_when, delayMs) => {
    const connects: string[] = [];
    let phase = 'startup';
    const onProgress = (line: string): void => {
      phase = /^▶ ([a-z-]+)/.exec(line)?.[1] ?? phase;
    };
    const serve = (port: number) => speaksFirstAfter(port, delayMs, () => phase, connects);
    const report = await runGate(launched({ scenarios: 'flapping' }), { launcher: StandInServer.launcher([], serve), onProgress });
    expect(report.server.protocol?.id).toBe('socket.io');
    // Both warm-up connections completed the namespace connect before the load, whenever detection settled.
    const beforeLoad = connects.filter((p) => p === 'warmup' || p === 'baseline');
    expect(beforeLoad).toHaveLength(2);
    expect(connects.filter((p) => p === 'flapping')).toHaveLength(3);
    if (delayMs > 0) {
      // Warmed in its session inside the baseline: the samples before that are left out of the baseline.
      expect(connects.slice(0, 2)).toEqual(['baseline', 'baseline']);
      expect(report.memory.baselineBytes).not.toBeNull();
    }
  });
});

describe('the opt-in phases', () => {
  it('run dead-peers, slow-consumer and hostile after cooldown and before recovery, each filling its result', async () => {
    const report = await runGate(
      launched({
        scenarios: 'flapping,dead-peers,slow-consumer,hostile,recovery',
        'dead-peer-clients': '2',
        'dead-peer-timeout-s': '1',
        'slow-consumer-duration-s': '1',
        'slow-consumer-mb': '1',
        'hostile-max-bytes': '65536',
        'hostile-pings': '10',
        'close-timeout-ms': '300',
      }),
      { launcher: StandInServer.launcher([]) },
    );
    expect(report.phases.map((p) => p.name)).toEqual([
      'startup',
      'warmup',
      'baseline',
      'flapping',
      'cooldown',
      'dead-peers',
      'slow-consumer',
      'hostile',
      'recovery',
      'teardown',
    ]);
    // The stand-in has no heartbeat: its silent clients are still open when the second is up.
    expect(report.faults?.deadPeers).toMatchObject({ silenced: 2, stillOpen: 2 });
    expect(report.checks.find((c) => c.id === 'dead-peer-reaping')!.status).toBe('fail');
    expect(report.faults?.slowConsumer?.connected).toBe(true);
    expect(report.scenarios.hostile!.cases.every((c) => c.outcome !== 'not-run')).toBe(true);
    expect(report.scenarios.recovery.problems).toEqual([]);
  });
});

describe('the leak phase', () => {
  it('keeps the tallies of the rounds it finished when the run stops in a settle window', async () => {
    const wss = await echoServer();
    const { port } = wss.address() as AddressInfo;
    // 400 ms samples: each settle window lasts 600 ms, while a round of 2 x 2 cycles takes a few ms.
    const config = parseConfig({
      url: `ws://127.0.0.1:${port}/`,
      ...SMALL,
      'sample-interval-ms': '400',
      'leak-cycles': '6',
      'leak-rounds': '3',
    });
    const run = new RunContext(config);
    run.ready = { url: `ws://127.0.0.1:${port}/`, headers: {}, subprotocols: [], connectTimeoutMs: 2000, closeTimeoutMs: 2000 };
    run.sampler = new ResourceSampler({
      intervalMs: 400,
      listTree: async () => [process.pid],
      phase: () => run.phase,
      originMs: run.origin,
    });
    await run.sampler.start();
    try {
      run.enter('leak');
      const stopper = setTimeout(() => run.stop('cancelled', 'the run was cancelled (SIGINT/SIGTERM)'), 250);
      await leak.run(run);
      clearTimeout(stopper);
    } finally {
      await run.sampler.stop();
    }
    expect(run.stopped).toMatchObject({ phase: 'leak', reason: 'cancelled' });
    // The first round's 2 clients x 2 cycles, not zero.
    expect(run.results.leak).toMatchObject({ attempts: 4, connected: 4 });
  });
});

describe('the recovery phase', () => {
  it('probes again when the network faults reset the probe, and judges the probe that was not cut', async () => {
    const wss = await echoServer();
    const { port } = wss.address() as AddressInfo;
    const config = parseConfig({ url: `ws://127.0.0.1:${port}/`, ...SMALL, network: 'reset-ratio=0.5' });
    const lines: string[] = [];
    const run = new RunContext(config, { progress: (line) => lines.push(line) });
    const direct = { url: `ws://127.0.0.1:${port}/`, headers: {}, subprotocols: [], connectTimeoutMs: 2000, closeTimeoutMs: 2000 };
    // The reset toxic draws three numbers per connection: the first two connections are cut mid-handshake, then none.
    const draws = [0, 0, 0.5, 0, 0, 0.5];
    const proxy = await FaultProxy.start({
      upstream: upstreamOf(direct),
      network: config.faults.network,
      random: () => draws.shift() ?? 0.99,
    });
    run.ready = direct;
    run.network = proxy;
    try {
      run.enter('recovery');
      await recovery.run(run);
    } finally {
      await proxy.close();
    }
    expect(proxy.resets).toBe(2);
    expect(run.results.recovery).toMatchObject({ connected: true, problems: [] });
    expect(run.results.recovery.notes).toContain('the network faults reset 2 earlier probe connections: not judged');
    expect(lines.filter((l) => l.includes('probing again'))).toHaveLength(2);
  });
});
