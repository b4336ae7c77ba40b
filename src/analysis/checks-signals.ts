// The exact leak signals' checks (pure): fds, lingering connections, threads, processes, sessions.

import { head, type Draft } from './check-draft.js';
import type { Config, Limit } from '../config/types.js';
import type { RegisteredCheckId } from '../model/checks.js';
import type { SignalReading, SignalsResult } from '../model/report.js';
import { formatCountDelta } from '../model/format.js';

const SIGNAL_CHECKS: Array<{ id: RegisteredCheckId; key: keyof SignalReading; limit: (c: Config) => Limit }> = [
  { id: 'fd-growth', key: 'fds', limit: (c) => c.limits.maxFdGrowth },
  {
    id: 'lingering-connections',
    key: 'lingeringConnections',
    limit: (c) => c.limits.maxLingeringConnections,
  },
  { id: 'thread-growth', key: 'threads', limit: (c) => c.limits.maxThreadGrowth },
  { id: 'process-growth', key: 'processes', limit: (c) => c.limits.maxProcessGrowth },
  { id: 'session-growth', key: 'sessions', limit: (c) => c.limits.maxSessionGrowth },
];

export function signalChecks(config: Config, signals: SignalsResult, stoppedNote: string): Draft[] {
  const drafts: Draft[] = [];
  for (const { id, key, limit: limitOf } of SIGNAL_CHECKS) {
    const limit = limitOf(config);
    if (limit.value === null) continue;
    // Sessions exist only with a stats-url; without one, a default limit has nothing to judge.
    if (key === 'sessions' && config.stats.url === null && !limit.explicit) continue;
    const base = head(id, limit.value);
    const value = signals.growth[key];
    if (value === null) {
      const why = signals.notes.find((n) => (key === 'sessions' ? n.startsWith('stats-url') : !n.startsWith('stats-url')));
      drafts.push({
        ...base,
        measured: 'n/a',
        value: null,
        // A stats-url the user gave that cannot be read fails like a limit set on purpose.
        outcome: limit.explicit || (key === 'sessions' && config.stats.url !== null) ? 'fail' : 'not-measured',
        detail: why ?? (key === 'sessions' && config.stats.url === null ? 'no stats-url given' : `not read${stoppedNote}`),
      });
      continue;
    }
    const before = signals.baseline?.[key];
    drafts.push({
      ...base,
      measured: key === 'lingeringConnections' ? String(value) : formatCountDelta(value),
      value,
      outcome: value <= limit.value ? 'pass' : 'fail',
      ...(before !== null && before !== undefined && key !== 'lingeringConnections'
        ? { detail: `${before} → ${signals.after?.[key]}` }
        : {}),
    });
  }
  return drafts;
}
