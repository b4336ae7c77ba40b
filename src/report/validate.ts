// Checks that a JSON report read back from a file (an artifact of another run: untrusted) has the Report's shape.

import type { EvidenceSourceId, EvidenceStatus, MemoryJudgeId } from '../model/evidence.js';
import { REPORT_SCHEMA_VERSION, type CheckLevel, type CheckStatus, type PhaseName, type Report, type Verdict } from '../model/report.js';

/** A report that cannot be trusted to render: names the field, what it should be and what it was. */
export class ReportShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportShapeError';
  }
}

// Records keyed by the union, so adding a phase or a status without listing it here fails to compile.
const PHASES: Record<PhaseName, true> = {
  startup: true,
  warmup: true,
  network: true,
  baseline: true,
  flapping: true,
  leak: true,
  cooldown: true,
  'dead-peers': true,
  'slow-consumer': true,
  hostile: true,
  recovery: true,
  teardown: true,
};
const STATUSES: Record<CheckStatus, true> = { pass: true, warn: true, fail: true, 'not-measured': true };
const LEVELS: Record<CheckLevel, true> = { error: true, warn: true };
const VERDICTS: Record<Verdict, true> = { pass: true, warn: true, fail: true };
const STOP_REASONS = ['crash', 'timeout', 'cancelled', 'startup-failed', 'error'] as const;
const MODES = ['launch', 'attach'] as const;
const PID_SOURCES = ['launched', 'server-pid', 'port-owner'] as const;

type Obj = Record<string, unknown>;

function typeName(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

function expect(path: string, what: string, got: unknown): never {
  const shown = typeof got === 'string' ? ` '${got.slice(0, 40)}'` : '';
  throw new ReportShapeError(`${path} must be ${what}, got ${typeName(got)}${shown}`);
}

/** A small reader over one object: each accessor checks a field's type and names its path when it is wrong. */
class Fields {
  constructor(
    readonly value: Obj,
    readonly path: string,
  ) {}

  static of(value: unknown, path: string): Fields {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) expect(path, 'an object', value);
    return new Fields(value as Obj, path);
  }

  at(key: string): string {
    return this.path === '' ? key : `${this.path}.${key}`;
  }

  obj(key: string): Fields {
    return Fields.of(this.value[key], this.at(key));
  }

  str(key: string, nullable = false): void {
    const v = this.value[key];
    if (!(typeof v === 'string' || (nullable && v === null))) expect(this.at(key), nullable ? 'a string or null' : 'a string', v);
  }

  num(key: string, nullable = false): void {
    const v = this.value[key];
    if (!((typeof v === 'number' && Number.isFinite(v)) || (nullable && v === null))) {
      expect(this.at(key), nullable ? 'a number or null' : 'a number', v);
    }
  }

  bool(key: string): void {
    if (typeof this.value[key] !== 'boolean') expect(this.at(key), 'true or false', this.value[key]);
  }

  oneOf(key: string, allowed: readonly (string | null)[]): void {
    if (!allowed.includes(this.value[key] as string)) expect(this.at(key), `one of ${allowed.join(', ')}`, this.value[key]);
  }

  list(key: string, each: (item: unknown, path: string) => void): void {
    const v = this.value[key];
    if (!Array.isArray(v)) expect(this.at(key), 'an array', v);
    v.forEach((item, i) => each(item, `${this.at(key)}[${i}]`));
  }

  optional(key: string): boolean {
    return this.value[key] !== undefined;
  }
}

function latency(f: Fields, key: string): void {
  if (f.value[key] === null) return;
  const l = f.obj(key);
  for (const k of ['count', 'mean', 'p50', 'p95', 'p99', 'max']) l.num(k);
}

function counts(f: Fields, key: string): void {
  const c = f.obj(key);
  for (const k of Object.keys(c.value)) c.num(k);
}

function loadScenario(f: Fields, id: 'flapping' | 'leak'): void {
  const s = f.obj(id);
  s.oneOf('id', [id]);
  s.bool('enabled');
  const p = s.obj('prescribed');
  for (const k of ['clients', 'cyclesPerClient', 'holdMs', 'pauseMs', 'cycleMs']) p.num(k);
  for (const k of ['attempts', 'connected', 'cleanDisconnects', 'durationMs']) s.num(k);
  // Fields added to schema version 1 later are optional, so a report from an older gate still posts.
  if (s.optional('abruptDisconnects')) s.num('abruptDisconnects');
  if (s.optional('injectedResets')) {
    const injected = s.obj('injectedResets');
    injected.num('connect');
    injected.num('disconnect');
  }
  s.num('connectRate', true);
  s.num('disconnectRate', true);
  counts(s, 'connectFailures');
  counts(s, 'disconnectFailures');
  for (const k of ['handshakeMs', 'closeMs', 'cycleMs']) latency(s, k);
  if (s.optional('session')) {
    const session = s.obj('session');
    session.str('describe');
    for (const k of ['started', 'completed', 'thinkMs']) session.num(k);
    session.list('failures', (f, path) => {
      const failure = Fields.of(f, path);
      for (const k of ['step', 'kind', 'example']) failure.str(k);
      failure.num('count');
      return true;
    });
  }
}

function recovery(f: Fields): void {
  const r = f.obj('recovery');
  r.oneOf('id', ['recovery']);
  for (const k of ['enabled', 'connected', 'closedCleanly']) r.bool(k);
  if (r.optional('connectFailure')) r.str('connectFailure');
  r.num('handshakeMs', true);
  for (const k of ['pingsSent', 'pongsReceived', 'messagesSent', 'messagesAnswered', 'heldMs']) r.num(k);
  latency(r, 'pingRttMs');
  r.str('expect');
  r.list('problems', (p, path) => typeof p === 'string' || expect(path, 'a string', p));
}

function server(f: Fields): void {
  const s = f.obj('server');
  s.oneOf('mode', MODES);
  s.str('command', true);
  s.str('url');
  s.num('pid', true);
  s.oneOf('pidSource', [...PID_SOURCES, null]);
  s.num('readyAfterMs', true);
  if (s.value.exit !== null) {
    const e = s.obj('exit');
    e.num('code', true);
    e.str('signal', true);
    e.oneOf('phase', Object.keys(PHASES));
    e.num('atMs');
  }
  s.str('logPath', true);
  s.list('logTail', (l, path) => typeof l === 'string' || expect(path, 'a string', l));
  s.list('pidsSeen', (p, path) => (typeof p === 'number' && Number.isFinite(p)) || expect(path, 'a number', p));
  s.list('survivors', (p, path) => (typeof p === 'number' && Number.isFinite(p)) || expect(path, 'a number', p));
  if (s.optional('detached')) {
    const d = s.obj('detached');
    d.str('address');
    d.num('pid', true);
    d.str('command');
  }
  s.list('processes', (p, path) => {
    const proc = Fields.of(p, path);
    proc.num('pid');
    proc.str('command');
  });
}

function memory(f: Fields): void {
  const m = f.obj('memory');
  m.bool('measured');
  if (m.optional('reason')) m.str('reason');
  m.num('sampleIntervalMs');
  m.list('samples', (s, path) => {
    const sample = Fields.of(s, path);
    for (const k of ['tMs', 'rssBytes', 'cpuPercent', 'processes']) sample.num(k);
    sample.oneOf('phase', Object.keys(PHASES));
  });
  for (const k of ['baselineBytes', 'peakBytes', 'retainedBytes', 'retainedGrowthBytes', 'peakGrowthBytes', 'growthPercent'])
    m.num(k, true);
  if (m.optional('trend') && m.value.trend !== null) {
    const t = m.obj('trend');
    t.list('points', (p, path) => {
      const point = Fields.of(p, path);
      point.num('connections');
      point.num('rssBytes');
    });
    t.num('skipped');
    t.num('kbPerConnection', true);
    t.num('standardErrorKb', true);
  }
}

const SIGNAL_KEYS = ['fds', 'threads', 'processes', 'lingeringConnections', 'sessions'];

function signals(f: Fields): void {
  if (!f.optional('signals')) return;
  const s = f.obj('signals');
  for (const key of ['baseline', 'after', 'growth']) {
    if (key !== 'growth' && s.value[key] === null) continue;
    const reading = s.obj(key);
    for (const k of SIGNAL_KEYS) reading.num(k, true);
  }
  s.list('notes', (n, path) => typeof n === 'string' || expect(path, 'a string', n));
}

function comparison(f: Fields): void {
  if (!f.optional('comparison') || f.value.comparison === null) return;
  const c = f.obj('comparison');
  c.str('source');
  c.str('skipped', true);
  c.num('maxRegressionPercent');
  c.list('metrics', (m, path) => {
    const metric = Fields.of(m, path);
    for (const k of ['id', 'title', 'unit']) metric.str(k);
    for (const k of ['base', 'current', 'change', 'changePercent']) metric.num(k, true);
    metric.num('floor');
    metric.bool('regressed');
  });
}

const SOURCES: Record<EvidenceSourceId, true> = { 'heap-snapshots': true, 'python-census': true, 'class-histogram': true, metrics: true };
const EVIDENCE_STATUSES: Record<EvidenceStatus, true> = { measured: true, skipped: true, off: true, 'n/a': true };
const JUDGES: Record<MemoryJudgeId, true> = { 'heap-snapshots': true, 'python-census': true, 'class-histogram': true, rss: true };

function growthRow(item: unknown, path: string): void {
  const row = Fields.of(item, path);
  row.str('name');
  row.str('kind');
  for (const k of ['countDelta', 'perConnection', 'bytesDelta']) row.num(k);
  if (row.value.retainerPath === null) return;
  row.list('retainerPath', (step, stepPath) => {
    const s = Fields.of(step, stepPath);
    s.str('edge');
    s.str('node');
  });
}

function evidence(f: Fields): void {
  f.list('evidence', (item, path) => {
    const e = Fields.of(item, path);
    e.oneOf('source', Object.keys(SOURCES));
    e.oneOf('status', Object.keys(EVIDENCE_STATUSES));
    if (e.optional('reason')) e.str('reason');
    e.list('processes', (p, pPath) => {
      const proc = Fields.of(p, pPath);
      proc.num('pid');
      proc.str('exe');
      proc.bool('read');
      proc.bool('heldConnections');
    });
    e.list('readings', (r, rPath) => {
      const reading = Fields.of(r, rPath);
      reading.str('label');
      reading.num('connections');
      reading.num('totalBytes', true);
    });
    e.list('suspects', growthRow);
    e.list('topGrowth', growthRow);
    e.num('kbPerConnection', true);
    e.bool('coversConnections');
    e.list('notes', (n, nPath) => typeof n === 'string' || expect(nPath, 'a string', n));
  });
  const judge = f.obj('memoryJudge');
  judge.oneOf('by', Object.keys(JUDGES));
  judge.num('processes');
  judge.str('why');
  judge.str('better', true);
}

/**
 * Returns the value as a Report when every field the renderers read has the right type and every enum a known
 * value (a forged report could otherwise smuggle markup through a field the renderer trusts); throws
 * ReportShapeError naming the first bad field. The schema version is checked first, with its own message.
 */
export function validateReport(value: unknown): Report {
  const root = Fields.of(value, 'report');
  const version = root.value.schemaVersion;
  if (version !== REPORT_SCHEMA_VERSION) {
    throw new ReportShapeError(
      typeof version === 'number' && version > REPORT_SCHEMA_VERSION
        ? `report schema version ${version} is newer than this gate reads (${REPORT_SCHEMA_VERSION}): use the same version of the ` +
            `action in both workflows`
        : typeof version === 'number' && Number.isInteger(version) && version >= 1
          ? `report schema version ${version} is older than this gate reads (${REPORT_SCHEMA_VERSION}): it was written by an earlier ` +
            `version of the action; run the base branch with this version once`
          : `report schema version must be ${REPORT_SCHEMA_VERSION}, got ${JSON.stringify(version) ?? 'nothing'}: is this a ` +
            `ws-resilience-gate report?`,
    );
  }
  const f = new Fields(root.value, '');
  const tool = f.obj('tool');
  tool.str('name');
  tool.str('version');
  f.str('startedAt');
  f.num('durationMs');
  const env = f.obj('environment');
  for (const k of ['os', 'arch', 'node']) env.str(k);
  for (const k of ['runnerOs', 'commit', 'workflow', 'job']) env.str(k, true);
  if (env.optional('pullRequest')) env.num('pullRequest', true);
  if (env.optional('runUrl')) env.str('runUrl', true);
  const config = f.obj('config');
  for (const k of Object.keys(config.value)) config.str(k);
  server(f);
  f.list('phases', (p, path) => {
    const span = Fields.of(p, path);
    span.oneOf('name', Object.keys(PHASES));
    span.num('startMs');
    span.num('endMs');
  });
  if (f.value.stopped !== null) {
    const stop = f.obj('stopped');
    stop.oneOf('phase', Object.keys(PHASES));
    stop.oneOf('reason', STOP_REASONS);
    stop.str('message');
  }
  const scenarios = f.obj('scenarios');
  loadScenario(scenarios, 'flapping');
  loadScenario(scenarios, 'leak');
  recovery(scenarios);
  memory(f);
  signals(f);
  comparison(f);
  evidence(f);
  f.list('checks', (c, path) => {
    const check = Fields.of(c, path);
    for (const k of ['id', 'title', 'measured', 'limit']) check.str(k);
    check.num('value', true);
    check.oneOf('level', Object.keys(LEVELS));
    check.oneOf('status', Object.keys(STATUSES));
    if (check.optional('detail')) check.str('detail');
  });
  f.oneOf('verdict', Object.keys(VERDICTS));
  return value as Report;
}
