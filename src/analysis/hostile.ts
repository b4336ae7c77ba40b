// The `hostile-survived` judgement (pure): the server stays up, keeps accepting handshakes and serving sessions,
// keeps its memory, leaves nothing behind, and (when strict) does what RFC 6455 asks in every case.

import { bytesFromMb, formatCountDelta, formatMb, withUnit } from '../model/format.js';
import { outcomeText, type HostileCaseId, type HostileCaseResult, type HostileResult, type LeftBehindReading } from '../model/hostile.js';

/** The limits hostile-survived is judged against (from the hostile inputs and the exact signals' limits). */
export interface HostileLimits {
  /** Most the server tree's memory may grow during the scenario (peak minus before); null: not judged. */
  maxMemoryGrowthMb: number | null;
  /** The user set the memory limit (a limit set on purpose that cannot be measured fails). */
  memoryLimitExplicit?: boolean;
  /** `hostile-strict`: a case not handled as RFC 6455 asks fails the check instead of warning. */
  strict: boolean;
  /**
   * How much each exact signal may be above its reading before the cases once they are over (the limits of the
   * signal checks: max-fd-growth, max-lingering-connections, ...); null or absent: not judged.
   */
  leftBehind?: Partial<Record<keyof LeftBehindReading, number | null>>;
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

/** How a left-behind signal is named in a sentence. */
const SIGNAL_WORDS: Record<keyof LeftBehindReading, string> = {
  sessions: 'sessions (stats-url)',
  lingeringConnections: 'lingering connections',
  fds: 'open fds',
  processes: 'processes',
};

/** "'binary-message' (binary message (4 bytes))": a case as a sentence names it. */
function named(result: HostileResult, id: HostileCaseId): string {
  const title = result.cases.find((c) => c.id === id)?.title;
  return title ? `'${id}' (${title})` : `'${id}'`;
}

/** Judges the scenario: the server must stay up, keep accepting handshakes and keep its memory within the limit. */
export function judgeHostile(result: HostileResult, limits: HostileLimits): HostileJudgement {
  const memoryLimit = limits.maxMemoryGrowthMb === null ? '' : `, memory ≤ ${withUnit(String(limits.maxMemoryGrowthMb), 'MiB')}`;
  const limit = `no crash, still accepting and serving${memoryLimit}${limits.strict ? ', RFC 6455 in every case' : ''}`;
  const ran = result.cases.filter((c) => c.outcome !== 'not-run');
  if (!result.enabled || ran.length === 0) {
    // A scenario that was selected and made no attempt fails, as every scenario does; one not selected is off.
    return {
      limit,
      outcome: result.enabled ? 'fail' : 'not-measured',
      measured: 'did not run',
      value: result.enabled ? 0 : null,
      detail: result.notes[0] ?? 'no hostile case ran',
      failures: [],
      warnings: [],
      mismatches: [],
    };
  }
  const failures = [...survivalFailures(result), ...leftBehindFailures(result, limits)];
  const warnings: string[] = [];
  const memory = memoryFinding(result, limits);
  if (memory) (memory.fails ? failures : warnings).push(memory.text);
  const mismatches = ran.filter((c) => !c.matchesRfc && c.outcome !== 'crashed').map((c) => c.id);
  for (const id of mismatches) {
    const c = result.cases.find((x) => x.id === id)!;
    (limits.strict ? failures : warnings).push(`'${id}': ${outcomeText(c)}, expected ${c.expected}`);
  }
  const lines = [...failures, ...warnings];
  return {
    limit,
    outcome: failures.length > 0 ? 'fail' : warnings.length > 0 ? 'warn' : 'pass',
    measured: measuredText(result, ran.length, mismatches.length),
    value: failures.length === 0 ? 1 : 0,
    ...(lines.length > 0 ? { detail: lines.slice(0, 3).join('; ') + (lines.length > 3 ? `; and ${lines.length - 3} more` : '') } : {}),
    failures,
    warnings,
    mismatches,
  };
}

/** "14 cases survived, 1 not per RFC 6455", "crashed (ping-flood)", "14 cases survived, sessions broken after binary-message". */
function measuredText(result: HostileResult, ran: number, mismatches: number): string {
  if (!result.serverSurvived) return `crashed${result.crashedDuring ? ` (${result.crashedDuring})` : ''}`;
  const notRun = result.cases.length - ran;
  const broken = result.brokenAfter ? `, sessions broken after ${result.brokenAfter.case}` : '';
  const notPerRfc = mismatches > 0 ? `, ${mismatches} not per RFC 6455` : '';
  return `${ran} cases survived${broken}${notPerRfc}${notRun > 0 ? `, ${notRun} not run` : ''}`;
}

/** The server exited, stopped accepting, stopped serving sessions, or served no one while the stalls were held. */
function survivalFailures(result: HostileResult): string[] {
  const failures: string[] = [];
  if (!result.serverSurvived) {
    failures.push(`the server exited${result.crashedDuring ? ` during ${named(result, result.crashedDuring)}` : ''}`);
  } else if (!result.stillAccepting || result.stoppedAcceptingAfter) {
    failures.push(
      `the server stopped accepting handshakes${result.stoppedAcceptingAfter ? ` after '${result.stoppedAcceptingAfter}'` : ''}`,
    );
  } else if (result.brokenAfter) {
    const { case: id, problem } = result.brokenAfter;
    failures.push(`${named(result, id)} broke the server's handling: a normal session right after it failed (${problem})`);
  }
  const { tried, succeeded } = result.servedOthersDuringStalls;
  if (tried > 0 && succeeded < tried) {
    failures.push(`only ${succeeded} of ${tried} handshakes succeeded while a slow and a garbage handshake were open`);
  }
  return failures;
}

/** What the cases left behind, signal by signal, beyond the limit of that signal's own check. */
function leftBehindFailures(result: HostileResult, limits: HostileLimits): string[] {
  const signals = result.signals;
  if (!signals || !limits.leftBehind) return [];
  const parts: string[] = [];
  for (const key of Object.keys(SIGNAL_WORDS) as Array<keyof LeftBehindReading>) {
    const allowed = limits.leftBehind[key];
    const before = signals.before[key];
    const after = signals.after[key];
    if (allowed == null || before === null || after === null) continue;
    // Lingering connections are judged as a count (should be 0), the others as growth.
    const excess = key === 'lingeringConnections' ? after : after - before;
    if (excess > allowed) parts.push(`${SIGNAL_WORDS[key]} ${formatCountDelta(after - before)} (${before} → ${after})`);
  }
  return parts.length === 0 ? [] : [`the hostile cases left behind ${parts.join(', ')}`];
}

/** Memory beyond the limit (a failure), or unreadable (a failure when the limit was set on purpose). */
function memoryFinding(result: HostileResult, limits: HostileLimits): { text: string; fails: boolean } | null {
  if (limits.maxMemoryGrowthMb === null) return null;
  if (result.memoryGrowthBytes === null) return { text: 'memory growth could not be read', fails: limits.memoryLimitExplicit === true };
  if (result.memoryGrowthBytes <= bytesFromMb(limits.maxMemoryGrowthMb)) return null;
  const worst = largestGrowth(result.cases);
  const most = worst ? `, most during '${worst.id}' (${formatMb(worst.memoryGrowthBytes ?? 0)})` : '';
  return {
    text: `memory grew by ${formatMb(result.memoryGrowthBytes)} (limit ${withUnit(String(limits.maxMemoryGrowthMb), 'MiB')})${most}`,
    fails: true,
  };
}

function largestGrowth(cases: HostileCaseResult[]): HostileCaseResult | null {
  let worst: HostileCaseResult | null = null;
  for (const c of cases) if (c.memoryGrowthBytes !== undefined && c.memoryGrowthBytes > (worst?.memoryGrowthBytes ?? 0)) worst = c;
  return worst;
}
