// The checks of what the scenarios did (pure): readiness, rates, recovery, hostile input, crash, completion.

import { didNotRun, head, type Draft, type Measurements } from './check-draft.js';
import type { Config } from '../config/types.js';
import type { RegisteredCheckId } from '../model/checks.js';
import { formatRate, describeExit } from '../model/format.js';
import { judgeHostile } from './hostile.js';
import { recoveryPassed } from './recovery.js';
import type { RecoveryResult, ServerInfo, StopInfo } from '../model/report.js';

export function readyCheck(m: Measurements): Draft {
  const base = head('server-ready');
  if (m.server.readyAfterMs !== null) {
    return { ...base, measured: `after ${(m.server.readyAfterMs / 1000).toFixed(1)} s`, value: m.server.readyAfterMs, outcome: 'pass' };
  }
  return {
    ...base,
    measured: 'never',
    value: null,
    outcome: 'fail',
    detail: m.stopped?.message ?? 'the server never accepted a WebSocket handshake',
  };
}

export function rateCheck(id: RegisteredCheckId, ok: number, total: number, min: number, whenNone: string): Draft {
  const base = head(id, min);
  if (total === 0) return { ...base, measured: 'none', value: null, outcome: 'fail', detail: whenNone };
  const rate = ok / total;
  return {
    ...base,
    measured: `${formatRate(rate)} (${ok}/${total})`,
    value: rate,
    outcome: rate >= min ? 'pass' : 'fail',
  };
}

export function recoveryCheck(r: RecoveryResult, stoppedNote: string): Draft {
  const base = head('recovery');
  if (!r.connected && r.problems.length === 0) return didNotRun(base, `recovery did not run${stoppedNote}`);
  const passed = recoveryPassed(r);
  // A server that closed deliberately on the gate's default text is responsive: its messages were not judged.
  const closed = r.serverClose ? `closed ${r.serverClose.code}${r.serverClose.reason ? ` "${r.serverClose.reason}"` : ''}` : 'not judged';
  const messages = r.messagesJudged === false ? `messages not judged (${closed})` : `messages ${r.messagesAnswered}/${r.messagesSent}`;
  const measured = r.connected ? `pings ${r.pongsReceived}/${r.pingsSent}, ${messages}` : `no connection (${r.connectFailure ?? 'error'})`;
  const lines = r.problems.length > 0 ? r.problems.slice(0, 3) : (r.notes ?? []);
  return {
    ...base,
    measured,
    value: passed ? 1 : 0,
    outcome: passed ? 'pass' : 'fail',
    ...(lines.length > 0 ? { detail: lines.join('; ') } : {}),
  };
}

/** The server survived hostile input: stayed up, kept accepting, passed recovery after it, kept its memory. */
export function hostileCheck(config: Config, m: Measurements): Draft {
  const result = m.hostile;
  if (!result) return didNotRun(head('hostile-survived'), 'the hostile scenario did not run');
  const limit = config.limits.maxHostileMemoryGrowthMb;
  const { maxFdGrowth, maxLingeringConnections, maxProcessGrowth, maxSessionGrowth } = config.limits;
  const judged = judgeHostile(result, {
    maxMemoryGrowthMb: limit.value,
    memoryLimitExplicit: limit.explicit,
    strict: config.hostile.strict,
    // What a hostile frame leaves behind is judged by the limits of the signals' own checks.
    leftBehind: {
      fds: maxFdGrowth.value,
      lingeringConnections: maxLingeringConnections.value,
      processes: maxProcessGrowth.value,
      sessions: maxSessionGrowth.value,
    },
  });
  const ran = result.cases.some((c) => c.outcome !== 'not-run');
  const recoveryFailed =
    config.scenarios.includes('recovery') && ran && result.serverSurvived && recoveryCheck(m.recovery, '').outcome === 'fail';
  const outcome = recoveryFailed ? 'fail' : judged.outcome;
  // The case that broke the server is named by the judgement when a session right after it failed.
  const recoveryWords = result.brokenAfter ? null : 'recovery failed after the hostile cases';
  const detail = recoveryFailed ? [recoveryWords, judged.detail].filter(Boolean).join('; ') : judged.detail;
  return {
    ...head('hostile-survived', judged.limit),
    measured: judged.measured,
    value: outcome === 'fail' ? 0 : judged.value,
    outcome,
    ...(detail ? { detail } : {}),
  };
}

export function crashCheck(server: ServerInfo): Draft {
  const base = head('server-crash');
  if (server.exit && server.exit.code === 0 && server.readyAfterMs === null) {
    // A start script that returns at once: not a crash, but no server stayed up for the gate either.
    const detail = 'the server command exited (code 0) before accepting a handshake: it must keep running in the foreground';
    return { ...base, measured: 'exited (code 0) before ready', value: 0, outcome: 'fail', detail };
  }
  if (server.exit) {
    const how = describeExit(server.exit);
    return {
      ...base,
      measured: `crashed (${how})`,
      value: 0,
      outcome: 'fail',
      detail: `the server exited during ${server.exit.phase} with ${how}`,
    };
  }
  if (server.pid === null) {
    return { ...base, measured: 'n/a', value: null, outcome: 'not-measured', detail: 'attached without a known pid' };
  }
  return { ...base, measured: 'up', value: 1, outcome: 'pass' };
}

export function completedCheck(stopped: StopInfo | null): Draft {
  const base = head('run-completed');
  if (stopped) {
    const where = stopped.message.includes(`during ${stopped.phase}`) ? '' : ` (during ${stopped.phase})`;
    return { ...base, measured: `stopped (${stopped.reason})`, value: 0, outcome: 'fail', detail: `${stopped.message}${where}` };
  }
  return { ...base, measured: 'yes', value: 1, outcome: 'pass' };
}
