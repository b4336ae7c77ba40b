// The validated configuration's types and the error for bad input (which layers may read them: CONTRIBUTING.md).

import type { CheckId } from '../model/checks.js';
import type { ScenarioId } from '../model/report.js';
import type { NetworkSpec } from '../net/spec.js';
import type { Profile } from './profiles.js';
import type { ProtocolChoice } from '../model/protocol.js';
import type { SessionPlan } from '../model/session.js';

export { ConfigError } from '../model/config-error.js';
export { PROTOCOL_CHOICES, type ProtocolChoice } from '../model/protocol.js';

export const SCENARIO_IDS: readonly ScenarioId[] = ['flapping', 'leak', 'recovery', 'hostile', 'dead-peers', 'slow-consumer'];

export type Expect = { kind: 'none' } | { kind: 'any' } | { kind: 'echo' } | { kind: 'regex'; source: string; flags: string };

/** A limit; `null` value means off. `explicit` when the user set a value other than the default. */
export interface Limit {
  value: number | null;
  explicit: boolean;
}

export interface Config {
  server: {
    /** null: attach to a running server. */
    command: string | null;
    workingDirectory: string;
    env: Record<string, string>;
    pid: number | null;
    logPath: string | null;
    startupTimeoutMs: number;
    shutdownGraceMs: number;
  };
  client: {
    url: string;
    headers: Record<string, string>;
    subprotocols: string[];
    connectTimeoutMs: number;
    closeTimeoutMs: number;
    /** PEM text of the CA certificates from ca-file, trusted besides Node's own; null when not given. */
    ca: string | null;
    /** insecure-tls: accept any server certificate. */
    insecureTls: boolean;
    /** The protocol spoken on top of WebSocket: detected from what the server does, or chosen. */
    protocol: ProtocolChoice;
    /** What each load client says after the protocol's opening (session or session-file); null: nothing. */
    session: SessionPlan | null;
  };
  profile: Profile;
  scenarios: ScenarioId[];
  warmupConnections: number;
  flapping: { cycles: number; holdMs: number; pauseMs: number };
  leak: { clients: number; cycles: number; rounds: number; abruptRatio: number };
  /** Where the server reports its sessions; null when not given. */
  stats: { url: string | null; field: string };
  /** A Prometheus page read at each boundary (a URL, or a path on the server's host and port); null when not given. */
  metrics: { url: string | null; ignore: string[] };
  cooldownMs: number;
  sampleIntervalMs: number;
  /** `messageIsDefault`: the user set neither message nor expect, so the protocol's own probe is judged. */
  recovery: { pings: number; messages: number; holdMs: number; message: string; expect: Expect; messageIsDefault: boolean };
  /** Heap evidence (Node snapshots, Python census, JVM class histogram); `maxRetainedPerConnection` is in limits. */
  heap: { enabled: boolean; ignore: string[]; keepDir: string | null; timeoutMs: number; maxRssBytes: number };
  /** Network faults on the load traffic, and the dead-peers and slow-consumer scenarios' sizes. */
  faults: {
    network: NetworkSpec;
    deadPeers: { clients: number; timeoutMs: number };
    slowConsumer: { durationMs: number; maxBytes: number; messageBytes: number; subscribeMessage: string | null };
  };
  /** The hostile scenario: the oversized message's size, the ping flood, and whether RFC mismatches fail. */
  hostile: { maxBytes: number; pings: number; strict: boolean };
  limits: {
    minConnectSuccessRate: Limit;
    minDisconnectSuccessRate: Limit;
    minSessionSuccessRate: Limit;
    maxMemoryGrowthMb: Limit;
    maxPeakMemoryGrowthMb: Limit;
    maxLeakKbPerConnection: Limit;
    maxFdGrowth: Limit;
    maxLingeringConnections: Limit;
    maxThreadGrowth: Limit;
    maxProcessGrowth: Limit;
    maxSessionGrowth: Limit;
    maxHostileMemoryGrowthMb: Limit;
    maxRetainedPerConnection: Limit;
    maxSlowConsumerGrowthMb: Limit;
  };
  warnOnly: CheckId[];
  /** Comparison with the base branch: a report from an earlier run, or a base server run in this job. */
  baseCompare: {
    reportPath: string | null;
    serverCommand: string | null;
    rounds: number;
    maxRegressionPercent: number;
    level: 'error' | 'warn';
  };
  timeoutMs: number;
  reportPath: string | null;
  /** Where the Artillery script reproducing the run's load is written; null: none. */
  exportArtillery: string | null;
}

export type RunMode = 'gate' | 'post-comment';
export type CommentMode = 'always' | 'on-failure' | 'never';
export const RUN_MODES: readonly RunMode[] = ['gate', 'post-comment'];
export const COMMENT_MODES: readonly CommentMode[] = ['always', 'on-failure', 'never'];
/** Longest `comment-key`: it is repeated in every comment's hidden marker. */
export const COMMENT_KEY_MAX = 100;

/** How the action posts its PR comment. */
export interface CommentConfig {
  mode: CommentMode;
  /** null: the workflow name and job id of the run that wrote the report. */
  key: string | null;
  /** Only a comment by this login is ever updated. */
  author: string;
  /** '' when no token is available. */
  token: string;
  /** null: taken from the event (or, in post-comment mode, from the workflow run or the report). */
  prNumber: number | null;
}

/** What the action does: run the gate (and comment), or only post the comment for an earlier run's report. */
export type ActionConfig =
  { mode: 'gate'; gate: Config; comment: CommentConfig } | { mode: 'post-comment'; reportPath: string; comment: CommentConfig };
