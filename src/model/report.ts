// The Report: everything one run learned, as plain JSON-serialisable data. Imported by every layer.

import type { CheckId, CheckUnit, ComparedMetricId, Threshold } from './checks.js';
import type { FaultsResult } from './faults.js';
import type { Evidence, MemoryJudge } from './evidence.js';
import type { HostileResult } from './hostile.js';
import type { FailureKind, LatencySummary } from './measures.js';
import type { SessionResult } from './session.js';

/** Bumped whenever a field changes meaning or disappears; readers compare it before trusting a report. */
export const REPORT_SCHEMA_VERSION = 2;

export type PhaseName =
  | 'startup'
  | 'warmup'
  | 'network'
  | 'baseline'
  | 'flapping'
  | 'leak'
  | 'cooldown'
  | 'dead-peers'
  | 'slow-consumer'
  | 'hostile'
  | 'recovery'
  | 'teardown';

export type ScenarioId = 'flapping' | 'leak' | 'recovery' | 'hostile' | 'dead-peers' | 'slow-consumer';

export type { FailureKind, LatencySummary } from './measures.js';

export interface LoadScenarioResult {
  id: 'flapping' | 'leak';
  /** False when the user turned the scenario off on purpose (`scenarios` input). */
  enabled: boolean;
  prescribed: { clients: number; cyclesPerClient: number; holdMs: number; pauseMs: number; cycleMs: number };
  attempts: number;
  connected: number;
  cleanDisconnects: number;
  /** Connections ended on purpose with terminate() (no close handshake): not judged as disconnects. */
  abruptDisconnects: number;
  /**
   * Connections the gate's own reset toxic (`network: reset-ratio=…`) ended, while connecting or while closing:
   * injected on purpose, so neither counted as failures nor judged. Absent when there were none.
   */
  injectedResets?: { connect: number; disconnect: number };
  /** connected / judgedAttempts; null when nothing was attempted. */
  connectRate: number | null;
  /** cleanDisconnects / judgedCloses; null when no clean close was tried. */
  disconnectRate: number | null;
  /** Count per FailureKind. */
  connectFailures: Record<string, number>;
  /** Count per FailureKind. */
  disconnectFailures: Record<string, number>;
  handshakeMs: LatencySummary | null;
  closeMs: LatencySummary | null;
  /** Whole measured cycle: connect + hold + close + pause. Compare with prescribed.cycleMs. */
  cycleMs: LatencySummary | null;
  durationMs: number;
  /** What each client said after connecting (the protocol's opening, the session's steps); absent when nothing. */
  session?: SessionResult;
}

type LoadCounts = Pick<LoadScenarioResult, 'attempts' | 'connected' | 'abruptDisconnects' | 'injectedResets'>;

/** Attempts the connect rate judges: all but those the gate's reset toxic cut mid-handshake. */
export function judgedAttempts(s: LoadCounts): number {
  return s.attempts - (s.injectedResets?.connect ?? 0);
}

/** Closes the clean-close rate judges: those tried with a close frame, but for those the reset toxic cut. */
export function judgedCloses(s: LoadCounts): number {
  // Reports from before abrupt closes existed lack the field.
  return s.connected - (s.abruptDisconnects ?? 0) - (s.injectedResets?.disconnect ?? 0);
}

/** Connections the gate's reset toxic ended, in all. */
export function injectedResets(s: Pick<LoadScenarioResult, 'injectedResets'>): number {
  return (s.injectedResets?.connect ?? 0) + (s.injectedResets?.disconnect ?? 0);
}

export interface RecoveryResult {
  id: 'recovery';
  enabled: boolean;
  connected: boolean;
  connectFailure?: FailureKind;
  handshakeMs: number | null;
  pingsSent: number;
  pongsReceived: number;
  pingRttMs: LatencySummary | null;
  messagesSent: number;
  /** Messages whose reply satisfied `expect` (for `none`: sent without error). */
  messagesAnswered: number;
  expect: string;
  heldMs: number;
  closedCleanly: boolean;
  /** One line per thing that went wrong, in order. Empty when recovery passed. */
  problems: string[];
  /** The protocol spoken (raw, socket.io, graphql-ws); absent in reports written before protocol adapters. */
  protocol?: string;
  /** The server's close when it closed the connection first: code, reason, and ms after the connection opened. */
  serverClose?: { code: number; reason: string; atMs: number } | null;
  /**
   * False when the messages were not judged: the user set no message and the server answered the gate's arbitrary
   * default text with a deliberate close (it is responsive, it just speaks another protocol). Absent or true: judged.
   */
  messagesJudged?: boolean;
  /** Remarks that do not fail recovery (why the messages were not judged, what to set to test a real exchange). */
  notes?: string[];
}

export interface MemorySample {
  /** Milliseconds since the run started. */
  tMs: number;
  phase: PhaseName;
  rssBytes: number;
  cpuPercent: number;
  processes: number;
}

/** Retained memory against connections made, over the leak scenario's rounds. */
export interface LeakTrend {
  points: Array<{ connections: number; rssBytes: number }>;
  /** Leading points left out of the fit as warm-up (the baseline reading, once there are four or more). */
  skipped: number;
  /** Least-squares slope in KB per connection; null with fewer than two points. */
  kbPerConnection: number | null;
  /** Standard error of the slope in KB per connection; null with fewer than three points. */
  standardErrorKb: number | null;
}

export interface MemoryResult {
  measured: boolean;
  /** Why memory was not measured (e.g. attach mode without a pid). */
  reason?: string;
  sampleIntervalMs: number;
  samples: MemorySample[];
  baselineBytes: number | null;
  peakBytes: number | null;
  retainedBytes: number | null;
  retainedGrowthBytes: number | null;
  peakGrowthBytes: number | null;
  /** retainedGrowthBytes relative to baselineBytes, in percent. */
  growthPercent: number | null;
  trend: LeakTrend | null;
  /** RSS the heap evidence's readings made the server allocate, left out of baseline, peak, retained and trend. */
  probeOverheadBytes?: number;
}

/** One reading of the exact leak signals; null where not measurable (not Linux, no stats-url). */
export interface SignalReading {
  fds: number | null;
  threads: number | null;
  processes: number | null;
  lingeringConnections: number | null;
  sessions: number | null;
}

export interface SignalsResult {
  /** Taken after the baseline window, before any load. */
  baseline: SignalReading | null;
  /** Taken at the end of the cooldown, after all load. */
  after: SignalReading | null;
  /** after - baseline per signal; lingeringConnections is the after value itself (should be 0). */
  growth: SignalReading;
  /** Why some signals are n/a (platform, stats-url errors), one line each. */
  notes: string[];
}

export interface ServerExit {
  code: number | null;
  signal: string | null;
  phase: PhaseName;
  atMs: number;
}

export interface ServerInfo {
  mode: 'launch' | 'attach';
  command: string | null;
  url: string;
  /** Root pid: the launched shell, or the attached server. */
  pid: number | null;
  /** How the pid was found in attach mode. */
  pidSource: 'launched' | 'server-pid' | 'port-owner' | null;
  readyAfterMs: number | null;
  /** The protocol spoken on top of WebSocket, and why (detected, or set by the protocol input). */
  protocol?: { id: 'raw' | 'socket.io' | 'graphql-ws'; why: string };
  /** Set when the server's root process exited while the gate ran. */
  exit: ServerExit | null;
  logPath: string | null;
  logTail: string[];
  /** Every pid seen in the server's process tree during the run, so a caller can prove none survived. */
  pidsSeen: number[];
  /** The tree as first sampled after readiness: pid and command line. */
  processes: Array<{ pid: number; command: string }>;
  /** Pids of the tree still alive after teardown (should be empty). */
  survivors: number[];
  /** Set when something still listened on the server's port after teardown (a server that left the tree). */
  leftListening?: string;
  /**
   * Set when the server command exited 0 before the first handshake and a process outside its process group then
   * listened on the port: a server the command detached, left running (named in the stop's message).
   */
  detached?: { address: string; pid: number | null; command: string };
  /** Set when the server outlived SIGTERM by shutdown-grace-s and was killed (SIGKILL): what it says of that. */
  killedAfterGrace?: string;
}

export type CheckLevel = 'error' | 'warn';
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'not-measured';

export interface Check {
  id: CheckId;
  title: string;
  /** The measured figure, formatted for people (e.g. "64 %", "12.3 MB"). "n/a" when not measured. */
  measured: string;
  /** The limit, formatted for people (e.g. "≥ 80 %"). */
  limit: string;
  /** The limit as data, for checks with a numeric one (reports before it was added lack it). */
  threshold?: Threshold | null;
  /** Raw measured number, for machines; null when not measured or not numeric. */
  value: number | null;
  level: CheckLevel;
  status: CheckStatus;
  /** Why it failed or was not measured, one sentence. */
  detail?: string;
}

export type Verdict = 'pass' | 'warn' | 'fail';

/** One headline metric of this run next to the base branch's. */
export interface ComparisonMetric {
  id: ComparedMetricId;
  title: string;
  /** '%' for rates (stored 0..1), 'ms', 'MiB', 'KB/conn', or 'count'. */
  unit: CheckUnit;
  base: number | null;
  current: number | null;
  /** current - base; null when either side was not measured. */
  change: number | null;
  /** change relative to base, in percent; null when base is 0 or missing. */
  changePercent: number | null;
  /** Worsening at or below this is noise. */
  floor: number;
  regressed: boolean;
}

export interface ComparisonResult {
  /** Where the base numbers came from, for people. */
  source: string;
  /** Why the reports were not compared (schema or settings differ); null when they were. */
  skipped: string | null;
  maxRegressionPercent: number;
  metrics: ComparisonMetric[];
}

export interface StopInfo {
  phase: PhaseName;
  reason: StopReason;
  message: string;
}

export type StopReason = 'crash' | 'timeout' | 'cancelled' | 'startup-failed' | 'error';

/** What came after a stop, in words: "3 checks not measured after the crash", "teardown after the cancel". */
export const AFTER_STOP: Record<StopReason, string> = {
  crash: 'after the crash',
  timeout: 'after the deadline',
  cancelled: 'after the cancel',
  'startup-failed': 'because the server did not start',
  error: 'after the error',
};

export interface PhaseSpan {
  name: PhaseName;
  startMs: number;
  endMs: number;
}

export interface Report {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  tool: { name: string; version: string };
  startedAt: string;
  durationMs: number;
  environment: {
    os: string;
    arch: string;
    node: string;
    runnerOs: string | null;
    commit: string | null;
    workflow: string | null;
    job: string | null;
    /** The pull request the run was for, when the action knew it (a later post-comment run reads it). */
    pullRequest?: number | null;
    /** The workflow run's page ($GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID), when run as an action. */
    runUrl?: string | null;
  };
  /** The effective configuration, secrets masked. */
  config: Record<string, string>;
  server: ServerInfo;
  phases: PhaseSpan[];
  /** Set when the run ended before all phases completed. */
  stopped: StopInfo | null;
  scenarios: {
    flapping: LoadScenarioResult;
    leak: LoadScenarioResult;
    recovery: RecoveryResult;
    /** Absent in reports from before the hostile scenario existed. */
    hostile?: HostileResult;
  };
  memory: MemoryResult;
  signals: SignalsResult;
  /** What the fault proxy injected and the fault scenarios measured; absent when none ran. */
  faults?: FaultsResult;
  /**
   * Leak evidence per source that found its runtime in the server tree (heap snapshots, Python census, JVM class
   * histogram) or was asked for (metrics). Schema 2: replaces schema 1's `heap`.
   */
  evidence: Evidence[];
  /** Which figure judged the memory trend: a runtime's heap covering every process that held connections, or RSS. */
  memoryJudge: MemoryJudge;
  /** Set when a base-branch report or a same-job base run was compared with this one. */
  comparison?: ComparisonResult | null;
  checks: Check[];
  verdict: Verdict;
}
