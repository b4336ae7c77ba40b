// A session plan: the flow steps each load client runs after connecting, parsed and checked before anything starts.
// Here, below both, so the client runs what the configuration parsed without reading the configuration's types.

/** A JSON value as a step sends or expects it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * What a reply must be. `json`: the field at `path` (JSONPath `$.a.b[0]`, read as keys) equals `value`, or exists
 * when `value` is absent. `regexp`: the text matches, and the match (or its `group`) equals `value` when given.
 */
export type ReplyMatch =
  | { kind: 'json'; expr: string; path: Array<string | number>; value?: JsonValue }
  | { kind: 'regexp'; source: string; flags: string; group?: number | string; value?: string };

/** Steps of Artillery's `ws` engine (send, wait, think, loop) and of its `socketio` engine (emit, think, loop). */
export type SessionStep =
  | { kind: 'send'; label: string; text: string; match: ReplyMatch[] }
  | { kind: 'wait'; label: string; match: ReplyMatch[] }
  | { kind: 'think'; label: string; ms: number }
  | { kind: 'loop'; label: string; count: number; steps: SessionStep[] }
  | {
      kind: 'emit';
      label: string;
      /** '' for the default namespace, else `/name`. */
      namespace: string;
      event: string;
      args: JsonValue[];
      /** Wait for the server's acknowledgement (an ack id is sent); `data` compares its first argument. */
      acknowledge: { data?: JsonValue; match: ReplyMatch[] } | null;
      /** Wait for an event `channel` from the server; `data` compares its first argument. */
      response: { channel: string; data?: JsonValue; match: ReplyMatch[] } | null;
    };

/** The Artillery engine a flow was written for: `ws` (raw messages) or `socketio` (events). */
export type SessionEngine = 'ws' | 'socketio';

export interface SessionPlan {
  /** Where the steps came from, for messages: `session`, or `session-file chat.yml#join`. */
  source: string;
  engine: SessionEngine;
  /** The scenario's name in the Artillery script, when it had one. */
  name: string | null;
  steps: SessionStep[];
  /** Think time one session prescribes, loops multiplied out (what the run's wall time adds per session). */
  thinkMs: number;
}

/** Whether a plan has a step that only Socket.IO can run. */
export function needsSocketIo(steps: readonly SessionStep[]): boolean {
  return steps.some((s) => s.kind === 'emit' || (s.kind === 'loop' && needsSocketIo(s.steps)));
}

/** "2 steps", "1 step": the flow as the scenario tables count it (top-level steps; a loop is one). */
export function stepsText(plan: Pick<SessionPlan, 'steps'> | null): string {
  const n = plan?.steps.length ?? 0;
  return `${n} step${n === 1 ? '' : 's'}`;
}

/** How a session step failed: no reply, only replies that did not match, the server closed, a refusal, a failed write. */
export type SessionFailureKind = 'no-reply' | 'mismatch' | 'closed' | 'refused' | 'not-sent' | 'unsupported';

/** A step that failed, how, how often, and the words of its first failure. */
export interface SessionFailure {
  step: string;
  kind: SessionFailureKind;
  example: string;
  count: number;
}

/** What the load clients' sessions did in one scenario. */
export interface SessionResult {
  /** What each client said: "socket.io connect + 2 steps". */
  describe: string;
  /** Connections on which a session ran to its end or its failure (an interrupted one is not counted). */
  started: number;
  completed: number;
  /** Most frequent first; at most SESSION_FAILURES_KEPT entries. */
  failures: SessionFailure[];
  /** Think time one session prescribes, in ms (part of the prescribed cycle). */
  thinkMs: number;
}

/** Distinct step failures a scenario keeps (the rest are counted in the last one's step). */
export const SESSION_FAILURES_KEPT = 10;

/** A run's load as its settings say it: what the Artillery export reproduces (config's loadShapeOf builds it). */
export interface LoadShape {
  /** Null when the scenario was not selected. */
  flapping: { cycles: number } | null;
  leak: { clients: number; cycles: number; abruptRatio: number } | null;
  holdMs: number;
  pauseMs: number;
  closeTimeoutMs: number;
  subprotocols: string[];
  /** The handshake headers' names (their values are secrets). */
  headerNames: string[];
  /** The protocol input as given: `auto` when detection decides. */
  protocolChoice: string;
  session: SessionPlan | null;
}
