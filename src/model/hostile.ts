// The hostile scenario's part of the Report: what the server did with each malformed frame or flood, as plain JSON.

/** The cases, in the order they run. */
export const HOSTILE_CASE_IDS = [
  'invalid-utf8',
  'reserved-bits',
  'unknown-opcode',
  'unmasked-frame',
  'fragmented-control',
  'oversized-control',
  'orphan-continuation',
  'invalid-close-code',
  'binary-message',
  'oversized-message',
  'huge-length-claim',
  'ping-flood',
  'slow-handshake',
  'garbage-handshake',
] as const;

/** One case of HOSTILE_CASE_IDS. */
export type HostileCaseId = (typeof HOSTILE_CASE_IDS)[number];

/**
 * What the server did within the case's bound:
 * - `closed`: it sent a close frame (code, reason);
 * - `dropped`: it ended the TCP connection without a close frame;
 * - `kept-open`: neither (for a flood or a big message: it took it all and stayed open);
 * - `refused`: it refused the opening handshake (an HTTP status other than 101, or no TCP connection);
 * - `crashed`: the server process exited during the case;
 * - `not-run`: the run was stopped before the case.
 */
export type HostileOutcome = 'closed' | 'dropped' | 'kept-open' | 'refused' | 'crashed' | 'not-run';

/** One hostile case: what was sent, what the server did, and whether RFC 6455 asks for that. */
export interface HostileCaseResult {
  id: HostileCaseId;
  title: string;
  /** What RFC 6455 (or common sense, for handshakes) asks for, for people: "close 1007". */
  expected: string;
  outcome: HostileOutcome;
  /** Close code and reason when outcome is `closed` (1005 when the close frame had no code). */
  code?: number;
  reason?: string;
  /** For `refused`: the HTTP status the server answered, when it answered one. */
  httpStatus?: number;
  /** Bytes of the hostile payload written before the server reacted (oversized message). */
  bytesSent?: number;
  /** ping-flood: pings sent and pongs received. */
  pings?: number;
  pongs?: number;
  matchesRfc: boolean;
  /** From the first hostile byte to the server's reaction (or to the bound). */
  ms: number;
  /** Server tree memory after the case minus before it, when memory could be read. */
  memoryGrowthBytes?: number;
  /** A normal handshake succeeded right after the case. */
  acceptingAfter: boolean;
  /** One sentence on anything unusual (why it did not run, what the server sent instead). */
  detail?: string;
}

/** The exact signals that say a connection's state was left behind (model/report.ts's SignalReading, threads aside). */
export interface LeftBehindReading {
  fds: number | null;
  lingeringConnections: number | null;
  processes: number | null;
  /** From stats-url; null without one. */
  sessions: number | null;
}

/** The hostile scenario in the Report. */
export interface HostileResult {
  id: 'hostile';
  /** False when the scenario was not selected (`scenarios` input). */
  enabled: boolean;
  cases: HostileCaseResult[];
  /** The server process was alive after every case (true when it could not be watched: attach without a pid). */
  serverSurvived: boolean;
  /** The case during which the server exited, if it did. */
  crashedDuring?: HostileCaseId;
  /** A normal handshake succeeded after the last case. */
  stillAccepting: boolean;
  /** The case after which handshakes stopped succeeding, if any did. */
  stoppedAcceptingAfter?: HostileCaseId;
  /** Tree memory before the first case, its highest reading and after the last case; null fields when unreadable. */
  memory: { beforeBytes: number | null; peakBytes: number | null; afterBytes: number | null };
  /** peak - before, when both were read. */
  memoryGrowthBytes: number | null;
  /** Handshakes made while the slow and the garbage handshakes were held open: succeeded / tried. */
  servedOthersDuringStalls: { tried: number; succeeded: number };
  /**
   * The first case after which a normal session (recovery's exchange, held briefly) failed while the server still
   * accepted handshakes: the case that broke its handling. Sessions are not tried after it.
   */
  brokenAfter?: { case: HostileCaseId; problem: string };
  /** The exact signals before the first case and after the last (once settled): what the cases left behind. */
  signals?: { before: LeftBehindReading; after: LeftBehindReading };
  durationMs: number;
  notes: string[];
}

/** What the server did, in a few words for tables: `close 1007 "invalid UTF-8"`, `dropped`, `kept open (pongs 1000/1000)`. */
export function outcomeText(c: HostileCaseResult): string {
  switch (c.outcome) {
    case 'closed': {
      const reason = c.reason ? ` ${JSON.stringify(c.reason.length > 40 ? `${c.reason.slice(0, 39)}…` : c.reason)}` : '';
      return `close ${c.code ?? 1005}${reason}`;
    }
    case 'dropped':
      return c.pings !== undefined ? `dropped (pongs ${c.pongs ?? 0}/${c.pings})` : 'dropped';
    case 'kept-open':
      if (c.pings !== undefined) return `kept open (pongs ${c.pongs ?? 0}/${c.pings})`;
      if (c.bytesSent !== undefined) return `kept open (took ${c.bytesSent} bytes)`;
      return 'kept open';
    case 'refused':
      return c.httpStatus !== undefined ? `HTTP ${c.httpStatus}` : 'refused';
    default:
      return c.outcome;
  }
}
