// Typesetting of figures that reach the renderers as text (check limits and measured values built in analysis).

import { ARROW, NBSP } from '../model/format.js';

// A number followed by a space and a unit we print; "MB" and "KB" are computed as 1024-based, so they become MiB and KiB.
const NUMBER_UNIT = /(\d)[ \u00A0](%|MiB|MB|KiB\/conn|KB\/conn|KB|ms|s|points?)(?![\p{L}\p{N}])/gu;
const UNIT_NAMES: Record<string, string> = { MB: 'MiB', KB: 'KiB', 'KB/conn': 'KiB/conn' };

/**
 * Normalises text built by the analysis: `>=`/`<=` become `≥`/`≤`, `->` becomes `→`, MB/KB become MiB/KiB and
 * a number keeps its unit with a non-breaking space. Once limits are data (`{op, value, unit}`), only measured text
 * needs this.
 */
export function typeset(text: string): string {
  return (
    text
      .replace(/>=/g, '≥')
      .replace(/<=/g, '≤')
      .replace(/\s*->\s*/g, ` ${ARROW} `)
      .replace(NUMBER_UNIT, (_m, digit: string, unit: string) => `${digit}${NBSP}${UNIT_NAMES[unit] ?? unit}`)
      .replace(/±[ ](?=\d)/g, `±${NBSP}`)
      // No change is ±0, as the formatters write it, not +0.
      .replace(/(?<![\w.])\+0(?![\d.])/g, '±0')
  );
}
