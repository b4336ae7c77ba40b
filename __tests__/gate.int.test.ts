// Whole gate runs against real server processes over loopback: the verdict, the figures, and teardown.

import { once } from 'node:events';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ECHO_SERVER, QUICK, check, expectNothingLeftRunning, fixtureInputs, gate, pidAlive } from './helpers/gate-run.js';
import { SERVERS, testServers } from './helpers/test-server.js';
import { hasIpv6Loopback } from './helpers/tools.js';

const { start } = testServers();

const MB = 1024 * 1024;

// Every run here is independent and mostly waits: side by side (each passes its test context to gate() and start()).
describe.concurrent('gate against real servers', () => {
  // One run of the clean-node series (npm run evidence runs ten): no check may fail a clean server.
  it('passes a well-behaved echo server with the default scenarios, every leak signal at rest, and tears it down', async (test) => {
    const report = await gate(
      {
        'server-command': `node ${JSON.stringify(ECHO_SERVER)}`,
        url: 'ws://127.0.0.1:0/',
        expect: 'echo',
      },
      test,
    );
    expect(report.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(report.verdict).toBe('pass');
    expect(report.stopped).toBeNull();
    // Defaults of the reference report: 20 flapping cycles, 3 clients x 15 cycles.
    expect(report.scenarios.flapping.attempts).toBe(20);
    expect(report.scenarios.leak.attempts).toBe(45);
    expect(report.scenarios.flapping.cleanDisconnects).toBe(20);
    expect(report.scenarios.flapping.prescribed.cycleMs).toBe(150);
    expect(report.scenarios.flapping.cycleMs!.mean).toBeGreaterThanOrEqual(149);
    expect(report.scenarios.recovery.messagesAnswered).toBe(5);
    expect(report.scenarios.recovery.pongsReceived).toBe(3);
    expect(report.memory.measured).toBe(true);
    expect(report.memory.baselineBytes).toBeGreaterThan(10 * MB);
    const phases = new Set(report.memory.samples.map((s) => s.phase));
    for (const phase of ['baseline', 'flapping', 'leak', 'cooldown']) expect(phases).toContain(phase);
    expect(report.server.logTail.join('\n')).toContain('echo server listening');
    // Clients vanished (1006) as well as closed, and nothing of them stayed on the server.
    expect(report.scenarios.leak.abruptDisconnects).toBeGreaterThan(0);
    expect(report.signals.growth).toMatchObject({ processes: 0, lingeringConnections: 0 });
    // A Node server the gate starts: its leak per connection is judged by the heap after a full GC, read at each
    // idle boundary, and nothing grew per connection.
    const trend = check(report, 'leak-per-connection');
    expect(trend.detail).toContain('heap after a full GC');
    expect(Math.abs(trend.value!)).toBeLessThan(5);
    const heap = report.evidence.find((e) => e.source === 'heap-snapshots')!;
    expect(heap.readings.map((s) => s.label)).toEqual(['before-load', 'after-round-1', 'after-round-2', 'after-cooldown']);
    // One process, the one that held every connection: its heap stands for the server.
    expect(heap.processes.filter((p) => p.read)).toHaveLength(1);
    expect(heap.coversConnections).toBe(true);
    expect(report.memoryJudge.by).toBe('heap-snapshots');
    expectNothingLeftRunning(report);
  });

  it('fails the memory check for a server that retains 2 MB per connection', async (test) => {
    // The RSS is judged here: heap snapshots of a heap this size would add tens of seconds.
    const report = await gate(fixtureInputs({ LEAK_KB_PER_CONNECTION: 2048 }, { 'cooldown-ms': '500', 'heap-snapshots': 'off' }), test);
    const memory = check(report, 'memory-growth');
    expect(memory.status).toBe('fail');
    // 70 connections x 2 MB: well above the 50 MB limit.
    expect(report.memory.retainedGrowthBytes!).toBeGreaterThan(100 * MB);
    expect(check(report, 'connect-success-rate').status).toBe('pass');
    expect(report.verdict).toBe('fail');
    expectNothingLeftRunning(report);
  });

  it('reports a crash with its exit code and phase for a server that exits after its 25th connection', async (test) => {
    const report = await gate(fixtureInputs({ EXIT_AFTER_CONNECTIONS: 25, EXIT_CODE: 3 }, { 'heap-snapshots': 'off' }), test);
    expect(report.verdict).toBe('fail');
    const crash = check(report, 'server-crash');
    expect(crash.status).toBe('fail');
    expect(crash.measured).toMatch(/crashed \(exit code 3\)/);
    expect(report.server.exit).toMatchObject({ code: 3 });
    // Readiness (1) + warm-up (5) + 19 flapping cycles: the 25th connection falls in flapping.
    expect(report.server.exit!.phase).toBe('flapping');
    expect(report.stopped).toMatchObject({ reason: 'crash', phase: 'flapping' });
    expect(report.server.logTail.join('\n')).toContain('exiting after connection 25');
    expect(check(report, 'recovery').status).toBe('fail');
    expectNothingLeftRunning(report);
  });

  it('fails the connect rate and classifies failures as http-503 for a server that rejects half its upgrades', async (test) => {
    const report = await gate(fixtureInputs({ REJECT_EVERY: 2 }, QUICK), test);
    const connect = check(report, 'connect-success-rate');
    expect(connect.status).toBe('fail');
    expect(connect.value!).toBeGreaterThan(0.3);
    expect(connect.value!).toBeLessThan(0.7);
    const failures = { ...report.scenarios.flapping.connectFailures, ...report.scenarios.leak.connectFailures };
    expect(Object.keys(failures)).toEqual(['http-503']);
    expectNothingLeftRunning(report);
  });

  it('fails the clean-disconnect rate for a server that never answers the close handshake', async (test) => {
    // It answers no pings either: a short connect-timeout-ms bounds recovery's wait for pongs.
    const report = await gate(
      fixtureInputs({ NO_CLOSE_REPLY: 1 }, { ...QUICK, 'close-timeout-ms': '300', 'connect-timeout-ms': '500' }),
      test,
    );
    const disconnect = check(report, 'disconnect-success-rate');
    expect(disconnect.status).toBe('fail');
    expect(disconnect.value).toBe(0);
    expect(check(report, 'connect-success-rate').status).toBe('pass');
    expect(report.scenarios.flapping.disconnectFailures).toEqual({ 'close-timeout': report.scenarios.flapping.connected });
    expectNothingLeftRunning(report);
  });

  it('fails within startup-timeout-s for a server that never listens', async (test) => {
    const started = Date.now();
    // 4 s: with other runs beside it, the fixture's own start (before it prints) can take most of 2.
    const report = await gate(fixtureInputs({ NEVER_LISTEN: 1 }, { 'startup-timeout-s': '4' }), test);
    const elapsed = Date.now() - started;
    expect(report.verdict).toBe('fail');
    const ready = check(report, 'server-ready');
    expect(ready.status).toBe('fail');
    expect(ready.detail).toMatch(/did not accept a WebSocket handshake .* within 4 s/);
    expect(report.stopped).toMatchObject({ reason: 'startup-failed', phase: 'startup' });
    expect(check(report, 'connect-success-rate').status).toBe('fail');
    expect(report.server.logTail).toContain('never listening');
    // 4 s of waiting plus a bounded teardown; no scenario ran.
    expect(elapsed).toBeLessThan(4000 + 5000);
    expectNothingLeftRunning(report);
  });

  it('shows the exit code and the log tail of a server that exits before it is ready', async (test) => {
    const report = await gate(
      {
        'server-command': `node -e "console.error('cannot bind: config missing'); process.exit(7)"`,
        url: 'ws://127.0.0.1:0/',
      },
      test,
    );
    expect(report.verdict).toBe('fail');
    expect(report.server.exit).toMatchObject({ code: 7, phase: 'startup' });
    expect(check(report, 'server-crash').measured).toContain('exit code 7');
    expect(check(report, 'server-ready').detail).toContain('exit code 7');
    expect(report.server.logTail).toContain('cannot bind: config missing');
    expectNothingLeftRunning(report);
  });

  it('measures the whole tree of a server launched through two shell wrappers', async (test) => {
    const inner = fixtureInputs({ BALLAST_MB: 150 }, QUICK);
    // Neither shell may exec its command: "; true" keeps each one alive as a parent.
    const report = await gate(
      {
        ...inner,
        'server-command': `bash -c 'bash -c "${inner['server-command']!.replace(/"/g, '\\"')}; true"; true'`,
      },
      test,
    );
    expect(report.verdict).toBe('pass');
    expect(report.server.processes.length).toBeGreaterThanOrEqual(3);
    expect(report.server.processes.map((p) => p.command).join('\n')).toContain('faulty-server.js');
    // A shell holds a few MB; the server's 150 MB ballast shows the tree was summed.
    expect(report.memory.baselineBytes!).toBeGreaterThan(150 * MB);
    expect(Math.max(...report.memory.samples.map((s) => s.processes))).toBeGreaterThanOrEqual(3);
    expectNothingLeftRunning(report);
  });

  it('refuses to start when something already answers on the port', async (test) => {
    const squatter = createServer((s) => s.destroy());
    squatter.listen(0, '127.0.0.1');
    await once(squatter, 'listening');
    const port = (squatter.address() as { port: number }).port;
    try {
      const report = await gate({ 'server-command': `node ${JSON.stringify(ECHO_SERVER)}`, url: `ws://127.0.0.1:${port}/` }, test);
      expect(report.verdict).toBe('fail');
      expect(report.stopped).toMatchObject({ reason: 'startup-failed' });
      expect(report.stopped!.message).toContain(`already answers on 127.0.0.1:${port}`);
      expect(report.server.pidsSeen).toEqual([]);
    } finally {
      squatter.close();
    }
  });

  it('attaches to a running server by URL and finds its pid through the listening port', async (test) => {
    const server = await start(SERVERS.echo, {}, test);
    const report = await gate({ url: server.target.url, ...QUICK }, test);
    expect(report.verdict).toBe('pass');
    expect(report.server.mode).toBe('attach');
    expect(report.server.pid).toBe(server.pid);
    expect(report.server.pidSource).toBe('port-owner');
    expect(report.memory.measured).toBe(true);
    // Attach mode never stops a server it did not start.
    expect(pidAlive(server.pid)).toBe(true);
  });

  it('reaches a localhost URL whether the server listens on ::1 or on 127.0.0.1', async (test) => {
    for (const host of hasIpv6Loopback() ? ['::1', '127.0.0.1'] : ['127.0.0.1']) {
      const report = await gate(
        {
          ...fixtureInputs({ HOST: host }, QUICK),
          url: 'ws://localhost:0/',
        },
        test,
      );
      expect(report.verdict, `${host}: ${JSON.stringify(report.stopped)}`).toBe('pass');
      expectNothingLeftRunning(report);
    }
  });
});
