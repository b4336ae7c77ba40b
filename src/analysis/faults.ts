// Checks of the fault scenarios (pure): dead-peer reaping and slow-consumer memory.

import { checkDefinition, type Threshold } from '../model/checks.js';
import { type DeadPeersResult, type FaultCheckId, type SlowConsumerResult } from '../model/faults.js';
import { formatMb, formatMbDelta, formatThreshold } from '../model/format.js';
import type { Check, CheckLevel, CheckStatus } from '../model/report.js';

/** A Check whose id is one of the fault checks (a CheckId once FAULT_CHECKS joins the registry). */
export type FaultCheck = Omit<Check, 'id'> & { id: FaultCheckId };

const titleOf = (id: FaultCheckId): string => checkDefinition(id).title;

/** The default of `max-slow-consumer-growth-mb`. */
export const DEFAULT_MAX_SLOW_CONSUMER_GROWTH_MB = 50;
const MB = 1024 * 1024;

function status(outcome: 'pass' | 'fail' | 'not-measured', level: CheckLevel): CheckStatus {
  return outcome === 'fail' && level === 'warn' ? 'warn' : outcome;
}

/**
 * `dead-peer-reaping`: every silent client must be closed by the server within dead-peer-timeout-s. Fails when one
 * is still open, or when no client went silent (nothing was tested).
 */
export function deadPeerReapingCheck(result: DeadPeersResult, level: CheckLevel = 'error'): FaultCheck {
  const id: FaultCheckId = 'dead-peer-reaping';
  const seconds = Math.round(result.timeoutMs / 1000);
  const base = { id, title: titleOf(id), limit: `all within ${seconds} s`, threshold: null, level };
  if (result.silenced === 0) {
    const failures = Object.entries(result.connectFailures).map(([kind, n]) => `${kind} ${n}`);
    const why = result.stoppedEarly ? 'the run stopped before any client went silent' : 'no client completed the handshake';
    return {
      ...base,
      measured: 'none',
      value: null,
      status: status('fail', level),
      detail: failures.length > 0 ? `${why} (${failures.join(', ')})` : why,
    };
  }
  const slowest = result.reapMs ? ` (slowest ${(result.reapMs.max / 1000).toFixed(1)} s)` : '';
  const measured = `${result.reaped}/${result.silenced} reaped${slowest}`;
  if (result.stillOpen === 0 && !result.stoppedEarly) {
    return { ...base, measured, value: result.stillOpen, status: 'pass' };
  }
  if (result.stillOpen === 0) {
    return {
      ...base,
      measured,
      value: result.stillOpen,
      status: 'pass',
      detail: 'the run stopped before the timeout; all silent clients were reaped',
    };
  }
  const waited = result.stoppedEarly ? `when the run stopped (${(result.durationMs / 1000).toFixed(1)} s)` : `after ${seconds} s`;
  return {
    ...base,
    measured,
    value: result.stillOpen,
    status: status(result.stoppedEarly ? 'not-measured' : 'fail', level),
    detail: `${result.stillOpen} dead connection${result.stillOpen === 1 ? '' : 's'} still open ${waited}: add a ping/pong heartbeat`,
  };
}

/**
 * `slow-consumer-memory`: the server tree's memory growth while one client did not read must stay within the limit.
 * A limit set explicitly that cannot be measured fails; the default one is not-measured.
 */
export function slowConsumerMemoryCheck(
  result: SlowConsumerResult,
  limit: { value: number; explicit: boolean } = { value: DEFAULT_MAX_SLOW_CONSUMER_GROWTH_MB, explicit: false },
  level: CheckLevel = 'error',
): FaultCheck {
  const id: FaultCheckId = 'slow-consumer-memory';
  const threshold: Threshold = { op: '<=', value: limit.value, unit: 'MiB' };
  const base = { id, title: titleOf(id), limit: formatThreshold(threshold), threshold, level };
  if (!result.connected) {
    return {
      ...base,
      measured: 'n/a',
      value: null,
      status: status('fail', level),
      detail: `the slow client could not connect${result.connectFailure ? ` (${result.connectFailure})` : ''}`,
    };
  }
  if (result.memoryGrowthBytes === null) {
    return {
      ...base,
      measured: 'n/a',
      value: null,
      status: status(limit.explicit ? 'fail' : 'not-measured', level),
      detail: "the server's memory could not be read",
    };
  }
  const growth = result.memoryGrowthBytes;
  const reaction = result.serverClosed
    ? 'the server closed the slow client'
    : result.serverPausedReading
      ? 'the server stopped reading it'
      : null;
  const wrote = result.serverBytesWhilePaused + result.serverBytesAfter;
  const sent = `the server wrote ${formatMb(wrote)} towards a client that did not read`;
  const pass = growth <= limit.value * MB;
  return {
    ...base,
    measured: formatMbDelta(growth),
    value: Math.round((growth / MB) * 100) / 100,
    status: status(pass ? 'pass' : 'fail', level),
    detail: pass
      ? `${sent}${reaction ? `; ${reaction}` : ''}`
      : `${sent}, buffering it in memory: check bufferedAmount and pause or drop a client that does not read`,
  };
}
