// The one way a check is built (pure): a draft from the registry's id, title and limit, then its level and status.

import { checkDefinition, COMPARED_METRICS, type CheckId, type RegisteredCheckId, type Threshold } from '../model/checks.js';
import { formatThreshold } from '../model/format.js';
import type { Limit } from '../config/types.js';
import type { FaultsResult } from '../model/faults.js';
import type { Evidence, MemoryJudge } from '../model/evidence.js';
import type { HostileResult } from '../model/hostile.js';
import type {
  Check,
  CheckLevel,
  CheckStatus,
  LoadScenarioResult,
  MemoryResult,
  PhaseSpan,
  RecoveryResult,
  ServerInfo,
  SignalsResult,
  StopInfo,
} from '../model/report.js';

/** Everything a run's phases measured: what RunContext fills in, and the report is assembled from. */
export interface RunMeasurements {
  server: ServerInfo;
  stopped: StopInfo | null;
  phases: PhaseSpan[];
  flapping: LoadScenarioResult;
  leak: LoadScenarioResult;
  recovery: RecoveryResult;
  hostile: HostileResult;
  /** What each source of leak evidence showed (heap snapshots, census, class histogram, metrics); empty until the end. */
  evidence: Evidence[];
  /** Which figure judged the memory trend; null until the run is over. */
  memoryJudge: MemoryJudge | null;
  /** What the fault proxy injected, and the dead-peers and slow-consumer scenarios' results. */
  faults: FaultsResult;
  /** Retained memory against connections made, one point per settle window (the leak trend). */
  trendPoints: Array<{ connections: number; rssBytes: number }>;
}

/**
 * What the checks read: a run's measurements and the memory and signal figures derived from its samples. The
 * hostile, fault and evidence results may be absent, as in a report read back (a scenario that was not selected).
 */
export type Measurements = Pick<RunMeasurements, 'server' | 'stopped' | 'flapping' | 'leak' | 'recovery'> &
  Partial<Pick<RunMeasurements, 'hostile' | 'faults' | 'evidence' | 'memoryJudge'>> & { memory: MemoryResult; signals: SignalsResult };

/**
 * A check before its level is known. `warn`: a finding that warns whatever the level (a hostile case answered
 * other than RFC 6455 asks).
 */
export type Draft = Omit<Check, 'level' | 'status'> & { outcome: 'pass' | 'warn' | 'fail' | 'not-measured' };
export type Head = Pick<Check, 'id' | 'title' | 'limit' | 'threshold'>;

/**
 * The id, title and limit of a check, from the registry. `limit`: a number is the value of the registry's
 * threshold (op and unit); a string is a limit the run states in words (dead-peer-timeout-s, the hostile
 * scenario's limits, a regression's share); none is the registry's fixed requirement.
 */
export function head(id: CheckId, limit?: number | string): Head {
  const regressed = COMPARED_METRICS.find((m) => `regression-${m.id}` === id);
  if (regressed) return { id, title: `${regressed.title} vs base`, limit: typeof limit === 'string' ? limit : '', threshold: null };
  const def = checkDefinition(id as RegisteredCheckId);
  if (typeof limit === 'number' && def.op !== null && def.unit !== null) {
    const threshold: Threshold = { op: def.op, value: limit, unit: def.unit };
    return { id, title: def.title, limit: formatThreshold(threshold), threshold };
  }
  return { id, title: def.title, limit: typeof limit === 'string' ? limit : (def.requires ?? ''), threshold: null };
}

/**
 * Nothing to measure: a limit the user set on purpose fails (it must not pass by measuring nothing); a default
 * one is `not-measured`, shown as such.
 */
export function unmeasured(base: Head, limit: Limit, detail: string, measured = 'n/a'): Draft {
  return { ...base, measured, value: null, outcome: limit.explicit ? 'fail' : 'not-measured', detail };
}

/** A scenario that was selected and did not run fails its check, as a scenario with zero attempts does. */
export function didNotRun(base: Head, detail: string): Draft {
  return { ...base, measured: 'did not run', value: null, outcome: 'fail', detail };
}

/** `warn-only` downgrades a check to a warning; `level` applies to a whole family (compare-level). */
export function levelOf(id: CheckId, warnOnly: readonly string[], level: CheckLevel = 'error'): CheckLevel {
  return level === 'warn' || warnOnly.includes(id) ? 'warn' : 'error';
}

/** The Check row: a failure at warn level is a warning. */
export function finalize(draft: Draft, level: CheckLevel): Check {
  const { outcome, ...rest } = draft;
  const status: CheckStatus = outcome === 'fail' && level === 'warn' ? 'warn' : outcome;
  return { ...rest, level, status };
}
