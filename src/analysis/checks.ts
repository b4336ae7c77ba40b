// Checks and verdict from what a run measured (pure): every limit becomes one row with a status, in registry order.

import { finalize, levelOf, type Draft, type Measurements } from './check-draft.js';
import { faultChecks } from './checks-faults.js';
import { memoryChecks, retainedCheck, trendChecks } from './checks-memory.js';
import { completedCheck, crashCheck, hostileCheck, rateCheck, readyCheck, recoveryCheck } from './checks-scenarios.js';
import { sessionChecks } from './checks-session.js';
import { signalChecks } from './checks-signals.js';
import type { Config } from '../config/types.js';
import { judgedAttempts, judgedCloses, type Check, type Verdict } from '../model/report.js';

export type { Measurements, RunMeasurements } from './check-draft.js';
export { MIN_TREND_SPAN } from './checks-memory.js';

/** Every check that applies to this configuration, in report order. */
export function runChecks(config: Config, m: Measurements): Check[] {
  const drafts: Draft[] = [readyCheck(m)];
  const load = [m.flapping, m.leak].filter((s) => s.enabled);
  const stoppedNote = m.stopped ? ` (the run stopped during ${m.stopped.phase}: ${m.stopped.reason})` : '';

  if (load.length > 0) {
    // Abrupt closes (terminate()) and the reset toxic's cuts are ours on purpose: neither is judged.
    const attempts = sum(load, judgedAttempts);
    const connected = sum(load, (s) => s.connected);
    const clean = sum(load, (s) => s.cleanDisconnects);
    const cleanTried = sum(load, judgedCloses);
    const { minConnectSuccessRate: connectLimit, minDisconnectSuccessRate: disconnectLimit } = config.limits;
    if (connectLimit.value !== null) {
      drafts.push(rateCheck('connect-success-rate', connected, attempts, connectLimit.value, `no connection was attempted${stoppedNote}`));
    }
    if (disconnectLimit.value !== null) {
      drafts.push(rateCheck('disconnect-success-rate', clean, cleanTried, disconnectLimit.value, `no clean close was tried${stoppedNote}`));
    }
  }
  drafts.push(...sessionChecks(config, load, stoppedNote));

  drafts.push(...memoryChecks(config, m.memory, stoppedNote));
  if (config.scenarios.includes('leak'))
    drafts.push(...trendChecks(config, m.memory, m.evidence ?? [], m.memoryJudge ?? null, stoppedNote));
  if (config.scenarios.includes('leak')) drafts.push(...retainedCheck(config, m.evidence ?? [], stoppedNote));
  drafts.push(...signalChecks(config, m.signals, stoppedNote));
  if (config.scenarios.includes('recovery')) drafts.push(recoveryCheck(m.recovery, stoppedNote));
  if (config.scenarios.includes('hostile')) drafts.push(hostileCheck(config, m));
  drafts.push(...faultChecks(config, m.faults, stoppedNote));
  drafts.push(crashCheck(m.server));
  drafts.push(completedCheck(m.stopped));

  return drafts.map((d) => finalize(d, levelOf(d.id, config.warnOnly)));
}

/** fail if any error-level check failed; warn if only warnings; else pass. */
export function verdictOf(checks: Check[]): Verdict {
  if (checks.some((c) => c.status === 'fail')) return 'fail';
  if (checks.some((c) => c.status === 'warn')) return 'warn';
  return 'pass';
}

function sum<T>(items: T[], f: (t: T) => number): number {
  return items.reduce((s, t) => s + f(t), 0);
}
