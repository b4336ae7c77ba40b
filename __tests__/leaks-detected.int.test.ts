// Each kind of leak fails on the check made for it, and the crude memory limit alone would miss most.

import { describe, expect, it } from 'vitest';
import type { RawInputs } from '../src/config/inputs.js';
import type { Report } from '../src/model/report.js';
import { ECHO_SERVER, check, expectNothingLeftRunning, fixtureInputs, gate } from './helpers/gate-run.js';

const STATS: RawInputs = { 'stats-url': 'http://127.0.0.1:0/stats' };

function failedIds(report: Report): string[] {
  return report.checks.filter((c) => c.status === 'fail').map((c) => c.id);
}

describe('leaks the exact signals catch (default profile)', () => {
  it('a server that never closes the sockets of closed clients: lingering connections and fds', async () => {
    // Each clean close waits for a TCP close that never comes: a short close-timeout-ms keeps the test quick.
    const report = await gate(fixtureInputs({ KEEP_SOCKETS: 1 }, { 'close-timeout-ms': '300' }));
    expect(failedIds(report)).toEqual(expect.arrayContaining(['lingering-connections', 'fd-growth']));
    expect(check(report, 'lingering-connections').value).toBeGreaterThanOrEqual(60);
    expect(check(report, 'memory-growth').status).toBe('pass');
    expectNothingLeftRunning(report);
  });

  it('a server that keeps a session per connection: session growth through stats-url', async () => {
    const report = await gate(fixtureInputs({ LEAK_SESSIONS: 1 }, STATS));
    // The heap snapshots name the same leak: a Session retained per connection.
    expect(failedIds(report)).toEqual(['retained-objects', 'session-growth']);
    // Readiness + warm-up + 20 flapping + 45 leak connections, all remembered.
    expect(check(report, 'session-growth').value).toBe(report.signals.after!.sessions! - report.signals.baseline!.sessions!);
    expect(check(report, 'session-growth').value).toBe(65);
    expectNothingLeftRunning(report);
  });

  it('a server that spawns a child per connection and never reaps it: process growth, and all of it torn down', async () => {
    const report = await gate(fixtureInputs({ SPAWN_PER_CONNECTION: 1 }));
    expect(failedIds(report)).toContain('process-growth');
    expect(check(report, 'process-growth').value).toBe(65);
    expect(report.server.pidsSeen.length).toBeGreaterThan(65);
    expectNothingLeftRunning(report);
  });

  it('a server that cleans up on a clean close but leaks on an abrupt one: caught only because clients vanish', async () => {
    const abrupt = await gate(fixtureInputs({ LEAK_ON_ABRUPT_KB: 200 }, STATS));
    expect(failedIds(abrupt)).toContain('session-growth');
    expect(check(abrupt, 'session-growth').value).toBe(abrupt.scenarios.leak.abruptDisconnects);
    expect(abrupt.scenarios.leak.abruptDisconnects).toBe(22);
    expect(check(abrupt, 'disconnect-success-rate').status).toBe('pass');
    expectNothingLeftRunning(abrupt);

    const politeOnly = await gate(fixtureInputs({ LEAK_ON_ABRUPT_KB: 200 }, { ...STATS, 'abrupt-ratio': '0' }));
    expect(failedIds(politeOnly)).toEqual([]);
    expectNothingLeftRunning(politeOnly);
  });
});

describe('memory trend', () => {
  it('fails 200 KB per connection in the default profile, which the 50 MB growth limit lets through', async () => {
    const report = await gate(fixtureInputs({ LEAK_KB_PER_CONNECTION: 200 }));
    // The heap snapshots see it too: the buffers are retained one per connection.
    expect(failedIds(report)).toEqual(['leak-per-connection', 'retained-objects']);
    expect(check(report, 'leak-per-connection').value!).toBeGreaterThan(150);
    expect(check(report, 'memory-growth').status).toBe('pass');
    expect(report.memory.trend!.points).toHaveLength(4);
    expectNothingLeftRunning(report);
  });

  it('fails 20 KB per connection in the soak profile, and passes the clean example server there', async () => {
    const leaky = await gate(fixtureInputs({ LEAK_KB_PER_CONNECTION: 20 }, { profile: 'soak' }));
    expect(failedIds(leaky)).toContain('leak-per-connection');
    expect(leaky.scenarios.leak.attempts).toBe(3000);
    expectNothingLeftRunning(leaky);

    const clean = await gate({ 'server-command': `node ${JSON.stringify(ECHO_SERVER)}`, url: 'ws://127.0.0.1:0/', profile: 'soak' });
    expect(failedIds(clean)).toEqual([]);
    expect(check(clean, 'leak-per-connection').value!).toBeLessThan(10);
    expectNothingLeftRunning(clean);
  });
});
