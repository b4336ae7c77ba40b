// Clean servers the leak verdicts must never fail: ours, and one not written in this project.

import { describe, expect, it } from 'vitest';
import { ECHO_SERVER, ROOT, expectNothingLeftRunning, gate } from './gate-run.js';
import { SYSTEM_PYTHON, requireTool } from './tools.js';

export const PYTHON_ECHO_SERVER = `${SYSTEM_PYTHON} ${JSON.stringify(`${ROOT}examples/python/echo_server.py`)}`;

export const CLEAN_SERVERS = {
  node: ['the example Node ws echo server', `node ${JSON.stringify(ECHO_SERVER)}`],
  python: ["Python's websockets echo server (Debian python3-websockets)", PYTHON_ECHO_SERVER],
} as const;

/** No false positives: 10 consecutive default runs against a clean server all pass, every check. */
export function describeCleanSeries(which: keyof typeof CLEAN_SERVERS): void {
  const [name, command] = CLEAN_SERVERS[which];
  describe.skipIf(which === 'python' && requireTool('python3-websockets'))(`${name}, 10 default runs`, () => {
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
}
