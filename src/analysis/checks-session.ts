// The session check (pure): how many load connections completed what they were to say, and the step that failed.

import { head, type Draft } from './check-draft.js';
import type { Config } from '../config/types.js';
import { formatRate } from '../model/format.js';
import type { LoadScenarioResult } from '../model/report.js';
import type { SessionFailure } from '../model/session.js';

/**
 * `session-success-rate`, when a session ran (a protocol with an opening, or the user's steps) or one was asked for
 * (session, session-file) in a load scenario that was to run; none otherwise.
 */
export function sessionChecks(config: Config, load: readonly LoadScenarioResult[], stoppedNote: string): Draft[] {
  const limit = config.limits.minSessionSuccessRate.value;
  const ran = load.filter((s) => s.session !== undefined);
  if (limit === null || (ran.length === 0 && config.client.session === null) || load.length === 0) return [];
  const started = ran.reduce((n, s) => n + s.session!.started, 0);
  const completed = ran.reduce((n, s) => n + s.session!.completed, 0);
  const base = head('session-success-rate', limit);
  if (started === 0) {
    return [{ ...base, measured: 'none', value: null, outcome: 'fail', detail: `no session was started${stoppedNote}` }];
  }
  const rate = completed / started;
  const failures = ran.flatMap((s) => s.session!.failures.map((f) => ({ ...f, scenario: s.id })));
  return [
    {
      ...base,
      measured: `${formatRate(rate)} (${completed}/${started})`,
      value: rate,
      outcome: rate >= limit ? 'pass' : 'fail',
      ...(failures.length > 0 ? { detail: failureText(failures, started - completed) } : {}),
    },
  ];
}

/**
 * "step 2 (send …): no reply … (30 of 45 failed sessions); 15 more failed at other steps": the step that failed most,
 * its failures counted over both scenarios.
 */
function failureText(failures: Array<SessionFailure & { scenario: string }>, failed: number): string {
  const byStep = new Map<string, SessionFailure>();
  for (const f of failures) {
    const key = `${f.step}\u0000${f.kind}`;
    const seen = byStep.get(key);
    if (seen) seen.count += f.count;
    else byStep.set(key, { ...f });
  }
  const top = [...byStep.values()].sort((a, b) => b.count - a.count)[0]!;
  const rest = failed - top.count;
  const more = rest > 0 ? `; ${rest} more failed otherwise (see the failures table)` : '';
  return `${top.step}: ${top.example} (${top.count} of ${failed} failed sessions)${more}`;
}
