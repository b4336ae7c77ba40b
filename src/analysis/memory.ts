// Memory figures from the samples of a run: baseline, peak, retained and growth (pure).

import type { MemoryResult, MemorySample, PhaseName } from '../model/report.js';
import { median } from './stats.js';
import { fitTrend } from './trend.js';

const LOAD_PHASES: readonly PhaseName[] = ['flapping', 'leak'];

/**
 * baseline = median of the baseline window; peak = max during load; retained = median of the
 * cooldown window (or the first sample after load when there was no cooldown sample).
 */
export function analyzeMemory(
  samples: MemorySample[],
  sampleIntervalMs: number,
  trendPoints: Array<{ connections: number; rssBytes: number }> = [],
): MemoryResult {
  const inPhase = (phases: readonly PhaseName[]): MemorySample[] => samples.filter((s) => phases.includes(s.phase));
  const baselineBytes = median(inPhase(['baseline']).map((s) => s.rssBytes));
  const load = inPhase(LOAD_PHASES);
  const peakBytes = load.length === 0 ? null : Math.max(...load.map((s) => s.rssBytes));
  let retainedBytes = median(inPhase(['cooldown']).map((s) => s.rssBytes));
  if (retainedBytes === null && load.length > 0) {
    const lastLoad = samples.lastIndexOf(load[load.length - 1]!);
    retainedBytes = samples[lastLoad + 1]?.rssBytes ?? null;
  }
  const retainedGrowthBytes = baselineBytes !== null && retainedBytes !== null ? retainedBytes - baselineBytes : null;
  const peakGrowthBytes = baselineBytes !== null && peakBytes !== null ? peakBytes - baselineBytes : null;
  return {
    measured: baselineBytes !== null,
    ...(baselineBytes === null
      ? { reason: samples.length === 0 ? 'no sample of the server tree was taken' : 'no baseline sample before the load' }
      : {}),
    sampleIntervalMs,
    samples,
    baselineBytes,
    peakBytes,
    retainedBytes,
    retainedGrowthBytes,
    peakGrowthBytes,
    growthPercent: retainedGrowthBytes !== null && baselineBytes ? Math.round((retainedGrowthBytes / baselineBytes) * 1000) / 10 : null,
    trend: trendPoints.length === 0 ? null : fitTrend(trendPoints),
  };
}
