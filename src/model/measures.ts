// The small measured shapes every part of the Report shares: failure kinds and latency summaries.

/**
 * Why a connection attempt or its close did not succeed: `http-<status>` for an unexpected HTTP response,
 * `server-close-<code>` when the server closed first, `close-<code>` for an unclean close code.
 */
export type FailureKind =
  | 'refused'
  | 'reset'
  | 'timeout'
  | 'tls'
  | 'error'
  | 'aborted'
  | 'dropped'
  | 'close-timeout'
  | 'no-close-frame'
  | `http-${number}`
  | `server-close-${number}`
  | `close-${number}`;

export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}
