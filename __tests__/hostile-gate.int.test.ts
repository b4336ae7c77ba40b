// The hostile scenario inside a whole gate run: a healthy server survives it and recovers, a server that
// crashes on invalid UTF-8 fails hostile-survived with the case named, and nothing is left running.

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ECHO_SERVER, QUICK, check, expectNothingLeftRunning, gate } from './helpers/gate-run.js';

const CRASHER = fileURLToPath(new URL('./fixtures/hostile-crash-server.js', import.meta.url));
const WITH_HOSTILE = { ...QUICK, url: 'ws://127.0.0.1:0/', scenarios: 'flapping,leak,hostile,recovery' };

describe('the hostile phase in a gate run', () => {
  it('runs after cooldown and before recovery; a healthy ws server survives and recovers', async () => {
    const report = await gate({ ...WITH_HOSTILE, 'server-command': `node ${JSON.stringify(ECHO_SERVER)}` });
    expect(report.phases.map((p) => p.name)).toEqual([
      'startup',
      'warmup',
      'baseline',
      'flapping',
      'leak',
      'cooldown',
      'hostile',
      'recovery',
      'teardown',
    ]);
    const hostile = report.scenarios.hostile!;
    expect(hostile.serverSurvived).toBe(true);
    expect(hostile.cases.filter((c) => c.outcome === 'not-run')).toEqual([]);
    // ws answers every case but two as RFC 6455 asks: those warn, they do not fail.
    expect(['pass', 'warn']).toContain(check(report, 'hostile-survived').status);
    expect(check(report, 'recovery').status).toBe('pass');
    expect(report.verdict).not.toBe('fail');
    expectNothingLeftRunning(report);
  });

  it('fails hostile-survived, naming the case, for a server that crashes on invalid UTF-8', async () => {
    const report = await gate({ ...WITH_HOSTILE, 'server-command': `node ${JSON.stringify(CRASHER)}` });
    const survived = check(report, 'hostile-survived');
    expect(survived.status).toBe('fail');
    expect(`${survived.measured} ${survived.detail}`).toContain('invalid-utf8');
    expect(report.server.exit?.phase).toBe('hostile');
    expect(check(report, 'server-crash').status).toBe('fail');
    expect(report.verdict).toBe('fail');
    expectNothingLeftRunning(report);
  });

  it('is off unless selected, and adds no check then', async () => {
    const report = await gate({ ...QUICK, url: 'ws://127.0.0.1:0/', 'server-command': `node ${JSON.stringify(ECHO_SERVER)}` });
    expect(report.scenarios.hostile).toBeUndefined();
    expect(report.checks.map((c) => c.id)).not.toContain('hostile-survived');
  });
});
