// The memory checks (pure): retained and peak growth, the leak per connection, the heap's retained objects.

import { head, unmeasured, type Draft, type Head } from './check-draft.js';
import type { Config, Limit } from '../config/types.js';
import {
  bytesFromMb,
  formatBytes,
  formatBytesDelta,
  formatCountDelta,
  formatMb,
  formatMbDelta,
  mbFromBytes,
  NBSP,
  round,
  withUnit,
} from '../model/format.js';
import { DIFF_DEFAULTS, JVM_STORAGE_KINDS } from './evidence-diff.js';
import { slopeLowerBound } from './trend.js';
import type { RegisteredCheckId } from '../model/checks.js';
import { SOURCE_NAMES, type Evidence, type EvidenceSourceId, type GrowthRow, type MemoryJudge } from '../model/evidence.js';
import type { MemoryResult } from '../model/report.js';

export function memoryChecks(config: Config, memory: MemoryResult, stoppedNote: string): Draft[] {
  const drafts: Draft[] = [];
  const specs: Array<{ id: RegisteredCheckId; limit: Limit; bytes: number | null }> = [
    { id: 'memory-growth', limit: config.limits.maxMemoryGrowthMb, bytes: memory.retainedGrowthBytes },
    { id: 'peak-memory-growth', limit: config.limits.maxPeakMemoryGrowthMb, bytes: memory.peakGrowthBytes },
  ];
  for (const { id, limit, bytes } of specs) {
    if (limit.value === null) continue;
    const base = head(id, limit.value);
    if (bytes === null) {
      drafts.push(unmeasured(base, limit, memory.reason ?? `no sample in the window this figure needs${stoppedNote}`));
      continue;
    }
    drafts.push({
      ...base,
      measured: formatMbDelta(bytes),
      value: round(mbFromBytes(bytes), 2),
      outcome: bytes <= bytesFromMb(limit.value) ? 'pass' : 'fail',
      ...(memory.baselineBytes !== null ? { detail: `baseline ${formatMb(memory.baselineBytes)}` } : {}),
    });
  }
  return drafts;
}

/** Fewest connections between the first and last fitted reading for a trend to mean anything. */
export const MIN_TREND_SPAN = 25;

export function trendChecks(
  config: Config,
  memory: MemoryResult,
  evidence: readonly Evidence[],
  judge: MemoryJudge | null,
  stoppedNote: string,
): Draft[] {
  const limit = config.limits.maxLeakKbPerConnection;
  if (limit.value === null) return [];
  const base = head('leak-per-connection', limit.value);
  // A heap after a full GC is exact where RSS is noise: it is the figure judged when it covers every process that
  // held connections (the judge says so).
  const judged = judge && judge.by !== 'rss' ? evidence.find((e) => e.source === judge.by) : undefined;
  if (judged && judged.kbPerConnection !== null) {
    const points = judged.readings;
    const rss = memory.trend?.kbPerConnection;
    const rssNote = rss === null || rss === undefined ? '' : `; RSS trend ${withUnit(rss.toFixed(1), 'KiB/conn')} (information)`;
    const processes = judge!.processes > 1 ? ` of ${judge!.processes} processes` : '';
    const what =
      `${judged.source === 'heap-snapshots' ? 'heap' : SOURCE_NAMES[judged.source]}${processes} after a full GC, over ${points.length} ` +
      `readings from ${points[0]!.connections} to ${points.at(-1)!.connections} connections`;
    return [judgeSlope(base, limit.value, judged.kbPerConnection, judged.standardErrorKb, points.length, `${what}${rssNote}`)];
  }
  const slope = memory.trend?.kbPerConnection ?? null;
  if (slope === null) {
    return [unmeasured(base, limit, memory.reason ?? `fewer than two memory readings over the leak rounds${stoppedNote}`)];
  }
  const trend = memory.trend!;
  const fitted = trend.points.slice(trend.skipped);
  const span = fitted.at(-1)!.connections - fitted[0]!.connections;
  if (span < MIN_TREND_SPAN) {
    // Over a handful of connections, allocator noise alone reads as tens of KB per connection.
    const detail = `fitted over only ${span} connections; a trend needs ${MIN_TREND_SPAN} or more (raise leak-cycles)`;
    return [unmeasured(base, limit, detail, slopeText(slope, trend.standardErrorKb))];
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
function judgeSlope(base: Head, limit: number, slope: number, se: number | null, points: number, what: string): Draft {
  const bound = slopeLowerBound(slope, se, points);
  const judged = bound ?? slope;
  // Above the limit on its face, the figure judged goes beside it: a table without the detail must not read
  // "102.4 ± 1.9 KiB/conn, ≤ 100, pass" with nothing to say why.
  const judgedText = bound !== null && slope > limit ? ` (at least ${bound.toFixed(1)} at 95${NBSP}%)` : '';
  return {
    ...base,
    measured: `${slopeText(slope, se)}${judgedText}`,
    value: slope,
    outcome: judged <= limit ? 'pass' : 'fail',
    detail: what,
  };
}

/**
 * Why a growth row that is not a suspect is none, in words: a per-connection figure goes with it only when it is
 * within the limit, since one above it beside a pass reads as a breach (the row grew unevenly, or by a pool's size).
 */
function whyNotALeak(row: GrowthRow, limit: number, source: EvidenceSourceId): string {
  if (source === 'class-histogram' && JVM_STORAGE_KINDS.includes(row.kind)) return "the JDK's own, never a suspect by itself";
  if (row.poolSized) return 'no more than the connections held open at once';
  if (!row.consistent) return 'uneven across rounds, not with the connections made';
  if (row.countDelta < DIFF_DEFAULTS.minInstances) return `fewer than ${DIFF_DEFAULTS.minInstances} instances`;
  return `${row.perConnection.toFixed(2)}/conn, within the ${limit} limit`;
}

/** Leak evidence: no class (or metric series) may grow steadily with the connections made. */
export function retainedCheck(config: Config, evidence: readonly Evidence[], stoppedNote: string): Draft[] {
  const limit = config.limits.maxRetainedPerConnection;
  if (limit.value === null) return [];
  // Without evidence on purpose, or of a runtime it cannot read, there is nothing to judge: unless the user asked.
  const wanted = evidence.filter((e) => e.status !== 'off' && e.status !== 'n/a');
  if (wanted.length === 0 && !limit.explicit) return [];
  const base = head('retained-objects', limit.value);
  const measured = wanted.filter((e) => e.status === 'measured');
  if (measured.length === 0) {
    const why = wanted[0]?.reason ?? evidence[0]?.reason ?? `no heap evidence${stoppedNote}`;
    return [unmeasured(base, limit, why)];
  }
  const suspects = measured.flatMap((e) => e.suspects);
  const top = suspects[0] ?? null;
  if (!top) {
    // Nothing grew steadily: the value is the largest steady growth (0 when none), the largest growth is a detail.
    const sourced = measured.flatMap((e) => e.topGrowth.map((row) => ({ row, source: e.source }))).filter((r) => r.row.countDelta > 0);
    const steady = sourced
      .filter(({ row: r, source }) => !(source === 'class-histogram' && JVM_STORAGE_KINDS.includes(r.kind)))
      .map((s) => s.row)
      .filter((r) => r.consistent && r.countDelta >= DIFF_DEFAULTS.minInstances && !r.poolSized);
    const value = steady.length === 0 ? 0 : Math.max(...steady.map((r) => r.perConnection));
    // The largest growth by bytes (as the evidence lists it), of a class that grew in count (a gauge of bytes does not).
    const largest = sourced[0];
    const why = largest && whyNotALeak(largest.row, limit.value, largest.source);
    const detail = largest
      ? `largest growth ${formatCountDelta(largest.row.countDelta)} ${largest.row.name} (${why}): not a leak`
      : 'nothing grew';
    return [{ ...base, measured: 'none steady', value: round(value, 3), outcome: 'pass', detail }];
  }
  const perConnection = `${top.perConnection.toFixed(2)}/conn`;
  const measuredText = `${formatCountDelta(top.countDelta)} ${top.name} (${perConnection})`;
  const others = suspects.length > 1 ? `; ${suspects.length - 1} more grew with it` : '';
  const bytes =
    top.bytesDelta === 0 && top.kind === 'gauge'
      ? 'a metric series'
      : `${formatBytesDelta(top.bytesDelta)}, ${formatBytes(top.bytesEach)} each`;
  return [{ ...base, measured: measuredText, value: top.perConnection, outcome: 'fail', detail: `${bytes}${others}` }];
}
