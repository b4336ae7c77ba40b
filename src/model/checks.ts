// The registry of checks: one entry per check, from which the ids, the regression ids and the docs table come.
//
// To add a check:
//   1. an entry in CHECKS below, in the order reports list it (id, title, the input that sets its limit, the
//      limit's unit and operator, or `requires` for a fixed one, and what it reads for the docs);
//   2. its limit input in src/config/inputs.ts and its field in Config.limits (src/config/types.ts, parse.ts);
//   3. one function in src/analysis/checks-<family>.ts that returns a Draft built on head(id, limit), pushed by
//      runChecks (src/analysis/checks.ts); the level, the status and the verdict follow from there;
//   4. npm run docs:tables and npm run action:inputs.

/** How a measured value is held against its limit. */
export type Operator = '<=' | '>=';

/** The unit a check's value and limit are in: rates are 0..1 shown as percent; memory in MiB (1024²). */
export type CheckUnit = '%' | 'MiB' | 'KiB/conn' | 'count' | 'ms';

/** A check's limit as data: renderers format it, nobody parses it back from text. */
export interface Threshold {
  op: Operator;
  value: number;
  unit: CheckUnit;
}

export interface CheckDefinition {
  id: string;
  title: string;
  /** The input that sets (or turns off) the limit; null for a check whose limit is fixed. */
  input: string | null;
  unit: CheckUnit | null;
  op: Operator | null;
  /** The limit as it reads for a check without a numeric one ("all phases"); null when a run states it. */
  requires: string | null;
  /** What the check measures and when it fails, for the docs. */
  reads: string;
}

export const CHECKS = [
  {
    id: 'server-ready',
    title: 'server ready',
    input: null,
    unit: null,
    op: null,
    requires: 'handshake',
    reads: 'A WebSocket handshake succeeds within startup-timeout-s.',
  },
  {
    id: 'connect-success-rate',
    title: 'connect success rate',
    input: 'min-connect-success-rate',
    unit: '%',
    op: '>=',
    requires: null,
    reads: 'Share of connection attempts (flapping and leak) that opened within connect-timeout-ms.',
  },
  {
    id: 'disconnect-success-rate',
    title: 'clean disconnect rate',
    input: 'min-disconnect-success-rate',
    unit: '%',
    op: '>=',
    requires: null,
    reads: 'Share of clean closes whose close frame came back within close-timeout-ms (connections cut on purpose are not judged).',
  },
  {
    id: 'session-success-rate',
    title: 'session success rate',
    input: 'min-session-success-rate',
    unit: '%',
    op: '>=',
    requires: null,
    reads:
      "Share of load connections whose session completed: the protocol's opening (Socket.IO namespace connect, graphql-ws " +
      'connection_init) and every step of session or session-file, each reply within close-timeout-ms. Only when a session ran.',
  },
  {
    id: 'memory-growth',
    title: 'retained memory growth',
    input: 'max-memory-growth-mb',
    unit: 'MiB',
    op: '<=',
    requires: null,
    reads: "The server tree's RSS after cooldown minus its idle baseline.",
  },
  {
    id: 'peak-memory-growth',
    title: 'peak memory growth',
    input: 'max-peak-memory-growth-mb',
    unit: 'MiB',
    op: '<=',
    requires: null,
    reads: "The server tree's highest RSS during load minus its idle baseline.",
  },
  {
    id: 'leak-per-connection',
    title: 'memory trend',
    input: 'max-leak-kb-per-connection',
    unit: 'KiB/conn',
    op: '<=',
    requires: null,
    reads: 'Least-squares slope of retained memory against connections made, over the leak rounds.',
  },
  {
    id: 'retained-objects',
    title: 'retained objects',
    input: 'max-retained-per-connection',
    unit: 'count',
    op: '<=',
    requires: null,
    reads:
      'Heap evidence (Node heap snapshots, Python census, JVM class histogram, after a full GC) and metrics-url gauges: the most ' +
      'instances of one class (or units of one gauge) retained per connection made, steadily across rounds and 20 or more in all.',
  },
  {
    id: 'fd-growth',
    title: 'open fd growth',
    input: 'max-fd-growth',
    unit: 'count',
    op: '<=',
    requires: null,
    reads: 'Open file descriptors of the server tree after cooldown minus at baseline (Linux).',
  },
  {
    id: 'lingering-connections',
    title: 'lingering connections',
    input: 'max-lingering-connections',
    unit: 'count',
    op: '<=',
    requires: null,
    reads: "TCP connections on the server's port still ESTABLISHED or CLOSE_WAIT after cooldown (Linux).",
  },
  {
    id: 'thread-growth',
    title: 'thread growth',
    input: 'max-thread-growth',
    unit: 'count',
    op: '<=',
    requires: null,
    reads: 'Threads of the server tree after cooldown minus at baseline (Linux).',
  },
  {
    id: 'process-growth',
    title: 'process growth',
    input: 'max-process-growth',
    unit: 'count',
    op: '<=',
    requires: null,
    reads: 'Processes in the server tree after cooldown minus at baseline.',
  },
  {
    id: 'session-growth',
    title: 'session growth',
    input: 'max-session-growth',
    unit: 'count',
    op: '<=',
    requires: null,
    reads: 'Sessions the server reports at stats-url after cooldown minus at baseline (only with stats-url).',
  },
  {
    id: 'recovery',
    title: 'recovery',
    input: null,
    unit: null,
    op: null,
    requires: 'all answered',
    reads: 'After the load, one connection answers every ping and test message, and closes cleanly.',
  },
  {
    id: 'hostile-survived',
    title: 'survived hostile input',
    input: 'max-hostile-memory-growth-mb',
    unit: null,
    op: null,
    requires: null,
    reads:
      'hostile scenario: the server stays up, keeps accepting handshakes and serving a normal session after each case (the first ' +
      "case after which one fails is named), leaves no session, fd or connection behind (the signal checks' limits), passes " +
      'recovery afterwards and grows its memory by at most the limit; answers that differ from RFC 6455 warn (fail with hostile-strict).',
  },
  {
    id: 'dead-peer-reaping',
    title: 'dead peers reaped',
    input: 'dead-peer-timeout-s',
    unit: null,
    op: null,
    requires: null,
    reads:
      'dead-peers scenario: every client that went silent (no FIN, no RST) is given up by the server, with a close frame or a TCP ' +
      'close, within dead-peer-timeout-s.',
  },
  {
    id: 'slow-consumer-memory',
    title: 'memory with a slow consumer',
    input: 'max-slow-consumer-growth-mb',
    unit: 'MiB',
    op: '<=',
    requires: null,
    reads: "slow-consumer scenario: the server tree's peak RSS while one client does not read, minus its RSS before.",
  },
  {
    id: 'server-crash',
    title: 'server stayed up',
    input: null,
    unit: null,
    op: null,
    requires: 'no exit',
    reads: "The server tree's root did not exit during the run.",
  },
  {
    id: 'run-completed',
    title: 'run completed',
    input: null,
    unit: null,
    op: null,
    requires: 'all phases',
    reads: 'Every phase ran: no crash, timeout-s deadline or cancel cut the run short.',
  },
] as const satisfies readonly CheckDefinition[];

/** The headline metrics compared with the base branch; each adds a check `regression-<id>`. */
export const COMPARED_METRICS = [
  { id: 'connect-success-rate', title: 'connect success rate', unit: '%', worse: 'down', floor: 0.05 },
  { id: 'disconnect-success-rate', title: 'clean disconnect rate', unit: '%', worse: 'down', floor: 0.05 },
  { id: 'handshake-p95', title: 'handshake p95', unit: 'ms', worse: 'up', floor: 50 },
  { id: 'memory-growth', title: 'retained memory growth', unit: 'MiB', worse: 'up', floor: 5 },
  { id: 'leak-per-connection', title: 'memory trend', unit: 'KiB/conn', worse: 'up', floor: 30 },
  { id: 'fd-growth', title: 'open fd growth', unit: 'count', worse: 'up', floor: 4 },
  { id: 'lingering-connections', title: 'lingering connections', unit: 'count', worse: 'up', floor: 0 },
] as const satisfies ReadonlyArray<{ id: string; title: string; unit: CheckUnit; worse: 'up' | 'down'; floor: number }>;

export type ComparedMetricId = (typeof COMPARED_METRICS)[number]['id'];
export type RegressionCheckId = `regression-${ComparedMetricId}`;
export type RegisteredCheckId = (typeof CHECKS)[number]['id'];
export type CheckId = RegisteredCheckId | RegressionCheckId;

/** Every check id the gate can report: `warn-only` accepts exactly these. */
export const CHECK_IDS: readonly CheckId[] = [...CHECKS.map((c) => c.id), ...COMPARED_METRICS.map((m) => `regression-${m.id}` as const)];

/** The definition of a check (not of a regression check). */
export function checkDefinition(id: RegisteredCheckId): (typeof CHECKS)[number] {
  return CHECKS.find((c) => c.id === id)!;
}
