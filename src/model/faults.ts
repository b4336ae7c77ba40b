// The Faults section of the Report: what the fault proxy injected, and what the dead-peer and slow-consumer
// scenarios measured. Plain JSON; imports nothing but the Report's own shared types.

import type { FailureKind, LatencySummary } from './measures.js';

/** One toxic as it was applied: parameters in ms, bytes, bytes/s or 0..1, as their names say. */
export interface InjectedToxic {
  toxic: string;
  direction: 'upstream' | 'downstream';
  params: Record<string, number>;
}

/** What the proxy did to the traffic of the scenarios that ran through it. */
export interface NetworkFaults {
  /** The `network` input as given; '' for none. */
  spec: string;
  toxics: InjectedToxic[];
  /** Connections the proxy relayed, and how many of them a reset toxic ended with an RST. */
  connections: number;
  resets: number;
}

export interface DeadPeerClient {
  /** 1-based, in connect order. */
  client: number;
  /** From going silent to the server giving up on it (close frame or TCP close, whichever came first); null: not within the timeout. */
  reapedAfterMs: number | null;
  /** The same, seen while the scenario watched on past the timeout; null: not within the watch either. */
  gaveUpAfterMs?: number | null;
  /** From going silent to the server's close frame (seen in the bytes the proxy swallowed); null when none came. */
  closeFrameAfterMs: number | null;
  /** From going silent to the server's FIN or RST; null when its socket was still open at the end of the wait. */
  tcpClosedAfterMs: number | null;
}

export interface DeadPeersResult {
  id: 'dead-peers';
  enabled: boolean;
  /** Clients asked for. */
  clients: number;
  /** Clients that completed the handshake (and the opening exchange, if any) before going silent. */
  silenced: number;
  /** Count per FailureKind, and `greeting` for an opening exchange that failed. */
  connectFailures: Record<string, number>;
  /** Silent clients whose server side closed within the timeout. */
  reaped: number;
  /** Silent clients the server gave up on after the timeout, while the scenario watched on (a heartbeat slower than the limit). */
  reapedLate?: number;
  /** Silent clients the server still held open when the scenario stopped watching (no heartbeat, or one slower than the watch). */
  stillOpen: number;
  timeoutMs: number;
  /** How long after going silent the scenario watched the last client: the timeout, and a bounded overtime when one was still open. */
  watchedMs?: number;
  perClient: DeadPeerClient[];
  /** Over the reaped clients only. */
  reapMs: LatencySummary | null;
  /** Over the clients reaped late only. */
  lateMs?: LatencySummary | null;
  /**
   * Linux: the server's ESTABLISHED / CLOSE_WAIT sockets on its port at the end of the wait, less those before the
   * clients connected (from the integrator's /proc reading); null when not given or not measurable. A server that
   * sent a close frame still holds its socket until its closing handshake times out (ws: 30 s), so this may
   * exceed stillOpen.
   */
  serverSideOpen: number | null;
  /** Set when the run's signal ended the wait early. */
  stoppedEarly: boolean;
  durationMs: number;
}

export interface SlowConsumerResult {
  id: 'slow-consumer';
  enabled: boolean;
  /** echo: the client sends, the server answers each; subscribe: one subscribe-message, then the server pushes. */
  mode: 'echo' | 'subscribe';
  connected: boolean;
  connectFailure?: FailureKind;
  messagesSent: number;
  bytesSent: number;
  /** Bytes the server wrote towards the client that the proxy took in: while paused, then while draining after. */
  serverBytesWhilePaused: number;
  serverBytesAfter: number;
  /** Server tree RSS before the phase, at its peak during it, and peak - before; null when no reading. */
  memoryBeforeBytes: number | null;
  memoryPeakBytes: number | null;
  memoryGrowthBytes: number | null;
  /** The server closed (FIN or RST) the slow client during the phase or the drain after it. */
  serverClosed: boolean;
  /** The server stopped reading the client (its sends backed up for a second or more): it applied backpressure. */
  serverPausedReading: boolean;
  /** What ended the phase. */
  endedBy: 'duration' | 'bytes' | 'server-closed' | 'aborted' | 'connect-failed';
  durationMs: number;
}

/** The whole Faults section; a part is null when its scenario did not run. */
export interface FaultsResult {
  network: NetworkFaults | null;
  deadPeers: DeadPeersResult | null;
  slowConsumer: SlowConsumerResult | null;
}
