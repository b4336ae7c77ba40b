// Checks and verdict from what a run measured (pure): every limit becomes one row with a status.

import type { Config, Limit } from '../config/types.js';
import { checkDefinition, type CheckId, type Threshold } from '../model/checks.js';
import {
  bytesFromMb,
  formatMb,
  formatMbDelta,
  formatRate,
  formatThreshold,
  describeExit,
  mbFromBytes,
  NBSP,
  withUnit,
  formatBytesDelta,
} from '../model/format.js';
import { deadPeerReapingCheck, slowConsumerMemoryCheck, type FaultCheck } from './faults.js';
import { HEAP_DIFF_DEFAULTS } from './heap-diff.js';
import { hostileNotRun, judgeHostile } from './hostile.js';
import { recoveryPassed } from './recovery.js';
import { slopeLowerBound } from './trend.js';
import type { FaultsResult } from '../model/faults.js';
import type { HeapEvidence } from '../model/heap.js';
import type { HostileResult } from '../model/hostile.js';
import type {
  Check,
  CheckStatus,
  LoadScenarioResult,
  MemoryResult,
  RecoveryResult,
  ServerInfo,
  SignalReading,
  SignalsResult,
  StopInfo,
  Verdict,
} from '../model/report.js';

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
type Draft = Omit<Check, 'level' | 'status'> & { outcome: 'pass' | 'warn' | 'fail' | 'not-measured' };
type Defined = Parameters<typeof checkDefinition>[0];

/** The id, title and limit of a registered check, its limit text formatted from the threshold. */
function head(id: Defined, limitValue?: number): Pick<Check, 'id' | 'title' | 'limit' | 'threshold'> {
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

/** Every check that applies to this configuration, in report order. */
export function runChecks(config: Config, m: Measurements): Check[] {
  const drafts: Draft[] = [readyCheck(m)];
  const load = [m.flapping, m.leak].filter((s) => s.enabled);
  const stoppedNote = m.stopped ? ` (the run stopped during ${m.stopped.phase}: ${m.stopped.reason})` : '';

  if (load.length > 0) {
    const attempts = sum(load, (s) => s.attempts);
    const connected = sum(load, (s) => s.connected);
    const clean = sum(load, (s) => s.cleanDisconnects);
    // Abrupt closes (terminate()) are ours on purpose: only the clean closes we tried are judged.
    const cleanTried = connected - sum(load, (s) => s.abruptDisconnects);
    const { minConnectSuccessRate: connectLimit, minDisconnectSuccessRate: disconnectLimit } = config.limits;
    if (connectLimit.value !== null) {
      drafts.push(rateCheck('connect-success-rate', connected, attempts, connectLimit.value, `no connection was attempted${stoppedNote}`));
    }
    if (disconnectLimit.value !== null) {
      drafts.push(rateCheck('disconnect-success-rate', clean, cleanTried, disconnectLimit.value, `no clean close was tried${stoppedNote}`));
    }
  }

  drafts.push(...memoryChecks(config, m.memory, stoppedNote));
  if (config.scenarios.includes('leak')) drafts.push(...trendChecks(config, m.memory, m.heap ?? null, stoppedNote));
  if (config.scenarios.includes('leak')) drafts.push(...retainedCheck(config, m.heap ?? null, stoppedNote));
  drafts.push(...signalChecks(config, m.signals, stoppedNote));
  if (config.scenarios.includes('recovery')) drafts.push(recoveryCheck(m.recovery, stoppedNote));
  if (config.scenarios.includes('hostile')) drafts.push(hostileCheck(config, m));
  drafts.push(...faultChecks(config, m.faults, stoppedNote));
  drafts.push(crashCheck(m.server));
  drafts.push(completedCheck(m.stopped));

  return drafts.map((d) => finalize(d, config.warnOnly));
}

/** fail if any error-level check failed; warn if only warnings; else pass. */
export function verdictOf(checks: Check[]): Verdict {
  if (checks.some((c) => c.status === 'fail')) return 'fail';
  if (checks.some((c) => c.status === 'warn')) return 'warn';
  return 'pass';
}

function finalize(draft: Draft, warnOnly: CheckId[]): Check {
  const { outcome, ...rest } = draft;
  const level = warnOnly.includes(draft.id) ? 'warn' : 'error';
  let status: CheckStatus = outcome;
  if (outcome === 'fail' && level === 'warn') status = 'warn';
  return { ...rest, level, status };
}

function readyCheck(m: Measurements): Draft {
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

function rateCheck(id: Defined, ok: number, total: number, min: number, whenNone: string): Draft {
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

function memoryChecks(config: Config, memory: MemoryResult, stoppedNote: string): Draft[] {
  const drafts: Draft[] = [];
  const specs: Array<{ id: Defined; limit: Limit; bytes: number | null }> = [
    { id: 'memory-growth', limit: config.limits.maxMemoryGrowthMb, bytes: memory.retainedGrowthBytes },
    { id: 'peak-memory-growth', limit: config.limits.maxPeakMemoryGrowthMb, bytes: memory.peakGrowthBytes },
  ];
  for (const { id, limit, bytes } of specs) {
    if (limit.value === null) continue;
    const base = head(id, limit.value);
    if (bytes === null) {
      const why = memory.reason ?? `no sample in the window this figure needs${stoppedNote}`;
      // A limit the user set on purpose must not pass by measuring nothing.
      drafts.push({
        ...base,
        measured: 'n/a',
        value: null,
        outcome: limit.explicit ? 'fail' : 'not-measured',
        detail: why,
      });
      continue;
    }
    drafts.push({
      ...base,
      measured: formatMbDelta(bytes),
      value: Math.round(mbFromBytes(bytes) * 100) / 100,
      outcome: bytes <= bytesFromMb(limit.value) ? 'pass' : 'fail',
      ...(memory.baselineBytes !== null ? { detail: `baseline ${formatMb(memory.baselineBytes)}` } : {}),
    });
  }
  return drafts;
}

/** Fewest connections between the first and last fitted reading for a trend to mean anything. */
export const MIN_TREND_SPAN = 25;

function trendChecks(config: Config, memory: MemoryResult, heap: HeapEvidence | null, stoppedNote: string): Draft[] {
  const limit = config.limits.maxLeakKbPerConnection;
  if (limit.value === null) return [];
  const base = head('leak-per-connection', limit.value);
  // A Node server's heap after a full GC is exact where RSS is noise: it is the figure judged when there is one.
  if (heap?.status === 'measured' && heap.heapKbPerConnection !== null) {
    const points = heap.snapshots;
    const rss = memory.trend?.kbPerConnection;
    const rssNote = rss === null || rss === undefined ? '' : `; RSS trend ${withUnit(rss.toFixed(1), 'KiB/conn')} (information)`;
    const what =
      `heap after a full GC, over ${points.length} snapshots from ${points[0]!.connections} to ${points.at(-1)!.connections} ` +
      `connections`;
    return [judgeSlope(base, limit.value, heap.heapKbPerConnection, heap.standardErrorKb, points.length, `${what}${rssNote}`)];
  }
  const slope = memory.trend?.kbPerConnection ?? null;
  if (slope === null) {
    return [
      {
        ...base,
        measured: 'n/a',
        value: null,
        outcome: limit.explicit ? 'fail' : 'not-measured',
        detail: memory.reason ?? `fewer than two memory readings over the leak rounds${stoppedNote}`,
      },
    ];
  }
  const trend = memory.trend!;
  const fitted = trend.points.slice(trend.skipped);
  const span = fitted.at(-1)!.connections - fitted[0]!.connections;
  if (span < MIN_TREND_SPAN) {
    // Over a handful of connections, allocator noise alone reads as tens of KB per connection.
    const detail = `fitted over only ${span} connections; a trend needs ${MIN_TREND_SPAN} or more (raise leak-cycles)`;
    return [
      {
        ...base,
        measured: slopeText(slope, trend.standardErrorKb),
        value: null,
        outcome: limit.explicit ? 'fail' : 'not-measured',
        detail,
      },
    ];
  }
  const fittedText =
    `RSS fitted over ${fitted.length} readings from ${fitted[0]!.connections} to ${fitted.at(-1)!.connections} ` + `connections`;
  return [judgeSlope(base, limit.value, slope, trend.standardErrorKb, fitted.length, fittedText)];
}

function slopeText(slope: number, se: number | null): string {
  return withUnit(`${slope.toFixed(1)}${se !== null ? ` ± ${se.toFixed(1)}` : ''}`, 'KiB/conn');
}

/**
 * Judged by the least leak the readings allow (slope minus t·SE at 95 %): one GC step between three readings must
 * not fail a clean server, while readings on a line are judged at nearly their face value.
 */
function judgeSlope(base: ReturnType<typeof head>, limit: number, slope: number, se: number | null, points: number, what: string): Draft {
  const bound = slopeLowerBound(slope, se, points);
  const judged = bound ?? slope;
  const boundText = bound !== null && slope > limit ? `; at least ${withUnit(bound.toFixed(1), 'KiB/conn')} at 95${NBSP}% confidence` : '';
  return {
    ...base,
    measured: slopeText(slope, se),
    value: slope,
    outcome: judged <= limit ? 'pass' : 'fail',
    detail: `${what}${boundText}`,
  };
}

/** Heap evidence: no constructor may grow steadily with the connections made (Node servers the gate launched). */
function retainedCheck(config: Config, heap: HeapEvidence | null, stoppedNote: string): Draft[] {
  const limit = config.limits.maxRetainedPerConnection;
  if (limit.value === null) return [];
  // Without snapshots on purpose, or of a server that is not Node, there is nothing to judge: unless the user asked.
  if ((heap === null || heap.status === 'off' || heap.status === 'n/a') && !limit.explicit) return [];
  const base = head('retained-objects', limit.value);
  if (heap === null || heap.status !== 'measured') {
    const why = heap?.reason ?? `no heap snapshots${stoppedNote}`;
    return [{ ...base, measured: 'n/a', value: null, outcome: limit.explicit ? 'fail' : 'not-measured', detail: why }];
  }
  const top = heap.suspects[0] ?? null;
  if (!top) {
    // Nothing grew steadily: the value is the largest steady growth (0 when none), the largest growth is a detail.
    const steady = heap.topGrowth.filter((r) => r.consistent && r.countDelta >= HEAP_DIFF_DEFAULTS.minInstances);
    const value = steady.length === 0 ? 0 : Math.max(...steady.map((r) => r.perConnection));
    const largest = heap.topGrowth[0];
    const detail = largest
      ? `largest growth +${largest.countDelta} ${largest.name} ` +
        `(${largest.perConnection.toFixed(2)}/conn${largest.consistent ? '' : ', uneven across rounds'}): not a leak`
      : 'nothing grew';
    return [{ ...base, measured: 'none steady', value: Math.round(value * 1000) / 1000, outcome: 'pass', detail }];
  }
  const perConnection = `${top.perConnection.toFixed(2)}/conn`;
  const measured = `${top.countDelta >= 0 ? '+' : ''}${top.countDelta} ${top.name} (${perConnection})`;
  const others = heap.suspects.length > 1 ? `; ${heap.suspects.length - 1} more grew with it` : '';
  const bytes = `${formatBytesDelta(top.bytesDelta)}, ${(top.bytesEach / 1024).toFixed(1)}${NBSP}KiB each`;
  return [{ ...base, measured, value: top.perConnection, outcome: 'fail', detail: `${bytes}${others}` }];
}

const SIGNAL_CHECKS: Array<{ id: Defined; key: keyof SignalReading; limit: (c: Config) => Limit }> = [
  { id: 'fd-growth', key: 'fds', limit: (c) => c.limits.maxFdGrowth },
  {
    id: 'lingering-connections',
    key: 'lingeringConnections',
    limit: (c) => c.limits.maxLingeringConnections,
  },
  { id: 'thread-growth', key: 'threads', limit: (c) => c.limits.maxThreadGrowth },
  { id: 'process-growth', key: 'processes', limit: (c) => c.limits.maxProcessGrowth },
  { id: 'session-growth', key: 'sessions', limit: (c) => c.limits.maxSessionGrowth },
];

function signalChecks(config: Config, signals: SignalsResult, stoppedNote: string): Draft[] {
  const drafts: Draft[] = [];
  for (const { id, key, limit: limitOf } of SIGNAL_CHECKS) {
    const limit = limitOf(config);
    if (limit.value === null) continue;
    // Sessions exist only with a stats-url; without one, a default limit has nothing to judge.
    if (key === 'sessions' && config.stats.url === null && !limit.explicit) continue;
    const base = head(id, limit.value);
    const value = signals.growth[key];
    if (value === null) {
      const why = signals.notes.find((n) => (key === 'sessions' ? n.startsWith('stats-url') : !n.startsWith('stats-url')));
      drafts.push({
        ...base,
        measured: 'n/a',
        value: null,
        // A stats-url the user gave that cannot be read fails like a limit set on purpose.
        outcome: limit.explicit || (key === 'sessions' && config.stats.url !== null) ? 'fail' : 'not-measured',
        detail: why ?? (key === 'sessions' && config.stats.url === null ? 'no stats-url given' : `not read${stoppedNote}`),
      });
      continue;
    }
    const before = signals.baseline?.[key];
    drafts.push({
      ...base,
      measured: key === 'lingeringConnections' ? String(value) : `${value >= 0 ? '+' : ''}${value}`,
      value,
      outcome: value <= limit.value ? 'pass' : 'fail',
      ...(before !== null && before !== undefined && key !== 'lingeringConnections'
        ? { detail: `${before} → ${signals.after?.[key]}` }
        : {}),
    });
  }
  return drafts;
}

function recoveryCheck(r: RecoveryResult, stoppedNote: string): Draft {
  const base = head('recovery');
  if (!r.connected && r.problems.length === 0) {
    return { ...base, measured: 'did not run', value: null, outcome: 'fail', detail: `recovery did not run${stoppedNote}` };
  }
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
function hostileCheck(config: Config, m: Measurements): Draft {
  const limit = config.limits.maxHostileMemoryGrowthMb;
  const result = m.hostile ?? hostileNotRun(true, 'the hostile scenario did not run');
  const judged = judgeHostile(result, {
    maxMemoryGrowthMb: limit.value,
    memoryLimitExplicit: limit.explicit,
    strict: config.hostile.strict,
  });
  const ran = result.cases.some((c) => c.outcome !== 'not-run');
  const recoveryFailed =
    config.scenarios.includes('recovery') && ran && result.serverSurvived && recoveryCheck(m.recovery, '').outcome === 'fail';
  const outcome = recoveryFailed ? 'fail' : judged.outcome;
  const detail = recoveryFailed ? ['recovery failed after the hostile cases', judged.detail].filter(Boolean).join('; ') : judged.detail;
  return {
    ...head('hostile-survived'),
    limit: judged.limit,
    measured: judged.measured,
    value: outcome === 'fail' ? 0 : judged.value,
    outcome,
    ...(detail ? { detail } : {}),
  };
}

/** Dead peers reaped, and memory bounded with a slow consumer: each when its scenario was selected. */
function faultChecks(config: Config, faults: FaultsResult | undefined, stoppedNote: string): Draft[] {
  const drafts: Draft[] = [];
  const asDraft = ({ level: _level, status, ...rest }: FaultCheck): Draft => ({ ...rest, outcome: status === 'warn' ? 'fail' : status });
  if (config.scenarios.includes('dead-peers')) {
    const result = faults?.deadPeers;
    drafts.push(
      result
        ? asDraft(deadPeerReapingCheck(result))
        : {
            ...head('dead-peer-reaping'),
            measured: 'did not run',
            value: null,
            outcome: 'fail',
            detail: `the dead-peers scenario did not run${stoppedNote}`,
          },
    );
  }
  const limit = config.limits.maxSlowConsumerGrowthMb;
  if (config.scenarios.includes('slow-consumer') && limit.value !== null) {
    const result = faults?.slowConsumer;
    drafts.push(
      result
        ? asDraft(slowConsumerMemoryCheck(result, { value: limit.value, explicit: limit.explicit }))
        : {
            ...head('slow-consumer-memory', limit.value),
            measured: 'did not run',
            value: null,
            outcome: 'fail',
            detail: `the slow-consumer scenario did not run${stoppedNote}`,
          },
    );
  }
  return drafts;
}

function crashCheck(server: ServerInfo): Draft {
  const base = head('server-crash');
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

function completedCheck(stopped: StopInfo | null): Draft {
  const base = head('run-completed');
  if (stopped) {
    const where = stopped.message.includes(`during ${stopped.phase}`) ? '' : ` (during ${stopped.phase})`;
    return { ...base, measured: `stopped (${stopped.reason})`, value: 0, outcome: 'fail', detail: `${stopped.message}${where}` };
  }
  return { ...base, measured: 'yes', value: 1, outcome: 'pass' };
}

function sum<T>(items: T[], f: (t: T) => number): number {
  return items.reduce((s, t) => s + f(t), 0);
}
