// The fault scenarios' checks (pure): dead-peer reaping and slow-consumer memory, each when its scenario was selected.

import { didNotRun, head, unmeasured, type Draft } from './check-draft.js';
import type { Config, Limit } from '../config/types.js';
import type { DeadPeersResult, FaultsResult, SlowConsumerResult } from '../model/faults.js';
import { bytesFromMb, formatMb, formatMbDelta, mbFromBytes, round } from '../model/format.js';

export function faultChecks(config: Config, faults: FaultsResult | undefined, stoppedNote: string): Draft[] {
  const drafts: Draft[] = [];
  if (config.scenarios.includes('dead-peers')) {
    const result = faults?.deadPeers;
    drafts.push(
      result ? deadPeerReapingCheck(result) : didNotRun(head('dead-peer-reaping'), `the dead-peers scenario did not run${stoppedNote}`),
    );
  }
  const limit = config.limits.maxSlowConsumerGrowthMb;
  if (config.scenarios.includes('slow-consumer') && limit.value !== null) {
    const result = faults?.slowConsumer;
    drafts.push(
      result
        ? slowConsumerMemoryCheck(result, { value: limit.value, explicit: limit.explicit })
        : didNotRun(head('slow-consumer-memory', limit.value), `the slow-consumer scenario did not run${stoppedNote}`),
    );
  }
  return drafts;
}

/**
 * `dead-peer-reaping`: every silent client must be closed by the server within dead-peer-timeout-s. Fails when one
 * is still open, or when no client went silent (nothing was tested).
 */
export function deadPeerReapingCheck(result: DeadPeersResult): Draft {
  const seconds = Math.round(result.timeoutMs / 1000);
  const base = head('dead-peer-reaping', `all within ${seconds} s`);
  if (result.silenced === 0) {
    const failures = Object.entries(result.connectFailures).map(([kind, n]) => `${kind} ${n}`);
    const why = result.stoppedEarly ? 'the run stopped before any client went silent' : 'no client completed the handshake';
    return {
      ...base,
      measured: 'none',
      value: null,
      outcome: 'fail',
      detail: failures.length > 0 ? `${why} (${failures.join(', ')})` : why,
    };
  }
  const slowest = result.reapMs ? ` (slowest ${(result.reapMs.max / 1000).toFixed(1)} s)` : '';
  const measured = `${result.reaped}/${result.silenced} reaped${slowest}`;
  if (result.stillOpen === 0) {
    const detail = result.stoppedEarly ? { detail: 'the run stopped before the timeout; all silent clients were reaped' } : {};
    return { ...base, measured, value: 0, outcome: 'pass', ...detail };
  }
  const waited = result.stoppedEarly ? `when the run stopped (${(result.durationMs / 1000).toFixed(1)} s)` : `after ${seconds} s`;
  return {
    ...base,
    measured,
    value: result.stillOpen,
    outcome: result.stoppedEarly ? 'not-measured' : 'fail',
    detail: `${result.stillOpen} dead connection${result.stillOpen === 1 ? '' : 's'} still open ${waited}: add a ping/pong heartbeat`,
  };
}

/**
 * `slow-consumer-memory`: the server tree's memory growth while one client did not read must stay within the limit.
 * A limit set explicitly that cannot be measured fails; the default one is not-measured.
 */
export function slowConsumerMemoryCheck(result: SlowConsumerResult, limit: Limit & { value: number }): Draft {
  const base = head('slow-consumer-memory', limit.value);
  if (!result.connected) {
    const why = `the slow client could not connect${result.connectFailure ? ` (${result.connectFailure})` : ''}`;
    return { ...base, measured: 'n/a', value: null, outcome: 'fail', detail: why };
  }
  if (result.memoryGrowthBytes === null) return unmeasured(base, limit, "the server's memory could not be read");
  const growth = result.memoryGrowthBytes;
  const reaction = result.serverClosed
    ? 'the server closed the slow client'
    : result.serverPausedReading
      ? 'the server stopped reading it'
      : null;
  const sent = `the server wrote ${formatMb(result.serverBytesWhilePaused + result.serverBytesAfter)} towards a client that did not read`;
  const pass = growth <= bytesFromMb(limit.value);
  return {
    ...base,
    measured: formatMbDelta(growth),
    value: round(mbFromBytes(growth), 2),
    outcome: pass ? 'pass' : 'fail',
    detail: pass
      ? `${sent}${reaction ? `; ${reaction}` : ''}`
      : `${sent}, buffering it in memory: check bufferedAmount and pause or drop a client that does not read`,
  };
}
