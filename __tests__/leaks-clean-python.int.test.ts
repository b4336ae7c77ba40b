// No false positives: 10 consecutive default runs against a clean server all pass, every check.
// (One file per server so the two series run in parallel.)

import { describe, expect, it } from 'vitest';
import { CLEAN_SERVERS } from './helpers/clean-servers.js';
import { expectNothingLeftRunning, gate } from './helpers/gate-run.js';

const [name, command] = CLEAN_SERVERS[1]!;

describe(`${name}, 10 default runs`, () => {
  it('passes every run with every leak signal at rest', { timeout: 300_000 }, async () => {
    const trends: string[] = [];
    for (let run = 1; run <= 10; run++) {
      const report = await gate({ 'server-command': command, url: 'ws://127.0.0.1:0/' });
      const failed = report.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.measured} (${c.detail ?? ''})`);
      expect(failed, `run ${run}`).toEqual([]);
      expect(report.signals.growth).toMatchObject({ processes: 0, lingeringConnections: 0 });
      expect(report.scenarios.leak.abruptDisconnects).toBeGreaterThan(0);
      trends.push(report.checks.find((c) => c.id === 'leak-per-connection')!.measured);
      expectNothingLeftRunning(report);
    }
    console.log(`${name}: memory trend per run: ${trends.join(', ')}`);
  });
});
