// The exact leak signals as growth from baseline to after cooldown (pure).

import type { SignalReading, SignalsResult } from '../model/report.js';

const KEYS = ['fds', 'threads', 'processes', 'lingeringConnections', 'sessions'] as const;

/** `platform`: where the signals were read (only Linux has /proc). */
export function analyzeSignals(
  baseline: SignalReading | null,
  after: SignalReading | null,
  notes: string[],
  platform: NodeJS.Platform,
): SignalsResult {
  const growth: SignalReading = { fds: null, threads: null, processes: null, lingeringConnections: null, sessions: null };
  for (const key of KEYS) {
    const a = after?.[key] ?? null;
    const b = baseline?.[key] ?? null;
    // Lingering connections should return to zero: the figure is what is left, not a difference.
    growth[key] = key === 'lingeringConnections' ? a : a !== null && b !== null ? a - b : null;
  }
  const allNotes = [...notes];
  if (platform !== 'linux') allNotes.push(`fds, threads and lingering connections are read from /proc, which ${platform} does not have`);
  return { baseline, after, growth, notes: [...new Set(allNotes)] };
}
