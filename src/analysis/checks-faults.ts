// The fault scenarios' checks (pure): dead-peer reaping and slow-consumer memory, each when its scenario was selected.

import { didNotRun, head, unmeasured, type Draft, type Head } from './check-draft.js';
import type { Config, Limit } from '../config/types.js';
import type { DeadPeersResult, FaultsResult, SlowConsumerResult } from '../model/faults.js';
import { bytesFromMb, formatMb, formatMbDelta, mbFromBytes, round } from '../model/format.js';
import type { LatencySummary } from '../model/measures.js';

export function faultChecks(config: Config, faults: FaultsResult | undefined, stoppedNote: string): Draft[] {
  const drafts: Draft[] = [];
  if (config.scenarios.includes('dead-peers')) {
    const result = faults?.deadPeers;
    drafts.push(
      result
        ? deadPeerReapingCheck(result)
        : didNotRun(reapingHead(config.faults.deadPeers.timeoutMs), `the dead-peers scenario did not run${stoppedNote}`),
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

/** Seconds as a report says them: "60 s", "62.0 s" (whole limits stay whole). */
function seconds(ms: number, digits = 0): string {
  return `${(ms / 1000).toFixed(digits)} s`;
}

/** The check's id, title and limit: "all within 90 s" (dead-peer-timeout-s), whether the scenario ran or not. */
function reapingHead(timeoutMs: number): Head {
  return head('dead-peer-reaping', `all within ${seconds(timeoutMs)}`);
}

/** "1 dead connection", "4 dead connections". */
function connections(n: number): string {
  return `${n} dead connection${n === 1 ? '' : 's'}`;
}

/** "after 62.0 s" or "after 61.2–62.0 s" for the clients reaped late. */
function lateWhen(late: LatencySummary | null | undefined): string {
  if (!late || late.count === 0) return '';
  const min = Math.min(late.p50, late.max);
  return late.count === 1 || late.max - min < 100 ? `after ${seconds(late.max, 1)}` : `after ${seconds(min, 1)}–${seconds(late.max, 1)}`;
}

/**
 * `dead-peer-reaping`: every silent client must be closed by the server within dead-peer-timeout-s. Fails when one
 * was reaped later (the heartbeat is slower than the limit: said with when), when one was not reaped within the
 * watch past the limit (no heartbeat), or when no client went silent (nothing was tested).
 */
export function deadPeerReapingCheck(result: DeadPeersResult): Draft {
  const limit = seconds(result.timeoutMs);
  const base = reapingHead(result.timeoutMs);
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
  const late = result.reapedLate ?? 0;
  const slowest = result.reapMs ? ` (slowest ${seconds(result.reapMs.max, 1)})` : '';
  const lateNote = late > 0 ? `, ${late} late (${lateWhen(result.lateMs)})` : '';
  const measured = `${result.reaped}/${result.silenced} reaped${slowest}${lateNote}`;
  const notInTime = late + result.stillOpen;
  if (notInTime === 0) {
    const detail = result.stoppedEarly ? { detail: 'the run stopped before the timeout; all silent clients were reaped' } : {};
    return { ...base, measured, value: 0, outcome: 'pass', ...detail };
  }
  if (result.stoppedEarly && result.stillOpen > 0) {
    const waited = `when the run stopped (${seconds(result.durationMs, 1)})`;
    const detail = `${connections(result.stillOpen)} still open ${waited}`;
    return { ...base, measured, value: notInTime, outcome: 'not-measured', detail };
  }
  const causes: string[] = [];
  if (late > 0) {
    causes.push(
      `${connections(late)} reaped ${lateWhen(result.lateMs)}, later than the ${limit} limit: shorten the heartbeat ` +
        '(ping interval plus pong timeout) or raise dead-peer-timeout-s',
    );
  }
  if (result.stillOpen > 0) {
    const watched = seconds(result.watchedMs ?? result.timeoutMs);
    causes.push(
      `${connections(result.stillOpen)} not reaped within ${watched}: no heartbeat; add a ping/pong heartbeat that closes ` +
        'a peer whose pong does not come',
    );
  }
  return { ...base, measured, value: notInTime, outcome: 'fail', detail: causes.join('; ') };
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
