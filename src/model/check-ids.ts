// The ids of every check the gate can run: `warn-only` names them, reports carry them.

export const CHECK_IDS = [
  'server-ready',
  'connect-success-rate',
  'disconnect-success-rate',
  'memory-growth',
  'peak-memory-growth',
  'leak-per-connection',
  'fd-growth',
  'lingering-connections',
  'thread-growth',
  'process-growth',
  'session-growth',
  'recovery',
  'server-crash',
  'run-completed',
  // Against the base branch (baseline-report or baseline-server-command):
  'regression-connect-success-rate',
  'regression-disconnect-success-rate',
  'regression-handshake-p95',
  'regression-memory-growth',
  'regression-leak-per-connection',
  'regression-fd-growth',
  'regression-lingering-connections',
] as const;

export type CheckId = (typeof CHECK_IDS)[number];
