// Turns raw inputs (strings from the action or the CLI) into one validated Config. Pure: no I/O but reading
// ca-file and checking that working-directory exists.

import { readFileSync, statSync } from 'node:fs';
import { CHECK_IDS } from '../model/checks.js';
import { GATE_INPUTS, INPUTS, inputDefault, type InputName, type RawInputs } from './inputs.js';
import { PROFILE_DEFAULTS, PROFILES, type Profile } from './profiles.js';
import {
  COMMENT_MODES,
  ConfigError,
  RUN_MODES,
  SCENARIO_IDS,
  type ActionConfig,
  type CommentConfig,
  type Config,
  type Expect,
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
  const limit = (name: InputName, min: number, max: number): Limit => ({
    value: parseLimit(name, get(name), min, max),
    explicit: explicit(name),
  });

  const command = get('server-command');
  const serverPidText = get('server-pid');
  const serverPid = serverPidText === '' ? null : parseInteger('server-pid', serverPidText, 1, 2 ** 31 - 1);
  if (command !== '' && serverPid !== null) {
    throw new ConfigError('server-pid', serverPidText, 'empty when server-command is set (the gate knows the pid of a server it launches)');
  }

  const config: Config = {
    server: {
      command: command === '' ? null : command,
      workingDirectory: parseWorkingDirectory(get('working-directory'), command !== ''),
      env: parseKeyValueLines('server-env', raw['server-env'] ?? ''),
      pid: serverPid,
      logPath: get('server-log') === '' ? null : get('server-log'),
      startupTimeoutMs: int('startup-timeout-s', 1, 3600) * 1000,
      shutdownGraceMs: parseNumber('shutdown-grace-s', get('shutdown-grace-s'), 0, 600) * 1000,
    },
    client: {
      url: parseUrl(get('url'), command !== ''),
      headers: parseHeaders(raw.headers ?? ''),
      subprotocols: parseList(get('subprotocols')),
      connectTimeoutMs: int('connect-timeout-ms', 1, 600_000),
      closeTimeoutMs: int('close-timeout-ms', 1, 600_000),
      ca: readCaFile(get('ca-file')),
      insecureTls: parseBoolean('insecure-tls', get('insecure-tls')),
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
    cooldownMs: int('cooldown-ms', 0, 600_000),
    sampleIntervalMs: int('sample-interval-ms', 10, 60_000),
    recovery: {
      pings: int('recovery-pings', 0, 10_000),
      messages: int('recovery-messages', 0, 10_000),
      holdMs: int('recovery-hold-ms', 0, 600_000),
      message: raw.message === undefined || raw.message === '' ? get('message') : raw.message,
      expect: parseExpect(get('expect')),
    },
    limits: {
      minConnectSuccessRate: limit('min-connect-success-rate', 0, 1),
      minDisconnectSuccessRate: limit('min-disconnect-success-rate', 0, 1),
      maxMemoryGrowthMb: limit('max-memory-growth-mb', 0, 1_000_000),
      maxPeakMemoryGrowthMb: limit('max-peak-memory-growth-mb', 0, 1_000_000),
      maxLeakKbPerConnection: limit('max-leak-kb-per-connection', 0, 1_000_000),
      maxFdGrowth: limit('max-fd-growth', 0, 1_000_000),
      maxLingeringConnections: limit('max-lingering-connections', 0, 1_000_000),
      maxThreadGrowth: limit('max-thread-growth', 0, 1_000_000),
      maxProcessGrowth: limit('max-process-growth', 0, 1_000_000),
      maxSessionGrowth: limit('max-session-growth', 0, 1_000_000),
    },
    warnOnly: parseIdList('warn-only', get('warn-only'), CHECK_IDS, true),
    baseCompare: parseBaseCompare(get('baseline-report'), get('baseline-server-command'), int('baseline-rounds', 1, 20), get),
    timeoutMs: int('timeout-s', 1, 6 * 3600) * 1000,
    reportPath: get('report-path') === '' ? null : get('report-path'),
  };
  return config;
}

function assertKnownInputs(raw: RawInputs): void {
  for (const name of Object.keys(raw)) {
    if (!INPUTS.some((i) => i.name === name)) {
      throw new ConfigError(name, String(raw[name as InputName]), `one of the known inputs (${INPUTS.map((i) => i.name).join(', ')})`);
    }
  }
}

/** "a, b or c" */
function orList(words: readonly string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

function oneOf<T extends string>(name: InputName, text: string, known: readonly T[]): T {
  const lower = text.toLowerCase();
  if (!known.includes(lower as T)) throw new ConfigError(name, text, orList(known));
  return lower as T;
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

/**
 * How each input's value is found: the value given, else the profile's default, else the plain one.
 * `explicit` tells a value the user chose from a default.
 */
function resolveInputs(raw: RawInputs, defaults: RawInputs) {
  const profileText = raw.profile?.trim() || defaults.profile || inputDefault('profile');
  if (!PROFILES.includes(profileText as Profile)) throw new ConfigError('profile', profileText, `one of ${PROFILES.join(', ')}`);
  const profile = profileText as Profile;
  const defaultOf = (name: InputName): string =>
    defaults[name] ?? PROFILE_DEFAULTS[profile][name] ?? PROFILE_DEFAULTS.default[name] ?? inputDefault(name);
  // Inputs a profile sets have no default in action.yml, so the runner passes them only when the user set them:
  // any value given is the user's choice and wins over the profile.
  const given = (name: InputName): string | null => {
    const value = raw[name]?.trim();
    return value === undefined || value === '' ? null : value;
  };
  const get = (name: InputName): string => given(name) ?? defaultOf(name);
  const explicit = (name: InputName): boolean => {
    const value = given(name);
    return value !== null && value !== defaultOf(name);
  };
  return { profile, get, explicit };
}

function parseNumber(name: string, text: string, min: number, max: number): number {
  const value = /^[+]?(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(name, text, `a number from ${min} to ${max}`);
  }
  return value;
}

function parseInteger(name: string, text: string, min: number, max: number): number {
  const value = /^[+]?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(name, text, `a whole number from ${min} to ${max}`);
  }
  return value;
}

function parseLimit(name: string, text: string, min: number, max: number): number | null {
  if (text.toLowerCase() === 'off') return null;
  try {
    return parseNumber(name, text, min, max);
  } catch {
    throw new ConfigError(name, text, `a number from ${min} to ${max}, or off`);
  }
}

function parseUrl(text: string, launching: boolean): string {
  if (text === '') throw new ConfigError('url', text, 'a ws:// or wss:// URL (it is required)');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError('url', text, 'a ws:// or wss:// URL');
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new ConfigError('url', text, 'a ws:// or wss:// URL');
  }
  if (url.port === '0' && !launching) {
    throw new ConfigError('url', text, 'a URL with a real port in attach mode (port 0 picks a free port only when server-command is set)');
  }
  return text;
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

function parseBoolean(name: InputName, text: string): boolean {
  const lower = text.toLowerCase();
  if (lower !== 'true' && lower !== 'false') throw new ConfigError(name, text, 'true or false');
  return lower === 'true';
}

/** Largest ca-file read: a bundle of every public CA is about 250 KB. */
const CA_FILE_MAX_BYTES = 5 * 1024 * 1024;

/**
 * The PEM text of ca-file, read once before anything starts so a wrong path is bad input (one line naming
 * the input), not a wss:// handshake that fails at every attempt until startup-timeout-s.
 */
function readCaFile(path: string): string | null {
  if (path === '') return null;
  const accepted = (why: string): string => `the path of a readable PEM file of CA certificates (${why})`;
  let text: string;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new ConfigError('ca-file', path, accepted('not a file'));
    if (stat.size > CA_FILE_MAX_BYTES)
      throw new ConfigError('ca-file', path, accepted(`larger than ${CA_FILE_MAX_BYTES / 1024 / 1024} MB`));
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError('ca-file', path, accepted(code === 'ENOENT' ? 'no such file' : (code ?? 'unreadable')));
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----'))
    throw new ConfigError('ca-file', path, accepted('no -----BEGIN CERTIFICATE----- in it'));
  return text;
}

/** The server's directory must exist before anything starts (only a launched server needs one). */
function parseWorkingDirectory(path: string, launching: boolean): string {
  if (!launching) return path;
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    // reported below
  }
  if (!isDirectory) throw new ConfigError('working-directory', path, 'an existing directory (the server command runs there)');
  return path;
}

function parseStatsUrl(text: string): string | null {
  if (text === '') return null;
  let url: URL | null = null;
  try {
    url = new URL(text);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError('stats-url', text, 'an http:// or https:// URL, or empty');
  }
  return text;
}

function parseField(text: string): string {
  if (!/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/.test(text)) {
    throw new ConfigError('stats-field', text, 'a JSON field name or dotted path such as sessions or ws.clients');
  }
  return text;
}

function parseList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function parseIdList<T extends string>(name: string, text: string, known: readonly T[], allowEmpty = false): T[] {
  const ids = parseList(text);
  const accepted = `a comma-separated list of ${known.join(', ')}`;
  for (const id of ids) {
    if (!known.includes(id as T)) throw new ConfigError(name, text, accepted);
  }
  if (ids.length === 0 && !allowEmpty) throw new ConfigError(name, text, accepted);
  return [...new Set(ids as T[])];
}

function nonEmptyLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

function parseKeyValueLines(name: string, text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of nonEmptyLines(text)) {
    const eq = line.indexOf('=');
    const key = eq > 0 ? line.slice(0, eq).trim() : '';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new ConfigError(name, line, 'lines of KEY=VALUE (KEY: letters, digits and _, not starting with a digit)');
    }
    env[key] = line.slice(eq + 1);
  }
  return env;
}

function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of nonEmptyLines(text)) {
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    // The value is a secret: name the line by its header name only.
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      throw new ConfigError('headers', colon > 0 ? `${name}: ***` : '***', 'lines of `Name: value` (a header name, a colon, a value)');
    }
    headers[name] = line.slice(colon + 1).trim();
  }
  return headers;
}

function parseExpect(text: string): Expect {
  const lower = text.toLowerCase();
  if (lower === 'none' || lower === 'any' || lower === 'echo') return { kind: lower };
  const match = /^\/(.*)\/([a-z]*)$/s.exec(text);
  if (match) {
    const [, source = '', flags = ''] = match;
    try {
      new RegExp(source, flags);
    } catch (err) {
      throw new ConfigError('expect', text, `none, any, echo, or a /regex/ that compiles (${(err as Error).message})`);
    }
    return { kind: 'regex', source, flags };
  }
  throw new ConfigError('expect', text, 'none, any, echo, or /regex/flags');
}

/** The effective configuration as name -> value, secrets masked, for the report. */
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
    out[input.name] = 'secret' in input && input.secret && value !== '' ? '***' : value;
  }
  return out;
}
