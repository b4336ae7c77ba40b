// The check registry: every check the gate reports is registered, every limit input exists, limits are data.

import { describe, expect, it } from 'vitest';
import { analyzeMemory } from '../src/analysis/memory.js';
import { runChecks } from '../src/analysis/checks.js';
import { analyzeSignals } from '../src/analysis/signal-growth.js';
import { INPUTS } from '../src/config/inputs.js';
import { parseConfig } from '../src/config/parse.js';
import { CHECK_IDS, CHECKS, COMPARED_METRICS } from '../src/model/checks.js';
import { formatThreshold } from '../src/model/format.js';
import { evidenceWithout } from '../src/model/evidence.js';
import { emptyLoadResult, loadSpecOf } from '../src/scenarios/load.js';
import { emptyRecoveryResult } from '../src/scenarios/recovery.js';

describe('the check registry', () => {
  it('names only inputs that exist, each limit input once', () => {
    const names = new Set<string>(INPUTS.map((i) => i.name));
    const inputs = CHECKS.map((c) => c.input).filter((i): i is NonNullable<typeof i> => i !== null);
    for (const input of inputs) expect(names.has(input), input).toBe(true);
    expect(new Set(inputs).size).toBe(inputs.length);
  });

  it('derives the regression ids from the compared metrics, and ids are unique', () => {
    expect(CHECK_IDS).toContain('regression-handshake-p95');
    expect(CHECK_IDS.filter((id) => id.startsWith('regression-'))).toHaveLength(COMPARED_METRICS.length);
    expect(new Set(CHECK_IDS).size).toBe(CHECK_IDS.length);
  });

  it('produces every registered check, in registry order, with the limit as data', () => {
    const config = parseConfig({
      url: 'ws://127.0.0.1:1/',
      'stats-url': 'http://127.0.0.1:1/',
      'max-peak-memory-growth-mb': '80',
      session: '- send: hello',
      scenarios: 'flapping,leak,recovery,hostile,dead-peers,slow-consumer',
    });
    const checks = runChecks(config, {
      server: {
        mode: 'launch',
        command: 'x',
        url: 'ws://127.0.0.1:1/',
        pid: 1,
        pidSource: 'launched',
        readyAfterMs: 10,
        exit: null,
        logPath: null,
        logTail: [],
        pidsSeen: [],
        processes: [],
        survivors: [],
      },
      stopped: null,
      flapping: emptyLoadResult(loadSpecOf(config, 'flapping'), true),
      leak: emptyLoadResult(loadSpecOf(config, 'leak'), true),
      recovery: emptyRecoveryResult(config.recovery, true),
      memory: analyzeMemory([], 100),
      signals: analyzeSignals(null, null, [], 'linux'),
      evidence: [evidenceWithout('heap-snapshots', 'skipped', 'the snapshot timed out', 0.25)],
    });
    expect(checks.map((c) => c.id)).toEqual(CHECKS.map((c) => c.id));
    const titles = Object.fromEntries(CHECKS.map((c) => [c.id, c.title]));
    for (const check of checks) expect(check.title).toBe(titles[check.id]);
    const memory = checks.find((c) => c.id === 'memory-growth')!;
    expect(memory.threshold).toEqual({ op: '<=', value: 50, unit: 'MiB' });
    expect(memory.limit).toBe(formatThreshold(memory.threshold!));
    expect(checks.find((c) => c.id === 'connect-success-rate')!.limit).toBe('≥\u00A080\u00A0%');
    expect(checks.find((c) => c.id === 'fd-growth')!.limit).toBe('≤\u00A04');
    expect(checks.find((c) => c.id === 'recovery')!.threshold).toBeNull();
    // A scenario that did not run still states its limit: the row reads as the one of a run that did.
    expect(checks.find((c) => c.id === 'dead-peer-reaping')).toMatchObject({ measured: 'did not run', limit: 'all within 90 s' });
  });
});
