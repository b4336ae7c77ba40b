// The memory chart: a Mermaid xychart of the server tree's RSS over time, on a numeric axis in seconds.

import { formatMbDelta, formatSeconds, mbFromBytes } from '../model/format.js';
import type { MemorySample, Report } from '../model/report.js';
import { codeBlock } from './escape.js';

/** The chart never draws more points than this; more would be unreadable at a comment's width. */
export const CHART_MAX_POINTS = 60;

/**
 * The line colour: GitHub's blue accent, which keeps a contrast ratio above 3 against a white chart, Mermaid's dark
 * chart background (#333) and GitHub's dark page (#0d1117). Mermaid's own first colour (#ECECFF) vanishes on white.
 */
export const CHART_LINE_COLOR = '#2f81f7';

/** One point of the chart: a time in seconds and the RSS in MiB. */
export interface ChartPoint {
  seconds: number;
  mib: number;
}

/**
 * Resamples onto `count` evenly spaced times from the first sample to the last, because Mermaid spaces a line's values
 * evenly along a numeric axis. Each point takes the highest sample of its stretch (so peaks survive), or the
 * nearest earlier sample when its stretch holds none.
 */
export function resampleEvenly(samples: MemorySample[], count: number): ChartPoint[] {
  if (samples.length === 0) return [];
  const sorted = samples.slice().sort((a, b) => a.tMs - b.tMs);
  const start = sorted[0]!.tMs;
  const end = sorted.at(-1)!.tMs;
  const n = Math.max(2, Math.min(count, sorted.length));
  const step = (end - start) / (n - 1);
  const points: ChartPoint[] = [];
  let j = 0;
  let last = sorted[0]!;
  for (let i = 0; i < n; i++) {
    const t = start + i * step;
    const until = i === n - 1 ? Infinity : t + step / 2;
    let best: MemorySample | null = null;
    while (j < sorted.length && sorted[j]!.tMs < until) {
      if (best === null || sorted[j]!.rssBytes > best.rssBytes) best = sorted[j]!;
      last = sorted[j]!;
      j++;
    }
    points.push({ seconds: t / 1000, mib: mbFromBytes((best ?? last).rssBytes) });
  }
  return points;
}

/** When each phase began, in seconds since the start: from the phase spans, else from the samples. */
export function phaseStarts(report: Report): Array<{ phase: string; seconds: number }> {
  const spans = (report.phases ?? []).filter((p) => p.name !== 'startup' && p.name !== 'teardown');
  if (spans.length > 0) return spans.map((p) => ({ phase: p.name, seconds: p.startMs / 1000 }));
  const starts: Array<{ phase: string; seconds: number }> = [];
  report.memory.samples.forEach((s, i, all) => {
    if (i === 0 || all[i - 1]!.phase !== s.phase) starts.push({ phase: s.phase, seconds: s.tMs / 1000 });
  });
  return starts;
}

/**
 * The line under the chart that says where each phase began ("warmup 0.4 s · baseline 1.4 s · …"), and what in the
 * line is not the server's own: the RSS its heap snapshots made it keep (often a step of tens of MiB at the first).
 */
export function phaseCaption(report: Report): string {
  const parts = phaseStarts(report).map((p) => `${p.phase} ${formatSeconds(p.seconds * 1000)}`);
  const exit = report.server.exit;
  const exited = exit ? ` The server exited at ${formatSeconds(exit.atMs)}.` : '';
  const overhead = report.memory.probeOverheadBytes;
  const probes = overhead
    ? ` The heap snapshots add ${formatMbDelta(overhead)} to the line (the server keeps the memory it wrote them with); ` +
      'the memory figures leave it out.'
    : '';
  return parts.length === 0 ? `${exited}${probes}`.trim() : `Phases start at: ${parts.join(' · ')}.${exited}${probes}`;
}

function axisNumber(value: number, decimals: number): string {
  return value.toFixed(decimals);
}

/** A Mermaid xychart of memory over time (RSS in MiB, time in seconds), with its phase caption; null with < 2 samples. */
export function memoryChart(report: Report): string | null {
  const m = report.memory;
  if (!m.measured || m.samples.length < 2) return null;
  const points = resampleEvenly(m.samples, CHART_MAX_POINTS);
  const values = points.map((p) => Math.round(p.mib * 10) / 10);
  const low = Math.max(0, Math.floor(Math.min(...values) * 0.95));
  const high = Math.max(low + 1, Math.ceil(Math.max(...values) * 1.05));
  const from = points[0]!.seconds;
  const to = Math.max(points.at(-1)!.seconds, from + 0.1);
  const init = { themeVariables: { xyChart: { plotColorPalette: CHART_LINE_COLOR } } };
  // Every token is ours (numbers and fixed words), so nothing here needs escaping for Mermaid.
  const lines = [
    `%%{init: ${JSON.stringify(init)}}%%`,
    'xychart-beta',
    '    title "Server memory (RSS, MiB) over time"',
    `    x-axis "seconds since start" ${axisNumber(from, 1)} --> ${axisNumber(to, 1)}`,
    `    y-axis "MiB" ${low} --> ${high}`,
    `    line [${values.map((v) => v.toFixed(1)).join(', ')}]`,
  ];
  const caption = phaseCaption(report);
  return `${codeBlock(lines.join('\n'), 'mermaid')}${caption === '' ? '' : `\n\n${caption}`}`;
}
