// A leak of memory alone fails the memory trend: 200 KB per connection at the default profile, which the crude
// 50 MB growth limit lets through, and 20 KB per connection in the soak profile, which passes the clean example
// server. (One file of its own: the soak runs are the suite's longest, and run beside the other files.)

import { describe, expect, it } from 'vitest';
import type { Report } from '../src/model/report.js';
import { ECHO_SERVER, check, expectNothingLeftRunning, fixtureInputs, gate } from './helpers/gate-run.js';

function failedIds(report: Report): string[] {
  return report.checks.filter((c) => c.status === 'fail').map((c) => c.id);
}

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

  // Two soak runs (3,000 warm-up and 3,000 leak connections each): minutes on a loaded machine.
  it('fails 20 KB per connection in the soak profile, and passes the clean example server there', { timeout: 300_000 }, async () => {
    // The two runs side by side rather than one after the other: each measures its own server's process tree.
    const [leaky, clean] = await Promise.all([
      gate(fixtureInputs({ LEAK_KB_PER_CONNECTION: 20 }, { profile: 'soak' })),
      gate({ 'server-command': `node ${JSON.stringify(ECHO_SERVER)}`, url: 'ws://127.0.0.1:0/', profile: 'soak' }),
    ]);
    expect(failedIds(leaky)).toContain('leak-per-connection');
    expect(leaky.scenarios.leak.attempts).toBe(3000);
    expectNothingLeftRunning(leaky);

    expect(failedIds(clean)).toEqual([]);
    expect(check(clean, 'leak-per-connection').value!).toBeLessThan(10);
    expectNothingLeftRunning(clean);
  });
});
