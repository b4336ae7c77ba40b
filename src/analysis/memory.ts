// Memory figures from the samples of a run: baseline, peak, retained and growth (pure).

import type { MemoryResult, MemorySample, PhaseName } from '../model/report.js';
import { median } from './stats.js';
import { fitTrend } from './trend.js';

const LOAD_PHASES: readonly PhaseName[] = ['flapping', 'leak'];

/** RSS the gate's own probing added to the server (a heap snapshot), measured around it: left out of growth. */
export interface ProbeWindow {
  fromMs: number;
  toMs: number;
  /** RSS after minus before the probe (never negative). */
  bytes: number;
}

/**
 * The samples as the server's own memory: those taken while a probe ran are left out, and what each probe added
 * is subtracted from every later sample. The report keeps the raw samples; only the figures use these.
 */
export function withoutProbes(samples: readonly MemorySample[], windows: readonly ProbeWindow[]): MemorySample[] {
  if (windows.length === 0) return [...samples];
  return samples
    .filter((s) => !windows.some((w) => s.tMs > w.fromMs && s.tMs < w.toMs))
    .map((s) => {
      const added = windows.filter((w) => w.toMs <= s.tMs).reduce((sum, w) => sum + w.bytes, 0);
      return added === 0 ? s : { ...s, rssBytes: s.rssBytes - added };
    });
}

/**
 * baseline = median of the baseline window; peak = max during load; retained = median of the
 * cooldown window (or the first sample after load when there was no cooldown sample). Probe windows (heap
 * snapshots) are taken out first, so memory the gate's own probing made the server allocate is not growth.
 */
export function analyzeMemory(
  rawSamples: MemorySample[],
  sampleIntervalMs: number,
  trendPoints: Array<{ connections: number; rssBytes: number }> = [],
  probeWindows: readonly ProbeWindow[] = [],
  /**
   * Growth known for certain from elsewhere (the heap after a full GC between the first and last snapshot). What a
   * probe added is only a bound: the allocator hands the memory a snapshot freed to the server's later growth, so
   * after subtracting it the retained growth is at least this.
   */
  knownGrowthBytes: number | null = null,
): MemoryResult {
  const samples = withoutProbes(rawSamples, probeWindows);
  const inPhase = (phases: readonly PhaseName[]): MemorySample[] => samples.filter((s) => phases.includes(s.phase));
  const baselineBytes = median(inPhase(['baseline']).map((s) => s.rssBytes));
  const load = inPhase(LOAD_PHASES);
  const peakBytes = load.length === 0 ? null : Math.max(...load.map((s) => s.rssBytes));
  let retainedBytes = median(inPhase(['cooldown']).map((s) => s.rssBytes));
  if (retainedBytes !== null && baselineBytes !== null && knownGrowthBytes !== null && probeWindows.length > 0) {
    retainedBytes = Math.max(retainedBytes, baselineBytes + knownGrowthBytes);
  }
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
    samples: rawSamples,
    ...(probeWindows.length > 0 ? { probeOverheadBytes: probeWindows.reduce((sum, w) => sum + w.bytes, 0) } : {}),
    baselineBytes,
    peakBytes,
    retainedBytes,
    retainedGrowthBytes,
    peakGrowthBytes,
    growthPercent: retainedGrowthBytes !== null && baselineBytes ? Math.round((retainedGrowthBytes / baselineBytes) * 1000) / 10 : null,
    trend: trendPoints.length === 0 ? null : fitTrend(trendPoints),
  };
}
