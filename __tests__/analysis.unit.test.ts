// Pure analysis: percentiles, memory figures from samples, checks and the verdict.

import { describe, expect, it } from 'vitest';
import { runChecks, verdictOf, type Measurements } from '../src/analysis/checks.js';
import { retainedCheck } from '../src/analysis/checks-memory.js';
import { evidenceWithout, type GrowthRow } from '../src/model/evidence.js';
import { analyzeMemory, withoutProbes } from '../src/analysis/memory.js';
import { analyzeSignals } from '../src/analysis/signal-growth.js';
import { median, percentile, summarize } from '../src/analysis/stats.js';
import { fitTrend, trendLowerBound } from '../src/analysis/trend.js';
import { parseConfig } from '../src/config/parse.js';
import type { MemorySample, PhaseName } from '../src/model/report.js';
import { emptyLoadResult, isAbrupt } from '../src/scenarios/load.js';
import { emptyRecoveryResult } from '../src/scenarios/recovery.js';

const MB = 1024 * 1024;

describe('stats', () => {
  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
  });
  it('summarizes unsorted values and gives null for none', () => {
    expect(summarize([3, 1, 2])).toEqual({ count: 3, mean: 2, p50: 2, p95: 3, p99: 3, max: 3 });
    expect(summarize([])).toBeNull();
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});

function samples(spec: Array<[PhaseName, number[]]>): MemorySample[] {
  let t = 0;
  return spec.flatMap(([phase, mbs]) => mbs.map((mb) => ({ tMs: (t += 100), phase, rssBytes: mb * MB, cpuPercent: 0, processes: 1 })));
}

describe('analyzeMemory', () => {
  it('takes the baseline median, the load peak and the cooldown median', () => {
    const m = analyzeMemory(
      samples([
        ['warmup', [90]],
        ['baseline', [40, 41, 60]],
        ['flapping', [50, 70]],
        ['leak', [80, 75]],
        ['cooldown', [61, 60, 59]],
        ['recovery', [99]],
      ]),
      100,
    );
    expect(m.measured).toBe(true);
    expect(m.baselineBytes).toBe(41 * MB);
    expect(m.peakBytes).toBe(80 * MB);
    expect(m.retainedBytes).toBe(60 * MB);
    expect(m.retainedGrowthBytes).toBe(19 * MB);
    expect(m.peakGrowthBytes).toBe(39 * MB);
    expect(m.growthPercent).toBe(46.3);
  });
  it('is not measured without a baseline sample', () => {
    const m = analyzeMemory([], 100);
    expect(m.measured).toBe(false);
    expect(m.reason).toMatch(/no sample/);
    expect(m.retainedGrowthBytes).toBeNull();
  });
});

function measurements(overrides: Partial<Measurements> = {}): Measurements {
  const config = parseConfig({ url: 'ws://127.0.0.1:1/' });
  const load = (id: 'flapping' | 'leak', attempts: number, connected: number, clean: number) => ({
    ...emptyLoadResult({ id, clients: 1, cyclesPerClient: attempts, holdMs: 100, pauseMs: 50 }, true),
    attempts,
    connected,
    cleanDisconnects: clean,
  });
  return {
    server: {
      mode: 'launch',
      command: 'node s.js',
      url: 'ws://127.0.0.1:1/',
      pid: 42,
      pidSource: 'launched',
      readyAfterMs: 120,
      exit: null,
      logPath: null,
      logTail: [],
      pidsSeen: [42],
      processes: [],
      survivors: [],
    },
    stopped: null,
    flapping: load('flapping', 20, 20, 20),
    leak: load('leak', 45, 45, 45),
    recovery: {
      ...emptyRecoveryResult(config.recovery, true),
      connected: true,
      pingsSent: 3,
      pongsReceived: 3,
      messagesSent: 5,
      messagesAnswered: 5,
      closedCleanly: true,
    },
    memory: analyzeMemory(
      samples([
        ['baseline', [40]],
        ['leak', [45]],
        ['cooldown', [41]],
      ]),
      100,
      [
        { connections: 0, rssBytes: 40 * MB },
        { connections: 65, rssBytes: 41 * MB },
      ],
    ),
    signals: analyzeSignals(
      { fds: 20, threads: 7, processes: 1, lingeringConnections: 0, sessions: null },
      { fds: 21, threads: 7, processes: 1, lingeringConnections: 0, sessions: null },
      [],
      'linux',
    ),
    ...overrides,
  };
}

describe('runChecks', () => {
  const config = parseConfig({ url: 'ws://127.0.0.1:1/' });

  it('passes a clean run on every default check', () => {
    const checks = runChecks(config, measurements());
    expect(checks.map((c) => c.id)).toEqual([
      'server-ready',
      'connect-success-rate',
      'disconnect-success-rate',
      'memory-growth',
      'leak-per-connection',
      'fd-growth',
      'lingering-connections',
      'thread-growth',
      'process-growth',
      'recovery',
      'server-crash',
      'run-completed',
    ]);
    expect(checks.every((c) => c.status === 'pass')).toBe(true);
    expect(verdictOf(checks)).toBe('pass');
  });

  it('combines the load scenarios in the rates and fails below the limit', () => {
    const m = measurements();
    m.flapping = { ...m.flapping, attempts: 20, connected: 10, cleanDisconnects: 10 };
    m.leak = { ...m.leak, attempts: 45, connected: 40, cleanDisconnects: 20 };
    const checks = runChecks(config, m);
    const connect = checks.find((c) => c.id === 'connect-success-rate')!;
    expect(connect.value).toBeCloseTo(50 / 65);
    expect(connect.status).toBe('fail');
    expect(connect.measured).toBe('76.9\u00A0% (50/65)');
    expect(checks.find((c) => c.id === 'disconnect-success-rate')!.value).toBeCloseTo(30 / 50);
    expect(verdictOf(checks)).toBe('fail');
  });

  it('fails rates computed from nothing, naming where the run stopped', () => {
    const m = measurements({ stopped: { phase: 'startup', reason: 'startup-failed', message: 'no handshake' } });
    m.server.readyAfterMs = null;
    m.flapping = { ...m.flapping, attempts: 0, connected: 0, cleanDisconnects: 0 };
    m.leak = { ...m.leak, attempts: 0, connected: 0, cleanDisconnects: 0 };
    const checks = runChecks(config, m);
    const connect = checks.find((c) => c.id === 'connect-success-rate')!;
    expect(connect.status).toBe('fail');
    expect(connect.detail).toContain('the run stopped during startup');
    expect(checks.find((c) => c.id === 'server-ready')!.status).toBe('fail');
  });

  it('omits the checks of a scenario turned off on purpose', () => {
    const checks = runChecks(parseConfig({ url: 'ws://127.0.0.1:1/', scenarios: 'flapping,leak' }), measurements());
    expect(checks.map((c) => c.id)).not.toContain('recovery');
  });

  it('downgrades warn-only checks to warnings, and the verdict to warn', () => {
    const m = measurements({
      memory: analyzeMemory(
        samples([
          ['baseline', [40]],
          ['leak', [200]],
          ['cooldown', [150]],
        ]),
        100,
      ),
    });
    const strict = runChecks(config, m);
    expect(strict.find((c) => c.id === 'memory-growth')!.status).toBe('fail');
    const lenient = runChecks(parseConfig({ url: 'ws://127.0.0.1:1/', 'warn-only': 'memory-growth' }), m);
    expect(lenient.find((c) => c.id === 'memory-growth')).toMatchObject({ status: 'warn', level: 'warn' });
    expect(verdictOf(lenient)).toBe('warn');
  });

  it('reports unmeasurable memory as not-measured by default, but fails an explicit limit', () => {
    const m = measurements({ memory: { ...analyzeMemory([], 100), reason: 'attached without a known pid' } });
    expect(runChecks(config, m).find((c) => c.id === 'memory-growth')!.status).toBe('not-measured');
    const explicit = parseConfig({ url: 'ws://127.0.0.1:1/', 'max-memory-growth-mb': '20' });
    const check = runChecks(explicit, m).find((c) => c.id === 'memory-growth')!;
    expect(check.status).toBe('fail');
    expect(check.detail).toBe('attached without a known pid');
  });

  it('checks peak growth only when a limit is set', () => {
    expect(runChecks(config, measurements()).map((c) => c.id)).not.toContain('peak-memory-growth');
    const withPeak = parseConfig({ url: 'ws://127.0.0.1:1/', 'max-peak-memory-growth-mb': '1' });
    expect(runChecks(withPeak, measurements()).find((c) => c.id === 'peak-memory-growth')!.status).toBe('fail');
  });

  it('fails the crash check with the exit code and the phase', () => {
    const m = measurements();
    m.server.exit = { code: 3, signal: null, phase: 'leak', atMs: 4000 };
    const crash = runChecks(config, m).find((c) => c.id === 'server-crash')!;
    expect(crash).toMatchObject({ status: 'fail', measured: 'crashed (exit code 3)' });
    expect(crash.detail).toContain('during leak');
  });

  it('fails recovery when a pong or a reply is missing', () => {
    const m = measurements();
    m.recovery = { ...m.recovery, pongsReceived: 2, problems: ['ping 3 got no pong within 5000 ms'] };
    const recovery = runChecks(config, m).find((c) => c.id === 'recovery')!;
    expect(recovery.status).toBe('fail');
    expect(recovery.measured).toBe('pings 2/3, messages 5/5');
  });

  it('fails run-completed on a timeout or a cancel', () => {
    const m = measurements({ stopped: { phase: 'leak', reason: 'timeout', message: 'the run exceeded timeout-s (5 s)' } });
    const completed = runChecks(config, m).find((c) => c.id === 'run-completed')!;
    expect(completed.status).toBe('fail');
    expect(completed.detail).toContain('during leak');
  });
});

describe('fitTrend', () => {
  const MBk = (kb: number) => kb * 1024;
  it('recovers a linear leak per connection with no error', () => {
    const points = [0, 35, 50, 65].map((c) => ({ connections: c, rssBytes: MBk(50_000 + 200 * c) }));
    const trend = fitTrend(points);
    expect(trend).toMatchObject({ kbPerConnection: 200, standardErrorKb: 0, skipped: 1 });
  });
  it('leaves out the baseline reading (warm-up growth) once there are four readings', () => {
    // Fast growth over the first connections, flat afterwards: a clean server warming up.
    const points = [
      { connections: 0, rssBytes: MBk(60_000) },
      { connections: 35, rssBytes: MBk(62_000) },
      { connections: 50, rssBytes: MBk(62_000) },
      { connections: 65, rssBytes: MBk(62_000) },
    ];
    expect(fitTrend(points).kbPerConnection).toBe(0);
    expect(fitTrend(points.slice(0, 3)).kbPerConnection).toBeGreaterThan(30);
  });
  it('has no slope from one reading and no error from two', () => {
    expect(fitTrend([{ connections: 0, rssBytes: 1 }]).kbPerConnection).toBeNull();
    expect(
      fitTrend([
        { connections: 0, rssBytes: 0 },
        { connections: 10, rssBytes: MBk(10) },
      ]),
    ).toMatchObject({ kbPerConnection: 1, standardErrorKb: null });
  });
});

describe('isAbrupt', () => {
  it('spreads the ratio evenly over the cycles', () => {
    const count = (n: number, ratio: number) => Array.from({ length: n }, (_, k) => isAbrupt(k, ratio)).filter(Boolean).length;
    expect(count(45, 0.5)).toBe(22);
    expect(count(100, 0.25)).toBe(25);
    expect(count(10, 0)).toBe(0);
    expect(count(10, 1)).toBe(10);
    expect([0, 1, 2, 3].map((k) => isAbrupt(k, 0.5))).toEqual([false, true, false, true]);
  });
});

describe('leak checks', () => {
  const config = parseConfig({ url: 'ws://127.0.0.1:1/' });
  it('fails the trend above its limit and the signals above theirs', () => {
    const m = measurements({
      memory: analyzeMemory(
        [],
        100,
        [0, 35, 50, 65].map((c) => ({ connections: c, rssBytes: (40_000 + 210 * c) * 1024 })),
      ),
      signals: analyzeSignals(
        { fds: 20, threads: 7, processes: 1, lingeringConnections: 0, sessions: null },
        { fds: 85, threads: 7, processes: 66, lingeringConnections: 65, sessions: null },
        [],
        'linux',
      ),
    });
    const byId = Object.fromEntries(runChecks(config, m).map((c) => [c.id, c]));
    expect(byId['leak-per-connection']).toMatchObject({ status: 'fail', value: 210 });
    expect(byId['fd-growth']).toMatchObject({ status: 'fail', value: 65, detail: '20 → 85' });
    expect(byId['lingering-connections']).toMatchObject({ status: 'fail', value: 65 });
    expect(byId['process-growth']).toMatchObject({ status: 'fail', value: 65 });
    expect(byId['thread-growth']!.status).toBe('pass');
  });
  it('does not judge a trend fitted over too few connections', () => {
    const few = measurements({
      memory: analyzeMemory(
        [],
        100,
        [0, 12, 16, 20].map((c) => ({ connections: c, rssBytes: (40_000 + 300 * c) * 1024 })),
      ),
    });
    const trend = runChecks(config, few).find((c) => c.id === 'leak-per-connection')!;
    expect(trend).toMatchObject({ status: 'not-measured', value: null, measured: '300.0 ± 0.0\u00A0KiB/conn' });
    expect(trend.detail).toContain('only 8 connections');
    const strict = runChecks(parseConfig({ url: 'ws://127.0.0.1:1/', 'max-leak-kb-per-connection': '50' }), few);
    expect(strict.find((c) => c.id === 'leak-per-connection')!.status).toBe('fail');
  });

  it('does not fail a slope above the limit that one GC step between readings explains', () => {
    // Three fitted readings, the middle one 4 MB up: 130 KB/conn on its face, but ± 79.
    const stepped = measurements({
      memory: analyzeMemory([], 100, [
        { connections: 0, rssBytes: 40_000 * 1024 },
        { connections: 35, rssBytes: 40_000 * 1024 },
        { connections: 50, rssBytes: 44_000 * 1024 },
        { connections: 65, rssBytes: 43_900 * 1024 },
      ]),
    });
    const trend = runChecks(config, stepped).find((c) => c.id === 'leak-per-connection')!;
    expect(trend.value!).toBeGreaterThan(100);
    expect(trend.status).toBe('pass');
    const bound = trendLowerBound(stepped.memory.trend!)!;
    expect(bound).toBeLessThan(100);
    // The figure judged is beside the one above the limit, so a table without the detail still says why it passed.
    expect(trend.measured).toMatch(new RegExp(`\\(at least ${bound.toFixed(1)} at 95\u00A0%\\)$`));
    // A steady leak of the same size, with readings on a line, still fails.
    const steady = measurements({
      memory: analyzeMemory(
        [],
        100,
        [0, 35, 50, 65].map((c) => ({ connections: c, rssBytes: (40_000 + 130 * c) * 1024 })),
      ),
    });
    const failed = runChecks(config, steady).find((c) => c.id === 'leak-per-connection')!;
    expect(failed.status).toBe('fail');
    expect(failed.measured).toBe('130.0 ± 0.0\u00A0KiB/conn (at least 130.0 at 95\u00A0%)');
  });

  it('shows unreadable signals as not measured by default, and fails a limit set on purpose', () => {
    const unread = analyzeSignals(
      { fds: null, threads: null, processes: 1, lingeringConnections: null, sessions: null },
      { fds: null, threads: null, processes: 1, lingeringConnections: null, sessions: null },
      ['fds, threads and lingering connections are read from /proc, which darwin does not have'],
      'linux',
    );
    const lenient = runChecks(config, measurements({ signals: unread })).find((c) => c.id === 'fd-growth')!;
    expect(lenient).toMatchObject({ status: 'not-measured', measured: 'n/a' });
    expect(lenient.detail).toContain('/proc');
    const strict = runChecks(parseConfig({ url: 'ws://127.0.0.1:1/', 'max-fd-growth': '10' }), measurements({ signals: unread }));
    expect(strict.find((c) => c.id === 'fd-growth')!.status).toBe('fail');
  });
  it('checks sessions only with a stats-url, and fails when the stats-url cannot be read', () => {
    expect(runChecks(config, measurements()).map((c) => c.id)).not.toContain('session-growth');
    const withStats = parseConfig({ url: 'ws://127.0.0.1:1/', 'stats-url': 'http://127.0.0.1:1/stats' });
    const unread = analyzeSignals(null, null, ['stats-url: HTTP 500 from http://127.0.0.1:1/stats'], 'linux');
    const sessions = runChecks(withStats, measurements({ signals: unread })).find((c) => c.id === 'session-growth')!;
    expect(sessions.status).toBe('fail');
    expect(sessions.detail).toContain('HTTP 500');
  });
});

describe('withoutProbes', () => {
  const sample = (tMs: number, mb: number, phase: MemorySample['phase']): MemorySample => ({
    tMs,
    phase,
    rssBytes: mb * MB,
    cpuPercent: 0,
    processes: 1,
  });
  it('drops the samples taken during a heap snapshot and subtracts what it added from every later sample', () => {
    const samples = [sample(100, 40, 'baseline'), sample(200, 70, 'leak'), sample(300, 60, 'leak'), sample(400, 61, 'cooldown')];
    const kept = withoutProbes(samples, [{ fromMs: 150, toMs: 250, bytes: 20 * MB }]);
    expect(kept.map((s) => [s.tMs, s.rssBytes / MB])).toEqual([
      [100, 40],
      [300, 40],
      [400, 41],
    ]);
    // The figures judge the server's own memory: +1 MiB retained, not +21.
    const memory = analyzeMemory(samples, 100, [], [{ fromMs: 150, toMs: 250, bytes: 20 * MB }]);
    expect(memory.retainedGrowthBytes).toBe(1 * MB);
    expect(memory.peakBytes).toBe(40 * MB);
    expect(memory.probeOverheadBytes).toBe(20 * MB);
    expect(memory.samples).toHaveLength(4);
  });
});

describe('withoutProbes and the heap', () => {
  it('never reads less retained growth than the heap after a full GC showed (freed snapshot memory is reused)', () => {
    const s = (tMs: number, mb: number, phase: MemorySample['phase']): MemorySample => ({
      tMs,
      phase,
      rssBytes: mb * MB,
      cpuPercent: 0,
      processes: 1,
    });
    // A 50 MiB snapshot window, then 30 MiB of real growth that fits in what the snapshot freed: RSS +50 in all.
    const samples = [s(100, 40, 'baseline'), s(300, 90, 'leak'), s(400, 90, 'cooldown')];
    const windows = [{ fromMs: 150, toMs: 250, bytes: 50 * MB }];
    expect(analyzeMemory(samples, 100, [], windows).retainedGrowthBytes).toBe(0);
    expect(analyzeMemory(samples, 100, [], windows, 30 * MB).retainedGrowthBytes).toBe(30 * MB);
  });
});

describe('retained-objects when nothing grew steadily', () => {
  const config = parseConfig({ url: 'ws://127.0.0.1:1/' });
  const row = (over: Partial<GrowthRow>): GrowthRow => ({
    name: 'Object',
    kind: 'object',
    countFirst: 100,
    countLast: 117,
    countDelta: 17,
    perConnection: 0.26,
    bytesDelta: 17 * 56,
    bytesEach: 56,
    consistent: true,
    retainerPath: null,
    ...over,
  });
  const detailFor = (top: GrowthRow): string => {
    const heap = {
      ...evidenceWithout('heap-snapshots', 'n/a', '', 0.25),
      status: 'measured' as const,
      reason: undefined,
      topGrowth: [top],
    };
    return retainedCheck(config, [heap], '')[0]!.detail!;
  };

  it('says why the largest growth is no leak without a per-connection figure above the limit beside the pass', () => {
    expect(detailFor(row({ consistent: false }))).toBe(
      'largest growth +17 Object (uneven across rounds, not with the connections made): not a leak',
    );
    expect(detailFor(row({ poolSized: true }))).toBe(
      'largest growth +17 Object (no more than the connections held open at once): not a leak',
    );
    expect(detailFor(row({ countDelta: 5 }))).toBe('largest growth +5 Object (fewer than 20 instances): not a leak');
    // Within the limit, the figure says it.
    expect(detailFor(row({ perConnection: 0.12, countDelta: 40 }))).toBe(
      'largest growth +40 Object (0.12/conn, within the 0.25 limit): not a leak',
    );
    for (const over of [{ consistent: false }, { poolSized: true }, { countDelta: 5 }]) expect(detailFor(row(over))).not.toMatch(/0\.26/);
  });
});
