// Number formatting shared by checks and renderers, so a figure reads the same everywhere: one precision per unit,
// one sign convention, a non-breaking space between a number and its unit, and the unit that was computed.

import type { Threshold } from './checks.js';

const MIB = 1024 * 1024;

/** U+00A0: keeps a number and its unit on one line ("100 %" never wraps into "100⏎%"). */
export const NBSP = '\u00A0';

/** The one arrow used for "before → after". */
export const ARROW = '→';

/** A number rounded to `digits` decimals, for a report's raw values (what people read is formatted apart). */
export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** A number followed by its unit, joined by a non-breaking space. */
export function withUnit(number: string, unit: string): string {
  return unit === '' ? number : `${number}${NBSP}${unit}`;
}

/** "+" for positive, "-" for negative, "±" for zero: the sign convention of every change we print. */
function sign(value: number): string {
  return value > 0 ? '+' : value < 0 ? '-' : '±';
}

/** Bytes as mebibytes with one decimal ("12.3 MiB"); "n/a" for null. */
export function formatMb(bytes: number | null): string {
  if (bytes === null) return 'n/a';
  return withUnit((bytes / MIB).toFixed(1), 'MiB');
}

/** A signed change in mebibytes ("+12.3 MiB", "-0.4 MiB", "±0.0 MiB"); "n/a" for null. */
export function formatMbDelta(bytes: number | null): string {
  if (bytes === null) return 'n/a';
  const mib = (Math.abs(bytes) / MIB).toFixed(1);
  return withUnit(`${Number(mib) === 0 ? '±' : sign(bytes)}${mib}`, 'MiB');
}

/** A percentage: at most one decimal, a trailing ".0" dropped ("64 %", "99.5 %"). */
function percentNumber(pct: number): string {
  const rounded = round(pct, 1);
  return Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1);
}

/** A 0..1 rate as a percentage ("64 %", "99.5 %"). */
export function formatRate(rate: number | null): string {
  if (rate === null) return 'n/a';
  return withUnit(percentNumber(rate * 100), '%');
}

/** A signed change already in percent ("+3.2 %"); "n/a" for null. */
export function formatPercentDelta(pct: number | null): string {
  if (pct === null) return 'n/a';
  const text = percentNumber(Math.abs(pct));
  return withUnit(`${Number(text) === 0 ? '±' : sign(pct)}${text}`, '%');
}

/** Milliseconds with a precision that suits their size ("0.42 ms", "12.3 ms", "1520 ms"). */
export function formatMs(ms: number | null): string {
  if (ms === null) return 'n/a';
  if (ms < 1) return withUnit(ms.toFixed(2), 'ms');
  if (ms < 100) return withUnit(ms.toFixed(1), 'ms');
  return withUnit(String(Math.round(ms)), 'ms');
}

/** Seconds with one decimal ("12.3 s"). */
export function formatSeconds(ms: number | null): string {
  if (ms === null) return 'n/a';
  return withUnit((ms / 1000).toFixed(1), 's');
}

/** A memory trend in KiB per connection ("23.5 KiB/conn", "23.5 ± 2.5 KiB/conn"): the slope is fitted over bytes / 1024. */
export function formatKibPerConnection(kb: number | null, standardError: number | null = null): string {
  if (kb === null) return 'n/a';
  const se = standardError === null ? '' : ` ±${NBSP}${standardError.toFixed(1)}`;
  return withUnit(`${kb.toFixed(1)}${se}`, 'KiB/conn');
}

export function bytesFromMb(mb: number): number {
  return mb * MIB;
}

export function mbFromBytes(bytes: number): number {
  return bytes / MIB;
}

/** The unit a metric is printed in: comparison metrics name MB and KB/conn, which are computed as MiB and KiB. */
export function printedUnit(unit: string): string {
  if (unit === 'MB') return 'MiB';
  if (unit === 'KB/conn') return 'KiB/conn';
  return unit;
}

/** A metric value with its unit, in that unit's one precision: rates as percent, MiB and KiB/conn with one decimal, counts whole. */
export function formatValue(value: number | null, unit: string): string {
  if (value === null) return 'n/a';
  if (unit === '%') return formatRate(value);
  if (unit === 'ms') return formatMs(value);
  if (unit === 'MB' || unit === 'KB/conn' || unit === 'MiB' || unit === 'KiB/conn') return withUnit(value.toFixed(1), printedUnit(unit));
  if (unit === '' || unit === 'count') return Number.isInteger(value) ? String(value) : value.toFixed(1);
  return withUnit(Number.isInteger(value) ? String(value) : value.toFixed(1), unit);
}

/** A signed change of a metric ("+7.0 MiB", "-5 points" for rates, "+65" for counts); "n/a" for null. */
export function formatChange(change: number | null, unit: string): string {
  if (change === null) return 'n/a';
  // A difference of two rates is in percentage points, not percent.
  if (unit === '%') {
    const points = percentNumber(Math.abs(change) * 100);
    return withUnit(`${Number(points) === 0 ? '±' : sign(change)}${points}`, Number(points) === 1 ? 'point' : 'points');
  }
  const magnitude = formatValue(Math.abs(change), unit);
  const zero = Number(magnitude.split(NBSP)[0]) === 0;
  return `${zero ? '±' : sign(change)}${magnitude}`;
}

/** How a process ended, in words: "exit code 3" or "signal SIGKILL". */
export function describeExit(exit: { code: number | null; signal: string | null }): string {
  return exit.signal ? `signal ${exit.signal}` : exit.code !== null ? `exit code ${exit.code}` : 'no exit code';
}

/** A limit for people: "≥ 80 %", "≤ 50 MiB", "≤ 4" (a limit is printed as set, not rounded). */
export function formatThreshold(t: Threshold): string {
  const value =
    t.unit === '%' ? formatRate(t.value) : t.unit === 'count' ? String(t.value) : withUnit(String(t.value), printedUnit(t.unit));
  return `${t.op === '<=' ? '≤' : '≥'}${NBSP}${value}`;
}

/** A size in bytes in the unit that suits it: "12.7 MiB", "13.0 KiB", "200 B". */
export function formatBytes(bytes: number): string {
  if (bytes >= MIB) return withUnit((bytes / MIB).toFixed(1), 'MiB');
  if (bytes >= 1024) return withUnit((bytes / 1024).toFixed(1), 'KiB');
  return withUnit(String(bytes), 'B');
}

/** A signed change in bytes in the unit that suits its size: "+12.7 MiB", "+13.0 KiB", "±0 B". */
export function formatBytesDelta(bytes: number): string {
  const magnitude = Math.abs(bytes);
  return `${magnitude === 0 ? '±' : sign(bytes)}${formatBytes(magnitude)}`;
}

/** A signed change in a count: "+65", "-3", "+0". */
export function formatCountDelta(n: number): string {
  return `${n >= 0 ? '+' : '-'}${Math.abs(n)}`;
}
