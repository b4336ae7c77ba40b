// Least-squares fit of retained memory against connections made: the leak per connection (pure).

import type { LeakTrend } from '../model/report.js';
import { round } from '../model/format.js';

/**
 * Slope (KB per connection) and its standard error; null where too few points. With four or more
 * readings the one at the baseline is left out: a clean server's memory grows fastest over its first
 * connections (allocator and JIT warm-up), and that growth is not a leak.
 */
export function fitTrend(all: Array<{ connections: number; rssBytes: number }>): LeakTrend {
  const skipped = all.length >= 4 ? 1 : 0;
  const fit = fitKbPerConnection(all.slice(skipped).map((p) => ({ connections: p.connections, kb: p.rssBytes / 1024 })));
  return { points: all, skipped, ...fit };
}

/**
 * Least-squares slope of KB against connections, and its standard error, each to 0.01: null slope under two
 * distinct connection counts, null standard error under three readings. RSS and heap trends are both this fit.
 */
export function fitKbPerConnection(points: ReadonlyArray<{ connections: number; kb: number }>): {
  kbPerConnection: number | null;
  standardErrorKb: number | null;
} {
  const n = points.length;
  const xs = points.map((p) => p.connections);
  const ys = points.map((p) => p.kb);
  const meanX = xs.reduce((s, x) => s + x, 0) / (n || 1);
  const meanY = ys.reduce((s, y) => s + y, 0) / (n || 1);
  const sxx = xs.reduce((s, x) => s + (x - meanX) ** 2, 0);
  if (n < 2 || sxx === 0) return { kbPerConnection: null, standardErrorKb: null };
  const slope = xs.reduce((s, x, i) => s + (x - meanX) * (ys[i]! - meanY), 0) / sxx;
  if (n < 3) return { kbPerConnection: round(slope, 2), standardErrorKb: null };
  const intercept = meanY - slope * meanX;
  const residuals = xs.reduce((s, x, i) => s + (ys[i]! - (intercept + slope * x)) ** 2, 0);
  return { kbPerConnection: round(slope, 2), standardErrorKb: round(Math.sqrt(residuals / (n - 2) / sxx), 2) };
}

/** One-sided 95 % critical values of Student's t by degrees of freedom (readings fitted minus two). */
const T_95 = [Infinity, 6.314, 2.92, 2.353, 2.132, 2.015, 1.943, 1.895, 1.86, 1.833, 1.812];

/**
 * The least leak per connection the readings are consistent with, at 95 % one-sided confidence: the slope minus
 * t times its standard error. A trend fails only when this bound is above the limit, so a single GC step between
 * three readings (a slope of ±80 with a standard error of 50) cannot fail a clean server, while a steady leak
 * (29.7 ± 0.4) is judged at nearly its face value. Null when the fit has no standard error (two readings).
 */
export function trendLowerBound(trend: LeakTrend): number | null {
  return slopeLowerBound(trend.kbPerConnection, trend.standardErrorKb, trend.points.length - trend.skipped);
}

/** The slope minus t times its standard error for a fit over `points` readings; null without a standard error. */
export function slopeLowerBound(slope: number | null, standardError: number | null, points: number): number | null {
  if (slope === null || standardError === null || points < 3) return null;
  const t = T_95[points - 2] ?? 1.645;
  return round(slope - t * standardError, 2);
}
