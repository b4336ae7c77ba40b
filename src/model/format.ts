// Number formatting shared by checks and renderers, so a figure reads the same everywhere.

import type { CheckUnit, Threshold } from './checks.js';

const MB = 1024 * 1024;

/** Bytes as megabytes with one decimal ("12.3 MB"); "n/a" for null. */
export function formatMb(bytes: number | null): string {
  if (bytes === null) return 'n/a';
  return `${(bytes / MB).toFixed(1)} MB`;
}

/** Signed megabytes ("+12.3 MB", "-0.4 MB"); "n/a" for null. */
export function formatMbDelta(bytes: number | null): string {
  if (bytes === null) return 'n/a';
  const sign = bytes >= 0 ? '+' : '-';
  return `${sign}${(Math.abs(bytes) / MB).toFixed(1)} MB`;
}

/** A 0..1 rate as a whole percentage ("64 %"), keeping one decimal when it is not whole ("99.5 %"). */
export function formatRate(rate: number | null): string {
  if (rate === null) return 'n/a';
  const pct = rate * 100;
  const rounded = Math.round(pct * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)} %`;
}

/** A percentage that is already in percent ("+3.2 %"). */
export function formatPercentDelta(pct: number | null): string {
  if (pct === null) return 'n/a';
  return `${pct >= 0 ? '+' : '-'}${Math.abs(pct).toFixed(1)} %`;
}

/** Milliseconds with a precision that suits their size ("0.42 ms", "12.3 ms", "1520 ms"). */
export function formatMs(ms: number | null): string {
  if (ms === null) return 'n/a';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms)} ms`;
}

export function bytesFromMb(mb: number): number {
  return mb * MB;
}

export function mbFromBytes(bytes: number): number {
  return bytes / MB;
}

/** A metric value with its unit: rates as percent, the rest with one decimal. */
export function formatValue(value: number | null, unit: string): string {
  if (value === null) return 'n/a';
  if (unit === '%') return `${(Math.round(value * 1000) / 10).toString()} %`;
  const rounded = Number.isInteger(value) ? String(value) : value.toFixed(1);
  return unit === '' || unit === 'count' ? rounded : `${rounded} ${unit}`;
}

/** How a process ended, in words: "exit code 3" or "signal SIGKILL". */
export function describeExit(exit: { code: number | null; signal: string | null }): string {
  return exit.signal ? `signal ${exit.signal}` : exit.code !== null ? `exit code ${exit.code}` : 'no exit code';
}

/** The unit as printed after a number; counts have none. */
function unitText(unit: CheckUnit): string {
  return unit === 'count' ? '' : unit;
}

/** A limit for people: "≥ 80 %", "≤ 50 MiB", "≤ 4". */
export function formatThreshold(t: Threshold): string {
  const value = t.unit === '%' ? formatRate(t.value) : `${t.value}${unitText(t.unit) === '' ? '' : ` ${unitText(t.unit)}`}`;
  return `${t.op === '<=' ? '≤' : '≥'} ${value}`;
}
