// session-success-rate: judged when a session ran or was asked for, named by the step that failed most. Pure.

import { describe, expect, it } from 'vitest';
import { sessionChecks } from '../src/analysis/checks-session.js';
import { parseConfig } from '../src/config/parse.js';
import type { LoadScenarioResult } from '../src/model/report.js';
import type { SessionResult } from '../src/model/session.js';
import { emptyLoadResult, loadSpecOf } from '../src/scenarios/load.js';

const config = (extra: Record<string, string> = {}) => parseConfig({ url: 'ws://127.0.0.1:1/', ...extra });

function scenario(id: 'flapping' | 'leak', session?: SessionResult): LoadScenarioResult {
  return { ...emptyLoadResult(loadSpecOf(config(), id), true), ...(session ? { session } : {}) };
}

const joinFailed = (count: number) => ({
  step: 'step 1 (send join)',
  kind: 'mismatch' as const,
  example: 'no $.type = "joined" within 2000 ms',
  count,
});

describe('session-success-rate', () => {
  it('is absent for a raw server without a session: its clients only connect, hold and close', () => {
    expect(sessionChecks(config(), [scenario('flapping'), scenario('leak')], '')).toEqual([]);
  });

  it('passes at 80 % and fails below, naming the step that failed most, counted over both scenarios', () => {
    const session = (started: number, completed: number, failures: SessionResult['failures']): SessionResult => ({
      describe: 'socket.io connect + 1 step',
      started,
      completed,
      failures,
      thinkMs: 0,
    });
    const [pass] = sessionChecks(
      config(),
      [scenario('flapping', session(20, 20, [])), scenario('leak', session(45, 32, [joinFailed(13)]))],
      '',
    );
    expect(pass).toMatchObject({ id: 'session-success-rate', outcome: 'pass', measured: '80\u00A0% (52/65)', value: 0.8 });
    const [fail] = sessionChecks(
      config(),
      [
        scenario('flapping', session(20, 10, [joinFailed(10)])),
        scenario('leak', session(45, 20, [joinFailed(20), { step: 'socket.io connect', kind: 'closed', example: 'closed', count: 5 }])),
      ],
      '',
    );
    expect(fail).toMatchObject({ outcome: 'fail', measured: '46.2\u00A0% (30/65)' });
    expect(fail!.detail).toBe(
      'step 1 (send join): no $.type = "joined" within 2000 ms (30 of 35 failed sessions); ' +
        '5 more failed otherwise (see the failures table)',
    );
  });

  it('fails when a session was asked for and none was started (the run stopped first)', () => {
    const [check] = sessionChecks(
      config({ session: '- send: x' }),
      [scenario('flapping'), scenario('leak')],
      ' (the run stopped during startup)',
    );
    expect(check).toMatchObject({ outcome: 'fail', measured: 'none', detail: 'no session was started (the run stopped during startup)' });
  });

  it('is dropped by off', () => {
    const ran = scenario('leak', { describe: 'x', started: 1, completed: 0, failures: [], thinkMs: 0 });
    expect(sessionChecks(config({ 'min-session-success-rate': 'off', session: '- send: x' }), [ran], '')).toEqual([]);
  });
});
