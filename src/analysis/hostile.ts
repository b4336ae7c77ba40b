// What RFC 6455 asks of a server for each hostile case, and the `hostile-survived` judgement (pure).

import { bytesFromMb, formatMb, withUnit } from '../model/format.js';
import {
  HOSTILE_CASE_IDS,
  outcomeText,
  type HostileCaseId,
  type HostileCaseResult,
  type HostileOutcome,
  type HostileResult,
} from '../model/hostile.js';

/** How a case is named and what it expects. */
export interface CaseSpec {
  title: string;
  /** For people: what the server should do. */
  expected: string;
}

/** Every case's title and expectation, with the RFC 6455 section that asks for it. */
export const HOSTILE_CASES: Record<HostileCaseId, CaseSpec> = {
  'invalid-utf8': { title: 'text frame with invalid UTF-8', expected: 'close 1007 (section 8.1)' },
  'reserved-bits': { title: 'RSV1-3 set without an extension', expected: 'close 1002 (section 5.2)' },
  'unknown-opcode': { title: 'reserved opcode 0x3', expected: 'close 1002 (section 5.2)' },
  'unmasked-frame': { title: 'unmasked client frame', expected: 'close (1002 suggested) or drop (section 5.1)' },
  'fragmented-control': { title: 'ping with FIN clear', expected: 'close 1002 (section 5.5)' },
  'oversized-control': { title: 'ping with 126 payload bytes', expected: 'close 1002 (section 5.5)' },
  'orphan-continuation': { title: 'continuation without a start', expected: 'close 1002 (section 5.4)' },
  'invalid-close-code': { title: 'close frame with code 999', expected: 'close 1002 (section 7.4)' },
  'oversized-message': {
    title: 'message of hostile-max-bytes',
    expected: "close 1009 if above the server's size limit, or take it within that limit (section 10.4); its memory is judged",
  },
  'huge-length-claim': { title: 'header claiming 2^63 - 1 bytes', expected: 'close 1009 or drop (section 10.4)' },
  'ping-flood': { title: 'burst of pings', expected: 'pong to the last ping, or a close or drop (flood protection) (section 5.5.3)' },
  'slow-handshake': { title: 'handshake dribbled a byte per 100 ms', expected: 'drop it, or keep serving others meanwhile' },
  'garbage-handshake': { title: 'garbage instead of HTTP', expected: 'HTTP 4xx or drop' },
};

/** What a case observed, as far as the RFC judgement needs it. */
export interface CaseObservation {
  outcome: HostileOutcome;
  code?: number;
  httpStatus?: number;
  /** ping-flood: a pong carried the last ping's payload. */
  lastPongAnswered?: boolean;
  /** slow-handshake: every normal handshake tried meanwhile succeeded. */
  servedOthers?: boolean;
}

const CLOSE_1002: readonly HostileCaseId[] = [
  'reserved-bits',
  'unknown-opcode',
  'fragmented-control',
  'oversized-control',
  'orphan-continuation',
  'invalid-close-code',
];

/**
 * Whether the server did what RFC 6455 asks. Strict where the RFC names a code: failing the connection
 * without a close frame is allowed by 7.1.7 only as a SHOULD, so it counts as a mismatch except where the
 * RFC itself says "close the connection" (an unmasked frame) or gives no code (size limits).
 */
export function caseMatchesRfc(id: HostileCaseId, o: CaseObservation): boolean {
  const closedWith = (code: number): boolean => o.outcome === 'closed' && o.code === code;
  if (id === 'invalid-utf8') return closedWith(1007);
  if (CLOSE_1002.includes(id)) return closedWith(1002);
  switch (id) {
    case 'unmasked-frame':
      // "MUST close the connection", and "MAY send a Close frame with a status code of 1002": any close meets the
      // MUST (faye-websocket closes with 1003; the code is in the case's details).
      return o.outcome === 'closed' || o.outcome === 'dropped';
    case 'oversized-message':
      // Within the server's own limit (ws allows 100 MiB) taking it whole is conformant; memory growth is judged apart.
      return o.outcome === 'closed' || o.outcome === 'dropped' || o.outcome === 'kept-open';
    case 'huge-length-claim':
      return o.outcome === 'closed' || o.outcome === 'dropped';
    case 'ping-flood':
      // ws drops a client with 60 pongs pending: protection from a flood, which is what the case probes for.
      return o.outcome === 'closed' || o.outcome === 'dropped' || (o.outcome === 'kept-open' && o.lastPongAnswered === true);
    case 'slow-handshake':
      return o.outcome === 'dropped' || o.outcome === 'refused' || (o.outcome === 'kept-open' && o.servedOthers === true);
    case 'garbage-handshake':
      return (
        o.outcome === 'dropped' || (o.outcome === 'refused' && o.httpStatus !== undefined && o.httpStatus >= 400 && o.httpStatus < 500)
      );
  }
  return false;
}

/** The limits hostile-survived is judged against (from the hostile inputs). */
export interface HostileLimits {
  /** Most the server tree's memory may grow during the scenario (peak minus before); null: not judged. */
  maxMemoryGrowthMb: number | null;
  /** The user set the memory limit (a limit set on purpose that cannot be measured fails). */
  memoryLimitExplicit?: boolean;
  /** `hostile-strict`: a case not handled as RFC 6455 asks fails the check instead of warning. */
  strict: boolean;
}

/** The `hostile-survived` check's findings; the caller builds its Check row from them (analysis/checks-scenarios.ts). */
export interface HostileJudgement {
  outcome: 'pass' | 'warn' | 'fail' | 'not-measured';
  measured: string;
  limit: string;
  /** 1 passed, 0 failed; null when nothing ran. */
  value: number | null;
  /** The failures, then the warnings, in one sentence each (the first ones go into the Check's detail). */
  detail?: string;
  failures: string[];
  warnings: string[];
  /** Cases not handled as RFC 6455 asks (warnings, or failures when strict). */
  mismatches: HostileCaseId[];
}

/** Judges the scenario: the server must stay up, keep accepting handshakes and keep its memory within the limit. */
export function judgeHostile(result: HostileResult, limits: HostileLimits): HostileJudgement {
  const memoryLimit = limits.maxMemoryGrowthMb === null ? '' : `, memory ≤ ${withUnit(String(limits.maxMemoryGrowthMb), 'MiB')}`;
  const limit = `no crash, still accepting${memoryLimit}${limits.strict ? ', RFC 6455 in every case' : ''}`;
  const base = { limit };
  const ran = result.cases.filter((c) => c.outcome !== 'not-run');
  if (!result.enabled || ran.length === 0) {
    // A scenario that was selected and made no attempt fails, as every scenario does; one not selected is off.
    return {
      ...base,
      outcome: result.enabled ? 'fail' : 'not-measured',
      measured: 'did not run',
      value: result.enabled ? 0 : null,
      detail: result.notes[0] ?? 'no hostile case ran',
      failures: [],
      warnings: [],
      mismatches: [],
    };
  }

  const failures: string[] = [];
  const warnings: string[] = [];
  if (!result.serverSurvived) {
    const during = result.crashedDuring ? ` during '${result.crashedDuring}' (${HOSTILE_CASES[result.crashedDuring].title})` : '';
    failures.push(`the server exited${during}`);
  } else if (!result.stillAccepting || result.stoppedAcceptingAfter) {
    const after = result.stoppedAcceptingAfter ? ` after '${result.stoppedAcceptingAfter}'` : '';
    failures.push(`the server stopped accepting handshakes${after}`);
  }
  const { tried, succeeded } = result.servedOthersDuringStalls;
  if (tried > 0 && succeeded < tried) {
    failures.push(`only ${succeeded} of ${tried} handshakes succeeded while a slow and a garbage handshake were open`);
  }

  if (limits.maxMemoryGrowthMb !== null) {
    if (result.memoryGrowthBytes === null) {
      const text = 'memory growth could not be read';
      (limits.memoryLimitExplicit ? failures : warnings).push(text);
    } else if (result.memoryGrowthBytes > bytesFromMb(limits.maxMemoryGrowthMb)) {
      const worst = largestGrowth(result.cases);
      const most = worst ? `, most during '${worst.id}' (${formatMb(worst.memoryGrowthBytes ?? 0)})` : '';
      failures.push(
        `memory grew by ${formatMb(result.memoryGrowthBytes)} (limit ${withUnit(String(limits.maxMemoryGrowthMb), 'MiB')})${most}`,
      );
    }
  }

  const mismatches = ran.filter((c) => !c.matchesRfc && c.outcome !== 'crashed').map((c) => c.id);
  for (const id of mismatches) {
    const c = result.cases.find((x) => x.id === id)!;
    (limits.strict ? failures : warnings).push(`'${id}': ${outcomeText(c)}, expected ${c.expected}`);
  }

  const outcome = failures.length > 0 ? 'fail' : warnings.length > 0 ? 'warn' : 'pass';
  const notRun = result.cases.length - ran.length;
  const measured = !result.serverSurvived
    ? `crashed${result.crashedDuring ? ` (${result.crashedDuring})` : ''}`
    : `${ran.length} cases ` +
      `survived${mismatches.length > 0 ? `, ${mismatches.length} not per RFC 6455` : ''}${notRun > 0 ? `, ${notRun} not run` : ''}`;
  const lines = [...failures, ...warnings];
  return {
    ...base,
    outcome,
    measured,
    value: failures.length === 0 ? 1 : 0,
    ...(lines.length > 0 ? { detail: lines.slice(0, 3).join('; ') + (lines.length > 3 ? `; and ${lines.length - 3} more` : '') } : {}),
    failures,
    warnings,
    mismatches,
  };
}

function largestGrowth(cases: HostileCaseResult[]): HostileCaseResult | null {
  let worst: HostileCaseResult | null = null;
  for (const c of cases) if (c.memoryGrowthBytes !== undefined && c.memoryGrowthBytes > (worst?.memoryGrowthBytes ?? 0)) worst = c;
  return worst;
}

/**
 * The result for a scenario that did not run: not selected (`enabled` false, no cases), or selected but the run
 * stopped before it (every case `not-run`, with the reason).
 */
export function hostileNotRun(enabled: boolean, reason: string): HostileResult {
  return {
    id: 'hostile',
    enabled,
    cases: enabled ? HOSTILE_CASE_IDS.map((id) => notRunCase(id, reason)) : [],
    serverSurvived: true,
    stillAccepting: true,
    memory: { beforeBytes: null, peakBytes: null, afterBytes: null },
    memoryGrowthBytes: null,
    servedOthersDuringStalls: { tried: 0, succeeded: 0 },
    durationMs: 0,
    notes: [reason],
  };
}

export function notRunCase(id: HostileCaseId, why: string): HostileCaseResult {
  return { id, ...HOSTILE_CASES[id], outcome: 'not-run', matchesRfc: false, ms: 0, acceptingAfter: false, detail: why };
}
