// Each kind of leak the exact signals catch fails on the check made for it, at the default profile. (The memory
// trend's leaks: leaks-trend.int.test.ts.)

import { describe, expect, it } from 'vitest';
import type { RawInputs } from '../src/config/inputs.js';
import type { Report } from '../src/model/report.js';
import { check, expectNothingLeftRunning, fixtureInputs, gate } from './helpers/gate-run.js';

const STATS: RawInputs = { 'stats-url': 'http://127.0.0.1:0/stats' };
/** The exact signals do not need the heap snapshots, which add seconds to a run; the session leak keeps them. */
const NO_HEAP: RawInputs = { 'heap-snapshots': 'off' };

function failedIds(report: Report): string[] {
  return report.checks.filter((c) => c.status === 'fail').map((c) => c.id);
}

// The runs are independent and mostly waits: side by side (each passes its test context to gate()).
describe.concurrent('leaks the exact signals catch (default profile)', () => {
  it('a server that never closes the sockets of closed clients: lingering connections and fds', async (test) => {
    // Each clean close waits for a TCP close that never comes: a short close-timeout-ms keeps the test quick.
    const report = await gate(fixtureInputs({ KEEP_SOCKETS: 1 }, { 'close-timeout-ms': '300', ...NO_HEAP }), test);
    expect(failedIds(report)).toEqual(expect.arrayContaining(['lingering-connections', 'fd-growth']));
    expect(check(report, 'lingering-connections').value).toBeGreaterThanOrEqual(60);
    expect(check(report, 'memory-growth').status).toBe('pass');
    expectNothingLeftRunning(report);
  });

  it('a server that keeps a session per connection: session growth through stats-url', async (test) => {
    const report = await gate(fixtureInputs({ LEAK_SESSIONS: 1 }, STATS), test);
    // The heap snapshots name the same leak: a Session retained per connection.
    expect(failedIds(report)).toEqual(['retained-objects', 'session-growth']);
    // Readiness + warm-up + 20 flapping + 45 leak connections, all remembered.
    expect(check(report, 'session-growth').value).toBe(report.signals.after!.sessions! - report.signals.baseline!.sessions!);
    expect(check(report, 'session-growth').value).toBe(65);
    expectNothingLeftRunning(report);
  });

  it('a server that spawns a child per connection and never reaps it: process growth, and all of it torn down', async (test) => {
    const report = await gate(fixtureInputs({ SPAWN_PER_CONNECTION: 1 }, NO_HEAP), test);
    expect(failedIds(report)).toContain('process-growth');
    expect(check(report, 'process-growth').value).toBe(65);
    expect(report.server.pidsSeen.length).toBeGreaterThan(65);
    expectNothingLeftRunning(report);
  });

  it('a server that cleans up on a clean close but leaks on an abrupt one: caught only because clients vanish', async (test) => {
    const [abrupt, politeOnly] = await Promise.all([
      gate(fixtureInputs({ LEAK_ON_ABRUPT_KB: 200 }, { ...STATS, ...NO_HEAP }), test),
      gate(fixtureInputs({ LEAK_ON_ABRUPT_KB: 200 }, { ...STATS, ...NO_HEAP, 'abrupt-ratio': '0' }), test),
    ]);
    expect(failedIds(abrupt)).toContain('session-growth');
    expect(check(abrupt, 'session-growth').value).toBe(abrupt.scenarios.leak.abruptDisconnects);
    expect(abrupt.scenarios.leak.abruptDisconnects).toBe(22);
    expect(check(abrupt, 'disconnect-success-rate').status).toBe('pass');
    expectNothingLeftRunning(abrupt);

    expect(failedIds(politeOnly)).toEqual([]);
    expectNothingLeftRunning(politeOnly);
  });
});
