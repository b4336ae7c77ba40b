// What every check is built from before its level is known (pure): the draft, and the registry's id, title and limit.

import { checkDefinition, type Threshold } from '../model/checks.js';
import { formatThreshold } from '../model/format.js';
import type { FaultsResult } from '../model/faults.js';
import type { HeapEvidence } from '../model/heap.js';
import type { HostileResult } from '../model/hostile.js';
import type { Check, LoadScenarioResult, MemoryResult, RecoveryResult, ServerInfo, SignalsResult, StopInfo } from '../model/report.js';

export interface Measurements {
  server: ServerInfo;
  stopped: StopInfo | null;
  flapping: LoadScenarioResult;
  leak: LoadScenarioResult;
  recovery: RecoveryResult;
  /** Absent when the hostile scenario was not selected. */
  hostile?: HostileResult;
  /** The fault scenarios' results; absent when none ran. */
  faults?: FaultsResult;
  /** What the heap snapshots showed; absent or null without them. */
  heap?: HeapEvidence | null;
  memory: MemoryResult;
  signals: SignalsResult;
}

/** `warn`: a finding that warns whatever the level (a hostile case answered other than RFC 6455 asks). */
export type Draft = Omit<Check, 'level' | 'status'> & { outcome: 'pass' | 'warn' | 'fail' | 'not-measured' };
export type Defined = Parameters<typeof checkDefinition>[0];

/** The id, title and limit of a registered check, its limit text formatted from the threshold. */
export function head(id: Defined, limitValue?: number): Pick<Check, 'id' | 'title' | 'limit' | 'threshold'> {
  const def = checkDefinition(id);
  const threshold: Threshold | null =
    limitValue !== undefined && def.op !== null && def.unit !== null ? { op: def.op, value: limitValue, unit: def.unit } : null;
  return { id, title: def.title, limit: threshold ? formatThreshold(threshold) : (FIXED_LIMITS[id] ?? ''), threshold };
}

/** How the checks without a numeric limit state what they require. */
const FIXED_LIMITS: Partial<Record<Defined, string>> = {
  'server-ready': 'handshake',
  recovery: 'all answered',
  'server-crash': 'no exit',
  'run-completed': 'all phases',
};
