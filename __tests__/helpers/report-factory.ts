// Builds complete, realistic Reports for renderer tests: passing by default, with variants for the other outcomes.

import { evidenceWithout, type Evidence, type GrowthRow, type RetainerStep } from '../../src/model/evidence.js';
import { runChecks, verdictOf } from '../../src/analysis/checks.js';
import { withComparison } from '../../src/analysis/compare.js';
import { INPUTS, type RawInputs } from '../../src/config/inputs.js';
import { describeConfig, parseConfig } from '../../src/config/parse.js';
import { REPORT_SCHEMA_VERSION } from '../../src/model/report.js';
import type { Check, LatencySummary, LoadScenarioResult, MemorySample, PhaseName, PhaseSpan, Report } from '../../src/model/report.js';

const MB = 1024 * 1024;

/** Every field optional at every depth; arrays are replaced, not merged. */
export type DeepPartial<T> = T extends Array<infer _U> ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Merges overrides into base: objects recursively, everything else (arrays, null, scalars) replaced. */
export function deepMerge<T>(base: T, overrides: NoInfer<DeepPartial<T>> | undefined): T {
  if (overrides === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(overrides)) return overrides as T;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    out[key] = isPlainObject(value) && isPlainObject(out[key]) ? deepMerge(out[key], value) : value;
  }
  return out as T;
}

export function latency(p50: number, overrides: Partial<LatencySummary> = {}): LatencySummary {
  return { count: 20, mean: p50 * 1.1, p50, p95: p50 * 1.8, p99: p50 * 2.4, max: p50 * 3, ...overrides };
}

export function loadScenario(id: 'flapping' | 'leak', overrides: DeepPartial<LoadScenarioResult> = {}): LoadScenarioResult {
  const clients = id === 'flapping' ? 1 : 3;
  const cycles = id === 'flapping' ? 20 : 15;
  const attempts = clients * cycles;
  const base: LoadScenarioResult = {
    id,
    enabled: true,
    prescribed: { clients, cyclesPerClient: cycles, holdMs: 100, pauseMs: 50, cycleMs: 150 },
    attempts,
    connected: attempts,
    cleanDisconnects: attempts,
    abruptDisconnects: 0,
    connectRate: 1,
    disconnectRate: 1,
    connectFailures: {},
    disconnectFailures: {},
    handshakeMs: latency(1.4, { count: attempts }),
    closeMs: latency(0.9, { count: attempts }),
    cycleMs: latency(154.2, { count: attempts, mean: 154.6 }),
    durationMs: cycles * 155,
  };
  return deepMerge(base, overrides);
}

const PHASES: Array<[PhaseName, number]> = [
  ['warmup', 1_000],
  ['baseline', 1_000],
  ['flapping', 3_100],
  ['leak', 2_400],
  ['cooldown', 2_000],
  ['recovery', 1_000],
];

export function phaseSpans(): PhaseSpan[] {
  const spans: PhaseSpan[] = [{ name: 'startup', startMs: 0, endMs: 400 }];
  let t = 400;
  for (const [name, ms] of PHASES) {
    spans.push({ name, startMs: t, endMs: t + ms });
    t += ms;
  }
  return spans;
}

/** RSS samples every `intervalMs` across the phases: flat baseline, a bump under load, `retainedMb` left after. */
export function memorySamples(intervalMs = 100, baselineMb = 42, peakMb = 47, retainedMb = 1.2): MemorySample[] {
  const samples: MemorySample[] = [];
  for (const span of phaseSpans().filter((s) => s.name !== 'startup')) {
    for (let t = span.startMs; t < span.endMs; t += intervalMs) {
      const load = span.name === 'flapping' || span.name === 'leak';
      const after = span.name === 'cooldown' || span.name === 'recovery';
      const progress = (t - span.startMs) / (span.endMs - span.startMs);
      const mb = load ? baselineMb + (peakMb - baselineMb) * progress : after ? baselineMb + retainedMb : baselineMb;
      samples.push({ tMs: t, phase: span.name, rssBytes: Math.round(mb * MB), cpuPercent: load ? 35 : 1, processes: 2 });
    }
  }
  return samples;
}

export function check(overrides: Partial<Check> & Pick<Check, 'id' | 'title'>): Check {
  return { measured: 'ok', limit: 'required', value: null, level: 'error', status: 'pass', ...overrides };
}

function passingChecks(): Check[] {
  return [
    check({ id: 'connect-success-rate', title: 'Connect success rate', measured: '100 %', limit: '>= 80 %', value: 1 }),
    check({ id: 'disconnect-success-rate', title: 'Clean disconnect rate', measured: '100 %', limit: '>= 80 %', value: 1 }),
    check({ id: 'memory-growth', title: 'Retained memory growth', measured: '1.2 MB', limit: '<= 50 MB', value: 1.2 }),
    check({ id: 'peak-memory-growth', title: 'Peak memory growth', measured: '5.0 MB', limit: '<= 100 MB', value: 5, level: 'warn' }),
    check({ id: 'recovery', title: 'Recovery', measured: 'passed', limit: 'required' }),
    check({ id: 'server-crash', title: 'Server stayed up', measured: 'yes', limit: 'no crash' }),
  ];
}

/** A complete, valid, passing Report; `overrides` are deep-merged (arrays replace). */
export function makeReport(overrides: DeepPartial<Report> = {}): Report {
  const samples = memorySamples();
  const base: Report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'ws-resilience-gate', version: '0.1.0' },
    startedAt: '2025-01-15T10:20:30.000Z',
    durationMs: 11_300,
    environment: {
      os: 'linux',
      arch: 'x64',
      node: 'v20.19.4',
      runnerOs: 'Linux',
      commit: '3f2a9c1d5e7b',
      workflow: 'ci',
      job: 'resilience',
    },
    config: {
      url: 'ws://127.0.0.1:0/',
      'server-command': 'node examples/echo-server.js',
      'flap-cycles': '20',
      'flap-hold-ms': '100',
      'flap-pause-ms': '50',
      'leak-clients': '3',
      'leak-cycles': '15',
      headers: '***',
      expect: 'echo',
    },
    server: {
      mode: 'launch',
      command: 'node examples/echo-server.js',
      url: 'ws://127.0.0.1:40123/',
      pid: 4242,
      pidSource: 'launched',
      readyAfterMs: 180,
      exit: null,
      logPath: '/tmp/ws-resilience-gate/server.log',
      logTail: ['listening on 40123', 'client connected', 'client disconnected'],
      pidsSeen: [4242, 4243],
      processes: [
        { pid: 4242, command: 'sh -c node examples/echo-server.js' },
        { pid: 4243, command: 'node examples/echo-server.js' },
      ],
      survivors: [],
    },
    phases: phaseSpans(),
    stopped: null,
    scenarios: {
      flapping: loadScenario('flapping'),
      leak: loadScenario('leak'),
      recovery: {
        id: 'recovery',
        enabled: true,
        connected: true,
        handshakeMs: 1.3,
        pingsSent: 3,
        pongsReceived: 3,
        pingRttMs: latency(0.42, { count: 3 }),
        messagesSent: 5,
        messagesAnswered: 5,
        expect: 'echo',
        heldMs: 1_000,
        closedCleanly: true,
        problems: [],
      },
    },
    memory: {
      measured: true,
      sampleIntervalMs: 100,
      samples,
      baselineBytes: 42 * MB,
      peakBytes: 47 * MB,
      retainedBytes: 43.2 * MB,
      retainedGrowthBytes: 1.2 * MB,
      peakGrowthBytes: 5 * MB,
      growthPercent: (1.2 / 42) * 100,
      trend: {
        points: [
          { connections: 0, rssBytes: 42 * MB },
          { connections: 35, rssBytes: 42.5 * MB },
          { connections: 50, rssBytes: 42.8 * MB },
          { connections: 65, rssBytes: 43.2 * MB },
        ],
        skipped: 1,
        kbPerConnection: 23.5,
        standardErrorKb: 2.5,
      },
    },
    signals: {
      baseline: { fds: 23, threads: 7, processes: 1, lingeringConnections: 0, sessions: null },
      after: { fds: 23, threads: 7, processes: 1, lingeringConnections: 0, sessions: null },
      growth: { fds: 0, threads: 0, processes: 0, lingeringConnections: 0, sessions: null },
      notes: [],
    },
    evidence: [],
    memoryJudge: { by: 'rss', processes: 0, why: 'the processes that served run python3: no heap evidence for that runtime', better: null },
    checks: passingChecks(),
    verdict: 'pass',
  };
  return deepMerge(base, overrides);
}

/** Replaces the checks with the given ids by patched copies, leaving the others as they are. */
export function withChecks(report: Report, patches: Record<string, Partial<Check>>): Report {
  return { ...report, checks: report.checks.map((c) => (patches[c.id] ? { ...c, ...patches[c.id] } : c)) };
}

/** Connects at 64 % and 120.3 MB retained: two error checks fail. */
export function failingReport(overrides: DeepPartial<Report> = {}): Report {
  const base = makeReport({
    verdict: 'fail',
    scenarios: {
      flapping: { connected: 13, connectRate: 0.65, cleanDisconnects: 13, connectFailures: { timeout: 4, 'http-503': 3 } },
      leak: {
        connected: 28,
        connectRate: 28 / 45,
        cleanDisconnects: 25,
        disconnectRate: 25 / 28,
        connectFailures: { refused: 17 },
        disconnectFailures: { 'no-close-frame': 3 },
      },
    },
    memory: { retainedBytes: 162.3 * MB, retainedGrowthBytes: 120.3 * MB, growthPercent: (120.3 / 42) * 100 },
  });
  const failing = withChecks(base, {
    'connect-success-rate': { measured: '64 %', value: 0.64, status: 'fail', detail: '41 of 65 attempts connected' },
    'memory-growth': { measured: '120.3 MB', value: 120.3, status: 'fail', detail: 'Retained growth is above the limit after cooldown' },
  });
  return deepMerge(failing, overrides);
}

/** Only a warn-level check failed. */
export function warnReport(overrides: DeepPartial<Report> = {}): Report {
  const base = withChecks(makeReport({ verdict: 'warn' }), {
    'peak-memory-growth': { measured: '130.0 MB', value: 130, status: 'warn', detail: 'Peak growth above the warn limit' },
  });
  return deepMerge(base, overrides);
}

/** The server exited with code 3 during the leak scenario; later phases never ran. */
export function crashedReport(overrides: DeepPartial<Report> = {}): Report {
  const base = makeReport({
    verdict: 'fail',
    stopped: { phase: 'leak', reason: 'crash', message: 'server exited with code 3' },
    server: {
      exit: { code: 3, signal: null, phase: 'leak', atMs: 6_800 },
      logTail: ['listening on 40123', 'client connected', 'FATAL: out of file descriptors', 'exiting with code 3'],
    },
    scenarios: {
      leak: { connected: 20, cleanDisconnects: 20, connectRate: 20 / 45, connectFailures: { refused: 25 } },
      recovery: {
        connected: false,
        connectFailure: 'refused',
        handshakeMs: null,
        pongsReceived: 0,
        pingsSent: 0,
        pingRttMs: null,
        messagesSent: 0,
        messagesAnswered: 0,
        heldMs: 0,
        closedCleanly: false,
        problems: ['could not connect: ECONNREFUSED 127.0.0.1:40123'],
      },
    },
  });
  const crashed = withChecks(base, {
    'server-crash': { measured: 'exit code 3', status: 'fail', detail: 'The server exited during leak' },
    recovery: { measured: 'failed', status: 'fail', detail: 'could not connect' },
  });
  return deepMerge(crashed, overrides);
}

/** Attach mode without a pid: memory was not measured, so the default memory check is `not-measured`. */
export function notMeasuredReport(overrides: DeepPartial<Report> = {}): Report {
  const base = makeReport({
    server: { mode: 'attach', command: null, pid: null, pidSource: null, logPath: null, logTail: [] },
    memory: {
      measured: false,
      reason: 'attach mode without a server pid',
      samples: [],
      baselineBytes: null,
      peakBytes: null,
      retainedBytes: null,
      retainedGrowthBytes: null,
      peakGrowthBytes: null,
      growthPercent: null,
    },
  });
  const notMeasured = withChecks(base, {
    'memory-growth': { measured: 'n/a', value: null, status: 'not-measured', detail: 'No server pid to sample' },
    'peak-memory-growth': { measured: 'n/a', value: null, status: 'not-measured' },
  });
  return deepMerge(notMeasured, overrides);
}

// ---- Reports judged by the real checks (src/analysis), as a run produces them: the cases a reviewer sees. ----

/** The settings of a default launch run, plus `raw`. */
export function runInputs(raw: RawInputs = {}): RawInputs {
  return { url: 'ws://127.0.0.1:0/', 'server-command': 'node server.js', ...raw };
}

/** The report with its checks, verdict and config as the gate would produce them from its measurements. */
export function judged(report: Report, raw: RawInputs = {}): Report {
  const inputs = runInputs(raw);
  const checks = runChecks(parseConfig(inputs), {
    server: report.server,
    stopped: report.stopped,
    flapping: report.scenarios.flapping,
    leak: report.scenarios.leak,
    recovery: report.scenarios.recovery,
    memory: report.memory,
    signals: report.signals,
    evidence: report.evidence,
    memoryJudge: report.memoryJudge,
    ...(report.scenarios.hostile ? { hostile: report.scenarios.hostile } : {}),
  });
  return { ...report, config: describeConfig(inputs), checks, verdict: verdictOf(checks) };
}

/** Input name -> default, for the renderers' non-default settings. */
export function settingDefaults(): Record<string, string> {
  return Object.fromEntries(INPUTS.map((i) => [i.name, i.default]));
}

/** A healthy run: every default check passes. */
export function passCase(): Report {
  return judged(makeReport({ environment: { runUrl: 'https://github.com/acme/chat/actions/runs/123456789' } }));
}

/** A server that keeps a session per connection: fds +65, 71 lingering, a steep trend, and heap evidence. */
export function leakCase(): Report {
  const trendPoints = [0, 35, 50, 65].map((c) => ({ connections: c, rssBytes: Math.round((42 + (c * 203) / 1024) * MB) }));
  return judged(
    makeReport({
      environment: { runUrl: 'https://github.com/acme/chat/actions/runs/123456790' },
      memory: {
        samples: memorySamples(100, 42, 56, 12.9),
        retainedBytes: 54.9 * MB,
        retainedGrowthBytes: 12.9 * MB,
        peakBytes: 56 * MB,
        peakGrowthBytes: 14 * MB,
        growthPercent: (12.9 / 42) * 100,
        trend: { points: trendPoints, skipped: 1, kbPerConnection: 203.4, standardErrorKb: 4.1 },
      },
      signals: {
        baseline: { fds: 23, threads: 7, processes: 1, lingeringConnections: 0, sessions: null },
        after: { fds: 88, threads: 7, processes: 1, lingeringConnections: 71, sessions: null },
        growth: { fds: 65, threads: 0, processes: 0, lingeringConnections: 71, sessions: null },
      },
      evidence: [
        heapEvidence([
          heapSuspect({
            name: 'Session',
            countDelta: 65,
            perConnection: 1,
            bytesDelta: 65 * 200 * 1024,
            retainerPath: [
              { edge: '', kind: 'internal', node: '(GC roots)' },
              { edge: 'sessions', kind: 'context', node: 'Map' },
              { edge: '', kind: 'internal', node: 'Session' },
            ],
          }),
        ]),
      ],
    }),
  );
}

/** The server ran out of file descriptors and exited with code 3 during the leak scenario. */
export function crashCase(): Report {
  const base = crashedReport({
    environment: { runUrl: 'https://github.com/acme/chat/actions/runs/123456791' },
    server: {
      logTail: [
        'listening on 40123',
        ...Array.from({ length: 30 }, (_, i) => `session ${i + 1} opened`),
        'Error: EMFILE: too many open files, accept',
        '    at TCP.onconnection (node:net:2058:24)',
        'FATAL: out of file descriptors',
        'exiting with code 3',
      ],
    },
    // Nothing is sampled after the crash, and the phases after it never began.
    phases: phaseSpans().filter((p) => p.startMs < 6_800),
    memory: {
      samples: memorySamples().filter((s) => s.tMs <= 6_800),
      retainedBytes: null,
      retainedGrowthBytes: null,
      growthPercent: null,
      trend: null,
    },
    signals: {
      after: null,
      growth: { fds: null, threads: null, processes: null, lingeringConnections: null, sessions: null },
      notes: [],
    },
  });
  return judged(base);
}

/** A proxy in front of the server answers 503 to a quarter of the upgrades. */
export function rejectedUpgradeCase(): Report {
  return judged(
    makeReport({
      environment: { runUrl: 'https://github.com/acme/chat/actions/runs/123456792' },
      scenarios: {
        flapping: { connected: 8, cleanDisconnects: 8, connectRate: 0.4, connectFailures: { 'http-503': 12 } },
        leak: { connected: 38, cleanDisconnects: 38, connectRate: 38 / 45, connectFailures: { 'http-503': 4, 'http-502': 3 } },
      },
    }),
  );
}

/** Retained memory and lingering connections got worse than on the base branch, though within the absolute limits. */
export function baseRegressionCase(): Report {
  const base = judged(makeReport({ memory: { retainedGrowthBytes: 2 * MB } }));
  const current = judged(
    makeReport({
      environment: { runUrl: 'https://github.com/acme/chat/actions/runs/123456793' },
      memory: { retainedBytes: 51 * MB, retainedGrowthBytes: 9 * MB, growthPercent: (9 / 42) * 100 },
      scenarios: { flapping: { handshakeMs: latency(1.4, { count: 20, p95: 90 }) } },
    }),
  );
  return withComparison(current, [base], { maxRegressionPercent: 25, level: 'error', source: 'baseline-report base.json' });
}

/** The five cases a reviewer sees, by name. */
export const REVIEW_CASES: Record<string, () => Report> = {
  pass: passCase,
  leak: leakCase,
  crash: crashCase,
  'rejected-upgrade': rejectedUpgradeCase,
  'base-regression': baseRegressionCase,
};

/** A growth row with the fields a renderer does not read filled in. */
export function heapSuspect(row: Pick<GrowthRow, 'name' | 'countDelta' | 'perConnection' | 'bytesDelta' | 'retainerPath'>): GrowthRow {
  return {
    kind: 'object',
    countFirst: 5,
    countLast: 5 + row.countDelta,
    bytesEach: row.bytesDelta / row.countDelta,
    consistent: true,
    ...row,
  };
}

/** Measured heap evidence with these suspects (snapshots left out). */
export function heapEvidence(suspects: GrowthRow[]): Evidence {
  return { ...evidenceWithout('heap-snapshots', 'n/a', '', 0.5), status: 'measured', reason: undefined, suspects, topGrowth: suspects };
}

/** A path as a run against an express-ws server read it: the router's 15 steps before the user's `bus`. */
export const EXPRESS_PATH: RetainerStep[] = [
  { edge: '7', kind: 'element', node: 'Node / TCPServerWrap' },
  { edge: 'native_to_javascript', kind: 'internal', node: 'TCP' },
  { edge: '<symbol owner_symbol>', kind: 'property', node: 'Server' },
  { edge: '_events', kind: 'property', node: 'Object' },
  { edge: 'request', kind: 'property', node: 'app()' },
  { edge: 'get router', kind: 'property', node: 'getrouter()' },
  { edge: 'context', kind: 'internal', node: 'system / Context' },
  { edge: 'router', kind: 'context', node: 'router()', context: 'application.js' },
  { edge: 'stack', kind: 'property', node: 'Array' },
  { edge: '0', kind: 'element', node: 'Layer' },
  { edge: 'route', kind: 'property', node: 'Route' },
  { edge: 'stack', kind: 'property', node: 'Array' },
  { edge: '0', kind: 'element', node: 'Layer' },
  { edge: 'handle', kind: 'property', node: '(anonymous)()' },
  { edge: 'context', kind: 'internal', node: 'system / Context' },
  { edge: 'bus', kind: 'context', node: 'EventEmitter', context: 'leak-server.js' },
  { edge: '_events', kind: 'property', node: 'Object' },
  { edge: 'announce', kind: 'property', node: 'Array' },
  { edge: '7', kind: 'element', node: 'onAnnounce()' },
  { edge: 'context', kind: 'internal', node: 'system / Context' },
  { edge: 'ws', kind: 'context', node: 'WebSocket', context: 'leak-server.js' },
];
