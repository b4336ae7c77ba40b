// Turns raw inputs (strings from the action or the CLI) into one validated Config, or one ConfigError.
// The only I/O is in files.ts (ca-file is read, working-directory checked) so a wrong path is bad input too.

import { CHECK_IDS } from '../model/checks.js';
import { parseNetwork } from '../net/spec.js';
import { readCaFile, readSessionFile, parseWorkingDirectory } from './files.js';
import { parseSession } from './session.js';
import { GATE_INPUTS, INPUTS, inputDefault, type InputName, type RawInputs } from './inputs.js';
import { resolveInputs } from './resolve.js';
import {
  oneOf,
  parseBoolean,
  parseExpect,
  parseField,
  parseHeaders,
  parseIdList,
  parseInteger,
  parseKeyValueLines,
  parseLimit,
  parseList,
  parseNumber,
  parseProtocol,
  parseStatsUrl,
  parseMetricsUrl,
  parseUrl,
} from './scalars.js';
import {
  COMMENT_MODES,
  ConfigError,
  RUN_MODES,
  SCENARIO_IDS,
  type ActionConfig,
  type CommentConfig,
  type Config,
  type Limit,
  type RunMode,
  COMMENT_KEY_MAX,
} from './types.js';

/**
 * Builds the Config from raw inputs, or throws a ConfigError for the first bad one.
 * `defaults` replaces some defaults (the CLI writes no JSON report unless asked).
 */
export function parseConfig(raw: RawInputs, defaults: RawInputs = {}): Config {
  // The action's own inputs are checked here too, so one call reports any bad input before anything starts.
  parseRunMode(raw);
  parseCommentConfig(raw);
  const { profile, get, explicit } = resolveInputs(raw, defaults);
  const int = (name: InputName, min: number, max = Number.MAX_SAFE_INTEGER): number => parseInteger(name, get(name), min, max);
  const r: Reader = { raw, get, int, explicit };
  const command = get('server-command');

  const config: Config = {
    server: parseServer(r),
    client: {
      url: parseUrl(get('url'), command !== ''),
      headers: parseHeaders(raw.headers ?? ''),
      subprotocols: parseList(get('subprotocols')),
      connectTimeoutMs: int('connect-timeout-ms', 1, 600_000),
      closeTimeoutMs: int('close-timeout-ms', 1, 600_000),
      ca: readCaFile(get('ca-file')),
      insecureTls: parseBoolean('insecure-tls', get('insecure-tls')),
      protocol: parseProtocol(get('protocol')),
      session: parseSession(get('session'), readSessionFile(get('session-file'))),
    },
    profile,
    scenarios: parseIdList('scenarios', get('scenarios'), SCENARIO_IDS),
    warmupConnections: int('warmup-connections', 0, 100_000),
    flapping: {
      cycles: int('flap-cycles', 1, 1_000_000),
      holdMs: int('flap-hold-ms', 0, 600_000),
      pauseMs: int('flap-pause-ms', 0, 600_000),
    },
    leak: {
      clients: int('leak-clients', 1, 100_000),
      cycles: int('leak-cycles', 1, 1_000_000),
      rounds: int('leak-rounds', 1, 1000),
      abruptRatio: parseNumber('abrupt-ratio', get('abrupt-ratio'), 0, 1),
    },
    stats: { url: parseStatsUrl(get('stats-url')), field: parseField(get('stats-field')) },
    metrics: { url: parseMetricsUrl(get('metrics-url')), ignore: parseList(get('metrics-ignore')) },
    cooldownMs: int('cooldown-ms', 0, 600_000),
    sampleIntervalMs: int('sample-interval-ms', 10, 60_000),
    recovery: {
      pings: int('recovery-pings', 0, 10_000),
      messages: int('recovery-messages', 0, 10_000),
      holdMs: int('recovery-hold-ms', 0, 600_000),
      message: raw.message === undefined || raw.message === '' ? get('message') : raw.message,
      expect: parseExpect(get('expect')),
      messageIsDefault: !explicit('message') && !explicit('expect'),
    },
    heap: {
      enabled: oneOf('heap-snapshots', get('heap-snapshots'), ['auto', 'off']) === 'auto',
      ignore: parseList(get('heap-ignore')),
      keepDir: get('heap-snapshot-dir') === '' ? null : get('heap-snapshot-dir'),
      timeoutMs: int('heap-snapshot-timeout-s', 1, 3600) * 1000,
      maxRssBytes: int('heap-snapshot-max-mb', 1, 1_048_576) * 1024 * 1024,
    },
    faults: parseFaults(r),
    hostile: {
      maxBytes: int('hostile-max-bytes', 65_536, 1024 * 1024 * 1024),
      pings: int('hostile-pings', 1, 100_000),
      strict: parseBoolean('hostile-strict', get('hostile-strict')),
    },
    limits: parseLimits(r),
    warnOnly: parseIdList('warn-only', get('warn-only'), CHECK_IDS, true),
    baseCompare: parseBaseCompare(get('baseline-report'), get('baseline-server-command'), int('baseline-rounds', 1, 20), get),
    timeoutMs: int('timeout-s', 1, 6 * 3600) * 1000,
    reportPath: get('report-path') === '' ? null : get('report-path'),
    exportArtillery: get('export-artillery') === '' ? null : get('export-artillery'),
  };
  return config;
}

/** What each section's parser reads the inputs with: the raw values, the resolved ones, and whether one was set. */
interface Reader {
  raw: RawInputs;
  get: (name: InputName) => string;
  int: (name: InputName, min: number, max?: number) => number;
  explicit: (name: InputName) => boolean;
}

function parseServer({ raw, get, int }: Reader): Config['server'] {
  const command = get('server-command');
  const serverPidText = get('server-pid');
  const serverPid = serverPidText === '' ? null : parseInteger('server-pid', serverPidText, 1, 2 ** 31 - 1);
  if (command !== '' && serverPid !== null) {
    throw new ConfigError('server-pid', serverPidText, 'empty when server-command is set (the gate knows the pid of a server it launches)');
  }
  return {
    command: command === '' ? null : command,
    workingDirectory: parseWorkingDirectory(get('working-directory'), command !== ''),
    env: parseKeyValueLines('server-env', raw['server-env'] ?? ''),
    pid: serverPid,
    logPath: get('server-log') === '' ? null : get('server-log'),
    startupTimeoutMs: int('startup-timeout-s', 1, 3600) * 1000,
    shutdownGraceMs: parseNumber('shutdown-grace-s', get('shutdown-grace-s'), 0, 600) * 1000,
  };
}

function parseFaults({ raw, get, int }: Reader): Config['faults'] {
  return {
    network: parseNetwork(get('network')),
    deadPeers: {
      clients: int('dead-peer-clients', 1, 1000),
      timeoutMs: parseNumber('dead-peer-timeout-s', get('dead-peer-timeout-s'), 1, 3600) * 1000,
    },
    slowConsumer: {
      durationMs: parseNumber('slow-consumer-duration-s', get('slow-consumer-duration-s'), 1, 600) * 1000,
      maxBytes: parseNumber('slow-consumer-mb', get('slow-consumer-mb'), 1, 4096) * 1024 * 1024,
      messageBytes: 64 * 1024,
      subscribeMessage: raw['subscribe-message'] === undefined || raw['subscribe-message'] === '' ? null : raw['subscribe-message'],
    },
  };
}

function limit({ get, explicit }: Reader, name: InputName, min: number, max: number): Limit {
  return { value: parseLimit(name, get(name), min, max), explicit: explicit(name) };
}

function parseLimits(r: Reader): Config['limits'] {
  return {
    minConnectSuccessRate: limit(r, 'min-connect-success-rate', 0, 1),
    minDisconnectSuccessRate: limit(r, 'min-disconnect-success-rate', 0, 1),
    minSessionSuccessRate: limit(r, 'min-session-success-rate', 0, 1),
    maxMemoryGrowthMb: limit(r, 'max-memory-growth-mb', 0, 1_000_000),
    maxPeakMemoryGrowthMb: limit(r, 'max-peak-memory-growth-mb', 0, 1_000_000),
    maxLeakKbPerConnection: limit(r, 'max-leak-kb-per-connection', 0, 1_000_000),
    maxFdGrowth: limit(r, 'max-fd-growth', 0, 1_000_000),
    maxLingeringConnections: limit(r, 'max-lingering-connections', 0, 1_000_000),
    maxThreadGrowth: limit(r, 'max-thread-growth', 0, 1_000_000),
    maxProcessGrowth: limit(r, 'max-process-growth', 0, 1_000_000),
    maxSessionGrowth: limit(r, 'max-session-growth', 0, 1_000_000),
    maxHostileMemoryGrowthMb: limit(r, 'max-hostile-memory-growth-mb', 0, 1_000_000),
    maxRetainedPerConnection: limit(r, 'max-retained-per-connection', 0.01, 1000),
    maxSlowConsumerGrowthMb: limit(r, 'max-slow-consumer-growth-mb', 0, 1_000_000),
  };
}

function assertKnownInputs(raw: RawInputs): void {
  for (const name of Object.keys(raw)) {
    if (!INPUTS.some((i) => i.name === name)) {
      throw new ConfigError(name, String(raw[name as InputName]), `one of the known inputs (${INPUTS.map((i) => i.name).join(', ')})`);
    }
  }
}

/** The comment inputs, validated. An unexpanded `${{ github.token }}` (outside a runner) means no token. */
export function parseCommentConfig(raw: RawInputs): CommentConfig {
  assertKnownInputs(raw);
  const get = (name: InputName): string => {
    const value = raw[name]?.trim();
    return value === undefined || value === '' ? inputDefault(name) : value;
  };
  const key = get('comment-key');
  if (key.length > COMMENT_KEY_MAX || /[\r\n]/.test(key)) {
    throw new ConfigError('comment-key', key, `one line of at most ${COMMENT_KEY_MAX} characters`);
  }
  const token = get('github-token');
  const prText = get('pr-number');
  return {
    mode: oneOf('comment', get('comment'), COMMENT_MODES),
    key: key === '' ? null : key,
    // Compared with each comment's login; "@name" is how people write it in prose.
    author: get('comment-author').replace(/^@/, ''),
    token: token === inputDefault('github-token') ? '' : token,
    prNumber: prText === '' ? null : parseInteger('pr-number', prText, 1, 2 ** 31 - 1),
  };
}

function parseRunMode(raw: RawInputs): RunMode {
  return oneOf('mode', raw.mode?.trim() || inputDefault('mode'), RUN_MODES);
}

/** Builds the action's configuration; in post-comment mode the gate's inputs (url, server-command, …) are not read. */
export function parseActionConfig(raw: RawInputs): ActionConfig {
  const mode = parseRunMode(raw);
  const comment = parseCommentConfig(raw);
  if (mode === 'gate') return { mode, gate: parseConfig(raw), comment };
  const reportPath = raw['report-path']?.trim() || inputDefault('report-path');
  return { mode, reportPath, comment };
}

function parseBaseCompare(
  reportPath: string,
  serverCommand: string,
  rounds: number,
  get: (name: InputName) => string,
): Config['baseCompare'] {
  if (reportPath !== '' && serverCommand !== '') {
    throw new ConfigError(
      'baseline-report',
      reportPath,
      'empty when baseline-server-command is set (compare with one base: a report or a server)',
    );
  }
  const level = get('regression-level').toLowerCase();
  if (level !== 'error' && level !== 'warn') throw new ConfigError('regression-level', get('regression-level'), 'error or warn');
  return {
    reportPath: reportPath === '' ? null : reportPath,
    serverCommand: serverCommand === '' ? null : serverCommand,
    rounds,
    maxRegressionPercent: parseNumber('max-regression-percent', get('max-regression-percent'), 0, 10_000),
    level,
  };
}

/** The effective configuration as name -> value, secrets masked, for the report. */
/** `KEY=value` lines as `KEY=***`: a server-env line often carries an API key from the workflow's secrets. */
function maskedValues(lines: string): string {
  return lines
    .split('\n')
    .map((line) => line.replace(/=.*$/, '=***'))
    .join('\n');
}

export function describeConfig(raw: RawInputs, defaults: RawInputs = {}): Record<string, string> {
  const out: Record<string, string> = {};
  let get: (name: InputName) => string;
  try {
    get = resolveInputs(raw, defaults).get;
  } catch {
    get = (name) => raw[name]?.trim() || (defaults[name] ?? inputDefault(name));
  }
  // The comment inputs steer the action, not the measurement; the token stays out even masked.
  for (const input of GATE_INPUTS) {
    const value = get(input.name);
    if ('secret' in input && input.secret && value !== '') out[input.name] = '***';
    else if ('secretValues' in input && input.secretValues) out[input.name] = maskedValues(value);
    else out[input.name] = value;
  }
  return out;
}
