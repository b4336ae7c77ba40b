// Typography of figures: one precision per unit, one sign convention, the unit computed, a non-breaking space.

import { describe, expect, it } from 'vitest';
import {
  formatChange,
  formatKibPerConnection,
  formatMb,
  formatMbDelta,
  formatMs,
  formatPercentDelta,
  formatRate,
  formatValue,
  NBSP,
} from '../src/model/format.js';
import { typeset } from '../src/report/typeset.js';

const MIB = 1024 * 1024;
const n = (text: string): string => text.replace(/ /g, NBSP);

describe('format', () => {
  it('prints bytes / 1024² as MiB with one decimal, and changes with a sign', () => {
    expect(formatMb(12.34 * MIB)).toBe(n('12.3 MiB'));
    expect(formatMbDelta(12.9 * MIB)).toBe(n('+12.9 MiB'));
    expect(formatMbDelta(-0.44 * MIB)).toBe(n('-0.4 MiB'));
    expect(formatMbDelta(0.01 * MIB)).toBe(n('±0.0 MiB'));
    expect(formatMb(null)).toBe('n/a');
  });

  it('prints rates with at most one decimal, changes of rates in points', () => {
    expect(formatRate(46 / 65)).toBe(n('70.8 %'));
    expect(formatRate(1)).toBe(n('100 %'));
    expect(formatPercentDelta(2.857)).toBe(n('+2.9 %'));
    expect(formatChange(-0.1, '%')).toBe(n('-10 points'));
    expect(formatChange(0.01, '%')).toBe(n('+1 point'));
  });

  it('prints a comparison metric in the unit it was computed in', () => {
    expect(formatValue(9, 'MB')).toBe(n('9.0 MiB'));
    expect(formatValue(203.44, 'KB/conn')).toBe(n('203.4 KiB/conn'));
    expect(formatValue(65, '')).toBe('65');
    expect(formatValue(0.5, '%')).toBe(n('50 %'));
    expect(formatChange(7, 'MB')).toBe(n('+7.0 MiB'));
    expect(formatChange(-3, '')).toBe('-3');
    expect(formatChange(0, '')).toBe('±0');
    expect(formatKibPerConnection(23.46, 2.51)).toBe(`23.5 ±${NBSP}2.5${NBSP}KiB/conn`);
    expect(formatMs(0.424)).toBe(n('0.42 ms'));
    expect(formatMs(1520.4)).toBe(n('1520 ms'));
  });
});

describe('typeset', () => {
  it('normalises limits and figures built as text by the analysis', () => {
    expect(typeset('>= 80 %')).toBe(`≥ 80${NBSP}%`);
    expect(typeset('<= 50 MB')).toBe(`≤ 50${NBSP}MiB`);
    expect(typeset('<= 100 KB/conn')).toBe(`≤ 100${NBSP}KiB/conn`);
    expect(typeset('23 -> 88')).toBe('23 → 88');
    expect(typeset('+0')).toBe('±0');
    expect(typeset('+0.5 MB, +10')).toBe(`+0.5${NBSP}MiB, +10`);
    expect(typeset('21.3 ± 2.5 KB/conn')).toBe(`21.3 ±${NBSP}2.5${NBSP}KiB/conn`);
    // Words that merely start like a unit stay as they are.
    expect(typeset('3 messages, 2 sessions')).toBe('3 messages, 2 sessions');
  });
});
