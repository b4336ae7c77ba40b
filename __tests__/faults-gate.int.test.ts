// The fault scenarios inside whole gate runs against real servers: dead peers with and without a heartbeat,
// a slow consumer with and without backpressure, and network faults on the load traffic. Nothing left running.

import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, type TestContext } from 'vitest';
import { SERVERS } from './helpers/servers.js';
import { ECHO_SERVER, QUICK, check, expectNothingLeftRunning, gate } from './helpers/gate-run.js';
import { requireTool } from './helpers/tools.js';

const example = (path: string): string => fileURLToPath(new URL(`../examples/${path}`, import.meta.url));
const node = (path: string): string => `node ${JSON.stringify(path)}`;
const linux = process.platform === 'linux';

describe.concurrent('fault scenarios', () => {
  // The runs are independent and mostly waits: side by side (each passes its test context to gate()).
  describe.concurrent('dead peers', () => {
    it('fails dead-peer-reaping for a ws server without a heartbeat, naming the fix', async (test) => {
      const report = await gate(
        {
          ...QUICK,
          'server-command': node(example('heartbeat/no-heartbeat.js')),
          url: 'ws://127.0.0.1:0/',
          scenarios: 'dead-peers,recovery',
          'dead-peer-clients': '3',
          'dead-peer-timeout-s': '2',
        },
        test,
      );
      const reaping = check(report, 'dead-peer-reaping');
      expect(reaping.status).toBe('fail');
      // Watched as long again past the 2 s limit: none went, so there is no heartbeat.
      expect(reaping.detail).toMatch(/^3 dead connections not reaped within 4 s: no heartbeat; add a ping\/pong heartbeat/);
      expect(report.faults?.deadPeers).toMatchObject({ silenced: 3, stillOpen: 3 });
      expect(report.phases.map((p) => p.name)).toContain('dead-peers');
      expectNothingLeftRunning(report);
    });

    it('passes a ws server with a 5 s heartbeat at dead-peer-timeout-s 15', async (test) => {
      const report = await gate(
        {
          ...QUICK,
          'server-command': node(example('heartbeat/heartbeat.js')),
          'server-env': 'HEARTBEAT_MS=5000',
          url: 'ws://127.0.0.1:0/',
          scenarios: 'dead-peers,recovery',
          'dead-peer-clients': '3',
          'dead-peer-timeout-s': '15',
        },
        test,
      );
      expect(check(report, 'dead-peer-reaping').status).toBe('pass');
      expect(report.faults!.deadPeers!.reaped).toBe(3);
      expect(check(report, 'recovery').status).toBe('pass');
      expectNothingLeftRunning(report);
    });

    it('passes Socket.IO with a short pingInterval/pingTimeout (the opening exchange spoken first)', async (test) => {
      const report = await gate(
        {
          ...QUICK,
          'server-command': node(fileURLToPath(new URL('./fixtures/socketio-short-ping.js', import.meta.url))),
          'server-env': 'PING_INTERVAL_MS=500\nPING_TIMEOUT_MS=500',
          url: 'ws://127.0.0.1:0/socket.io/?EIO=4&transport=websocket',
          scenarios: 'dead-peers,recovery',
          'dead-peer-clients': '3',
          'dead-peer-timeout-s': '10',
        },
        test,
      );
      expect(report.server.protocol?.id).toBe('socket.io');
      expect(check(report, 'dead-peer-reaping').status).toBe('pass');
      expectNothingLeftRunning(report);
    });
  });

  describe.concurrent('slow consumer', () => {
    // The default 10 s and 160 MiB: an echo server that ignores bufferedAmount grows by 130 MiB or more.
    const slow = (server: string, test: TestContext) =>
      gate(
        {
          ...QUICK,
          'server-command': node(example(`backpressure/${server}.js`)),
          url: 'ws://127.0.0.1:0/',
          scenarios: 'slow-consumer,recovery',
        },
        test,
      );

    it.runIf(linux)('fails slow-consumer-memory for an echo server that ignores bufferedAmount', async (test) => {
      const report = await slow('unbounded', test);
      const memory = check(report, 'slow-consumer-memory');
      expect(memory.status).toBe('fail');
      expect(memory.detail).toMatch(/bufferedAmount/);
      expectNothingLeftRunning(report);
    });

    it.runIf(linux)('passes an echo server that pauses or drops a client that does not read', async (test) => {
      const report = await slow('bounded', test);
      expect(check(report, 'slow-consumer-memory').status).toBe('pass');
      expect(check(report, 'recovery').status).toBe('pass');
      expectNothingLeftRunning(report);
    });
  });

  describe.concurrent('network faults on the load traffic', () => {
    it('latency with jitter and 64-byte slices against ws: rates of 80 % or more, nothing lingering', async (test) => {
      const report = await gate(
        {
          'server-command': node(ECHO_SERVER),
          url: 'ws://127.0.0.1:0/',
          network: 'latency=100ms,jitter=20ms,slice=64',
          'timeout-s': '120',
          // The rates are under test, not the server's heap: no snapshots, seconds shorter.
          'heap-snapshots': 'off',
        },
        test,
      );
      expect(report.faults?.network).toMatchObject({ spec: 'latency=100ms,jitter=20ms,slice=64', resets: 0 });
      expect(report.faults!.network!.connections).toBeGreaterThan(0);
      expect(check(report, 'connect-success-rate').value!).toBeGreaterThanOrEqual(0.8);
      expect(check(report, 'disconnect-success-rate').value!).toBeGreaterThanOrEqual(0.8);
      if (linux) expect(check(report, 'lingering-connections').value).toBe(0);
      expect(report.scenarios.leak.handshakeMs!.p50).toBeGreaterThanOrEqual(100);
      expectNothingLeftRunning(report);
    });

    it('20 % resets mid-handshake and mid-message: the resets told apart, both rates of 80 % or more, nothing lingering', async (test) => {
      // The resets are the gate's own: each one is counted as injected, not as the server's failure, so a clean
      // server keeps its rates (a reset after the handshake would otherwise make that close unclean).
      const report = await gate(
        {
          'server-command': node(ECHO_SERVER),
          url: 'ws://127.0.0.1:0/',
          'leak-cycles': '40',
          network: 'reset-ratio=0.2',
          'timeout-s': '120',
          'heap-snapshots': 'off',
        },
        test,
      );
      const resets = report.faults!.network!.resets;
      expect(resets).toBeGreaterThan(0);
      const injected = [report.scenarios.flapping, report.scenarios.leak].reduce(
        (n, s) => n + (s.injectedResets?.connect ?? 0) + (s.injectedResets?.disconnect ?? 0),
        0,
      );
      // Every reset is told apart but those of connections cut on purpose (no close judged) and of recovery's.
      expect(injected).toBeGreaterThan(0);
      expect(injected).toBeLessThanOrEqual(resets);
      expect(check(report, 'connect-success-rate').value!).toBeGreaterThanOrEqual(0.8);
      expect(check(report, 'disconnect-success-rate').value!).toBeGreaterThanOrEqual(0.8);
      expect(check(report, 'connect-success-rate').status).toBe('pass');
      expect(check(report, 'disconnect-success-rate').status).toBe('pass');
      if (linux) {
        expect(check(report, 'lingering-connections').value).toBe(0);
        expect(check(report, 'fd-growth').status).toBe('pass');
      }
      expectNothingLeftRunning(report);
    });

    it.skipIf(requireTool('python3-websockets'))(
      "Python's websockets through latency, 64-byte slices and 20 % resets: rates of 80 % or more, nothing lingering",
      async (test) => {
        const report = await gate(
          {
            'server-command': SERVERS.python,
            url: 'ws://127.0.0.1:0/',
            'leak-cycles': '40',
            network: 'latency=100ms,jitter=20ms,slice=64,reset-ratio=0.2',
            'timeout-s': '150',
          },
          test,
        );
        expect(report.server.readyAfterMs).not.toBeNull();
        expect(report.faults!.network!.resets).toBeGreaterThan(0);
        expect(check(report, 'connect-success-rate').value!).toBeGreaterThanOrEqual(0.8);
        expect(check(report, 'disconnect-success-rate').value!).toBeGreaterThanOrEqual(0.8);
        if (linux) expect(check(report, 'lingering-connections').value).toBe(0);
        expect(report.scenarios.leak.handshakeMs!.p50).toBeGreaterThanOrEqual(100);
        expect(report.checks.filter((c) => c.status === 'fail').map((c) => `${c.id}: ${c.detail}`)).toEqual([]);
        expectNothingLeftRunning(report);
      },
    );

    // Alone: it counts the proxy threads of this process, which the other network runs start too.
    it.sequential(
      'stays bounded by timeout-s when the network is slow: stopped, the proxy thread closed, nothing left running',
      async (test) => {
        // Node names a worker's OS thread WorkerThread; this test file's process runs no other worker.
        const threads = (): number =>
          linux
            ? readdirSync('/proc/self/task').filter((t) => readFileSync(`/proc/self/task/${t}/comm`, 'utf8').trim() === 'WorkerThread')
                .length
            : 0;
        const before = threads();
        const started = performance.now();
        const report = await gate(
          {
            'server-command': node(ECHO_SERVER),
            url: 'ws://127.0.0.1:0/',
            network: 'latency=400ms',
            // Past start-up and the baseline's heap snapshot (seconds on a busy machine), and long before 20 slowed cycles end.
            'timeout-s': '10',
          },
          test,
        );
        expect(report.stopped).toMatchObject({ reason: 'timeout' });
        expect(check(report, 'run-completed').status).toBe('fail');
        // The deadline ends the run; teardown (proxy, snapshots, the server) follows it, well inside a second deadline.
        expect(performance.now() - started).toBeLessThan(20_000);
        expect(report.faults!.network!.connections).toBeGreaterThan(0);
        await expect.poll(threads, { timeout: 5000 }).toBe(before);
        expectNothingLeftRunning(report);
      },
    );

    it('refuses a malformed network input before anything starts, naming the input', async () => {
      await expect(gate({ 'server-command': node(ECHO_SERVER), url: 'ws://127.0.0.1:0/', network: 'latency=fast' })).rejects.toThrow(
        /'network' must be/,
      );
    });
  });
});
