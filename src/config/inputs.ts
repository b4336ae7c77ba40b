// The one list of inputs: names, defaults and descriptions. action.yml repeats it (a test keeps them in sync).

import { profileDefaultText } from './profiles.js';

export interface InputDefinition {
  name: string;
  default: string;
  description: string;
  /** Kept out of logs and reports. */
  secret?: boolean;
  /** KEY=VALUE lines whose values are kept out of reports (`KEY=***`): the names say what was set. */
  secretValues?: boolean;
  /** Only the GitHub Action reads it (the PR comment and its modes); the CLI offers no flag for it. */
  actionOnly?: boolean;
}

export const INPUTS = [
  // Server
  {
    name: 'server-command',
    default: '',
    description:
      'Shell command that starts the server, run with PORT set (port 0 in `url`): a server that takes an address flag gets it ' +
      'there, e.g. `./chat -addr=127.0.0.1:$PORT`. Leave empty to attach to a server that is already running at `url`.',
  },
  { name: 'working-directory', default: '.', description: 'Directory the server command runs in.' },
  {
    name: 'server-env',
    default: '',
    description: 'Extra environment for the server, one KEY=VALUE per line. Reports and the comment show the names only (KEY=***).',
    secretValues: true,
  },
  {
    name: 'server-pid',
    default: '',
    description:
      'Attach mode only: pid of the running server, for memory sampling. When empty, the owner of the listening port is found (/proc on ' +
      'Linux, lsof on macOS, Get-NetTCPConnection on Windows).',
  },
  {
    name: 'server-log',
    default: '',
    description:
      "File that receives the server's stdout and stderr. Empty: a file in the runner's temp directory, removed unless the run " +
      'fails, and named in the report when it does.',
  },
  {
    name: 'url',
    default: '',
    description:
      'WebSocket URL of the server (ws:// or wss://). Required in gate mode. In launch mode, port 0 picks a free port and passes it to ' +
      'the server as PORT; a fixed port is not passed (set PORT in server-env if the server reads it).',
  },
  { name: 'startup-timeout-s', default: '30', description: 'Seconds to wait for the first successful WebSocket handshake.' },
  { name: 'shutdown-grace-s', default: '5', description: 'Seconds between SIGTERM and SIGKILL when the server tree is torn down.' },
  // Client
  {
    name: 'headers',
    default: '',
    description: 'Extra handshake headers, one `Name: value` per line. Values are masked as secrets.',
    secret: true,
  },
  { name: 'subprotocols', default: '', description: 'Comma-separated WebSocket subprotocols to offer.' },
  {
    name: 'protocol',
    default: 'auto',
    description:
      'The protocol spoken on top of WebSocket: auto (detected from what the server does: an Engine.IO open packet, a subprotocol it ' +
      'asks for), raw, socket.io or graphql-ws. Recovery proves liveness through it.',
  },
  {
    name: 'session',
    default: '',
    description: "What each load client says after the protocol's opening: a YAML list of Artillery flow steps (docs/sessions.md).",
  },
  {
    name: 'session-file',
    default: '',
    description: 'An Artillery script whose first ws or socketio scenario is the session (or the one named after #: chat.yml#join).',
  },
  { name: 'connect-timeout-ms', default: '5000', description: 'A connection attempt fails when the handshake takes longer.' },
  { name: 'close-timeout-ms', default: '2000', description: "A disconnect is unclean when the server's close frame takes longer." },
  {
    name: 'ca-file',
    default: '',
    description:
      "PEM file of CA certificates to trust for a wss:// server, in addition to Node's bundled ones (a self-signed or private CA).",
  },
  {
    name: 'insecure-tls',
    default: 'false',
    description: 'true: accept any TLS certificate of a wss:// server, unverified. Only for a loopback test server; prefer ca-file.',
  },
  // Scenarios
  {
    name: 'scenarios',
    default: '',
    description:
      'Scenarios to run, comma-separated: flapping, leak, recovery, hostile (malformed frames, a binary and an oversized message, ' +
      'a ping flood, stalled handshakes), dead-peers (clients that go silent), slow-consumer (a client that stops reading).',
  },
  { name: 'warmup-connections', default: '', description: 'Connections made before the memory baseline is taken.' },
  { name: 'flap-cycles', default: '', description: 'Flapping: connect/hold/close/pause cycles.' },
  { name: 'flap-hold-ms', default: '', description: 'Milliseconds each connection is held open (flapping and leak).' },
  { name: 'flap-pause-ms', default: '', description: 'Milliseconds between a close and the next connect (flapping and leak).' },
  { name: 'leak-clients', default: '', description: 'Leak prevention: concurrent clients.' },
  { name: 'leak-cycles', default: '', description: 'Leak prevention: cycles per client.' },
  {
    name: 'profile',
    default: 'default',
    description:
      'Scenario sizes: quick, default (the reference: 20 flapping cycles, 3 clients x 15 cycles), or soak (thousands of connections, to ' +
      'catch small leaks). Inputs you set yourself win.',
  },
  {
    name: 'abrupt-ratio',
    default: '0.5',
    description: 'Leak prevention: share of cycles (0..1) that end with terminate(), like a vanished client, instead of a close handshake.',
  },
  {
    name: 'leak-rounds',
    default: '',
    description: 'Leak prevention: rounds the cycles are split into; memory is read after each to fit the leak per connection.',
  },
  {
    name: 'stats-url',
    default: '',
    description:
      'Optional HTTP URL where the server reports its sessions as JSON, read at baseline and after cooldown. Port 0: the port of `url`.',
  },
  { name: 'stats-field', default: 'sessions', description: 'Field (dotted path) of the stats-url JSON that holds the session count.' },
  {
    name: 'metrics-url',
    default: '',
    description:
      "Prometheus page (a URL, or a path like /metrics on the server's port) read at each idle boundary; its counting gauges are judged.",
  },
  { name: 'metrics-ignore', default: '', description: 'Comma-separated metrics-url names or series never judged.' },
  { name: 'cooldown-ms', default: '', description: 'Idle time after the load before retained memory is measured.' },
  { name: 'sample-interval-ms', default: '100', description: "Milliseconds between samples of the server tree's memory." },
  { name: 'recovery-pings', default: '3', description: 'Recovery: WebSocket pings that must all be answered.' },
  { name: 'recovery-messages', default: '5', description: 'Recovery: test messages to send.' },
  { name: 'recovery-hold-ms', default: '', description: 'Recovery: how long the stable connection is held.' },
  {
    name: 'message',
    default: 'ws-resilience-gate test message',
    description: 'Recovery: the test message, sent as given (a protocol packet works).',
  },
  { name: 'expect', default: 'none', description: 'Recovery: what a reply must be: none (sending is enough), any, echo, or /regex/flags.' },
  {
    name: 'hostile-max-bytes',
    default: '16777216',
    description:
      'hostile: size in bytes of the oversized message, sent for real until the server reacts (it should close with 1009 first).',
  },
  { name: 'hostile-pings', default: '1000', description: 'hostile: pings written at once in the ping flood.' },
  {
    name: 'hostile-strict',
    default: 'false',
    description:
      'hostile: true fails hostile-survived when a case is not handled as RFC 6455 asks (a wrong close code, a drop); false warns.',
  },
  // Faults (opt-in scenarios dead-peers and slow-consumer; network applies to flapping, leak and recovery)
  {
    name: 'network',
    default: 'none',
    description:
      'Network faults on the flapping, leak and recovery traffic, injected by a proxy inside the gate: comma-separated key=value, e.g. ' +
      '`latency=100ms,jitter=20ms,slice=64,bandwidth=64kb,reset-ratio=0.2`. Keys: latency, jitter, bandwidth (bytes/s), slice (bytes), ' +
      'slice-delay, slow-close, blackhole (after a duration), reset-ratio (share of connections reset mid-handshake or mid-message; ' +
      'those are counted apart, not against the rates). ' +
      'Prefix up. or down. for one direction. `none`: no proxy.',
  },
  {
    name: 'dead-peer-clients',
    default: '5',
    description: 'dead-peers scenario: clients that complete the handshake and then go silent (no FIN, no RST).',
  },
  {
    name: 'dead-peer-timeout-s',
    default: '90',
    description:
      'dead-peers scenario: seconds the server may keep a silent client open before `dead-peer-reaping` fails. A server reaps them with ' +
      "a ping/pong heartbeat; the default clears the common ones (gorilla's 60 s pongWait, Socket.IO's 25 + 20 s, the 30 s sweep of " +
      "ws's example). Past it the scenario watches as long again (at most 60 s more), to tell a late heartbeat from none.",
  },
  {
    name: 'slow-consumer-duration-s',
    default: '10',
    description: 'slow-consumer scenario: the longest time the client does not read.',
  },
  {
    name: 'slow-consumer-mb',
    default: '160',
    description: 'slow-consumer scenario: megabytes the client sends for the server to echo (ignored with subscribe-message).',
  },
  {
    name: 'subscribe-message',
    default: '',
    description:
      'slow-consumer scenario: a message after which the server pushes to the client (the client then sends nothing else). Empty: the ' +
      'client sends messages the server echoes.',
  },
  {
    name: 'max-slow-consumer-growth-mb',
    default: '50',
    description: "Limit of the server tree's memory growth while one client does not read (`slow-consumer-memory`), or `off`.",
  },
  // Heap evidence (Node servers)
  {
    name: 'heap-snapshots',
    default: 'auto',
    description: 'auto: judge leaks by the heap after a full GC (Node snapshots, a Python census, a JVM class histogram); off: never.',
  },
  {
    name: 'heap-ignore',
    default: '',
    description: 'Comma-separated class names (constructor, module.QualName, Java class) of bounded caches in your server: never leaks.',
  },
  {
    name: 'heap-snapshot-dir',
    default: '',
    description: 'Keep heap snapshots here (server memory: never upload them). Empty: a private temp directory deleted after reading.',
  },
  {
    name: 'heap-snapshot-timeout-s',
    default: '60',
    description: 'Seconds to wait for one heap snapshot, census or histogram before heap evidence stops (RSS judges then).',
  },
  {
    name: 'heap-snapshot-max-mb',
    default: '512',
    description: 'No heap snapshot of a process above this many MiB RSS: writing one pauses it and can double its memory.',
  },
  // Checks
  { name: 'min-connect-success-rate', default: '0.8', description: 'Lowest share of connection attempts that must open (0..1), or off.' },
  {
    name: 'min-disconnect-success-rate',
    default: '0.8',
    description: 'Lowest share of connections that must close cleanly (0..1), or off.',
  },
  {
    name: 'min-session-success-rate',
    default: '0.8',
    description: 'Lowest share of load connections whose session completed (the opening and every step) (0..1), or off.',
  },
  {
    name: 'max-memory-growth-mb',
    default: '50',
    description: 'Largest retained memory growth of the server tree after cooldown, in MiB, or off.',
  },
  { name: 'max-peak-memory-growth-mb', default: 'off', description: 'Largest peak memory growth during load, in MiB, or off.' },
  {
    name: 'max-leak-kb-per-connection',
    default: '',
    description: 'Largest memory trend over the leak rounds, in KiB (1,024 bytes) per connection as the report shows it, or off.',
  },
  {
    name: 'max-fd-growth',
    default: '4',
    description: 'Largest growth of open file descriptors of the server tree after cooldown (Linux), or off.',
  },
  {
    name: 'max-lingering-connections',
    default: '0',
    description: 'Most TCP connections of the server on its port still ESTABLISHED or CLOSE_WAIT after cooldown (Linux), or off.',
  },
  {
    name: 'max-thread-growth',
    default: '4',
    description: 'Largest growth of the thread count of the server tree after cooldown (Linux), or off.',
  },
  {
    name: 'max-process-growth',
    default: '0',
    description: 'Largest growth of the number of processes in the server tree after cooldown, or off.',
  },
  { name: 'max-session-growth', default: '0', description: 'Largest growth of the sessions reported at stats-url after cooldown, or off.' },
  { name: 'warn-only', default: '', description: 'Comma-separated check ids that only warn instead of failing.' },
  {
    name: 'max-hostile-memory-growth-mb',
    default: '100',
    description:
      "hostile: most the server tree's memory may grow during the scenario, in MiB, or off. Healthy servers that take a 16 MiB message " +
      'grow by up to about 65 MiB.',
  },
  {
    name: 'max-retained-per-connection',
    default: '0.25',
    description:
      'Fail when a class or metrics-url gauge grows by this much per connection, steadily across rounds and by 20 in all; or off.',
  },
  // Against the base branch
  {
    name: 'baseline-report',
    default: '',
    description: 'JSON report of a run on the base branch; headline metrics are compared and regressions checked.',
  },
  {
    name: 'baseline-server-command',
    default: '',
    description:
      'Shell command that starts the base branch server (e.g. checked out in another folder): it is gated in the same job, in rounds ' +
      'alternating with this one.',
  },
  {
    name: 'baseline-rounds',
    default: '2',
    description: 'With baseline-server-command: alternating rounds of base and this run; each side is judged by its medians.',
  },
  {
    name: 'max-regression-percent',
    default: '25',
    description:
      'A metric regresses when it is worse than the base by more than this percentage and by more than its noise floor (see the README).',
  },
  { name: 'regression-level', default: 'error', description: 'What a regression against the base does: error (fails the gate) or warn.' },
  // Run
  {
    name: 'timeout-s',
    default: '300',
    description: 'Seconds the whole run may take; the gate stops, reports and fails when it is exceeded.',
  },
  {
    name: 'export-artillery',
    default: '',
    description: "Write an Artillery script reproducing the run's load (phases, session) to this file, to run it at scale.",
  },
  {
    name: 'report-path',
    default: 'ws-resilience-report.json',
    description:
      "Where the JSON report is written (the CLI writes one only with --json or --report-path); a relative path is from the step's " +
      'directory (the workspace), not working-directory. In post-comment mode: the report to read.',
  },
  // PR comment (action only)
  {
    name: 'mode',
    default: 'gate',
    description:
      'gate: run the gate. post-comment: only post the PR comment from the JSON report at `report-path` written by an earlier run (fork ' +
      'pull requests, see the README).',
    actionOnly: true,
  },
  {
    name: 'comment',
    default: 'always',
    description:
      'When to post the PR comment: always, on-failure (create only when the gate fails, but always update an existing one), or never.',
    actionOnly: true,
  },
  {
    name: 'comment-key',
    default: '',
    description:
      "Identifies this gate's comment among others on the PR. Empty: the workflow name and job id of the run that wrote the report.",
    actionOnly: true,
  },
  {
    name: 'comment-author',
    default: 'github-actions[bot]',
    description:
      'Login that owns the comment: only a comment by this author is ever updated. Set it when `github-token` is not the workflow token.',
    actionOnly: true,
  },
  {
    name: 'github-token',
    default: '${{ github.token }}',
    description: 'Token for the PR comment; needs `pull-requests: write`.',
    secret: true,
    actionOnly: true,
  },
  {
    name: 'pr-number',
    default: '',
    description:
      'Pull request to comment on. Empty: the pull request of the triggering event (in post-comment mode: of the workflow run, or the ' +
      'one recorded in the report).',
    actionOnly: true,
  },
] as const satisfies readonly InputDefinition[];

export type InputName = (typeof INPUTS)[number]['name'];

/** Raw input values by name, as the action or the CLI received them (undefined or '' = not given). */
export type RawInputs = Partial<Record<InputName, string>>;

/** The inputs that configure the gate itself (CLI flags, the report's configuration); the others only steer the action's PR comment. */
export const GATE_INPUTS = INPUTS.filter((i) => !('actionOnly' in i && i.actionOnly));

/** The description action.yml and the docs show: the profile defaults spelled out for an input a profile sets. */
export function documentedDescription(name: InputName): string {
  const input = INPUTS.find((i) => i.name === name)!;
  const byProfile = profileDefaultText(name);
  return byProfile === '' ? input.description : `${input.description} Default: ${byProfile}.`;
}

export function inputDefault(name: InputName): string {
  return INPUTS.find((i) => i.name === name)!.default;
}
