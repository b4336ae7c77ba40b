// The one shape every hostile case has: its name, what RFC 6455 asks, how its bytes go out, and how the server's
// reaction is judged. Adding a case is one entry in a file of this folder plus one registry line (index.ts).

import type { Target } from '../../client/connection.js';
import type { RawSocket } from '../../client/raw-socket.js';
import type { HostileCaseId, HostileCaseResult, HostileOutcome } from '../../model/hostile.js';

/** The scenario's own settings (from the hostile-* inputs). */
export interface HostileSpec {
  /** `hostile-max-bytes`: the size of the oversized message, sent for real until the server reacts. */
  maxBytes: number;
  /** `hostile-pings`: pings in the flood, written at once. */
  pings: number;
  /** The cases to run, in HOSTILE_CASE_IDS order; default all. */
  cases?: readonly HostileCaseId[];
}

/** What a case observed, as far as the RFC judgement needs it. */
export interface CaseObservation {
  outcome: HostileOutcome;
  code?: number;
  httpStatus?: number;
  /** ping-flood: a pong carried the last ping's payload. */
  lastPongAnswered?: boolean;
  /** slow-handshake: every normal handshake tried meanwhile succeeded. */
  servedOthers?: boolean;
}

/** What a case saw on its connection: the observation, the fields it adds to its result, and how long it took. */
export type Observed = CaseObservation & Omit<Partial<HostileCaseResult>, 'outcome'> & { ms: number };

/** How a case is named and judged. */
interface CaseSpec {
  id: HostileCaseId;
  /** For people: what was sent. */
  title: string;
  /** For people: what the server should do, with the RFC 6455 section that asks for it. */
  expected: string;
  /** Whether the server did what RFC 6455 asks (a crash never does; the runner judges that apart). */
  matchesRfc(o: CaseObservation): boolean;
}

/** What a frame case may use on its open connection. */
export interface FrameContext {
  spec: HostileSpec;
  /** How long to wait for the server's reaction (close-timeout-ms). */
  timeoutMs: number;
  signal: AbortSignal;
}

/** A case run alone on an open WebSocket connection: it writes its bytes and reports what the server did. */
export interface FrameCase extends CaseSpec {
  kind: 'frame';
  run(raw: RawSocket, context: FrameContext): Promise<Observed>;
}

/**
 * A case that never completes its handshake; the stalled cases run together, held for close-timeout-ms while
 * normal handshakes must still succeed. `begin` starts writing on the bare TCP connection and returns its stop.
 */
export interface StallCase extends CaseSpec {
  kind: 'stall';
  begin(raw: RawSocket, target: Target): () => void;
}

export type HostileCase = FrameCase | StallCase;

/** `closed` with exactly `code`. */
export function closedWith(o: CaseObservation, code: number): boolean {
  return o.outcome === 'closed' && o.code === code;
}

/** Closed with any code, or the TCP connection dropped. */
export function closedOrDropped(o: CaseObservation): boolean {
  return o.outcome === 'closed' || o.outcome === 'dropped';
}
