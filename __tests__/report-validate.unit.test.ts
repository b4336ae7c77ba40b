// A report read back from an artifact is untrusted: every field the renderers read is checked, by path.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readJsonReport, writeJsonReport } from '../src/report/json.js';
import { renderMarkdown } from '../src/report/markdown.js';
import type { Report } from '../src/model/report.js';
import { ReportShapeError, validateReport } from '../src/report/validate.js';
import { crashedReport, failingReport, leakCase, makeReport, notMeasuredReport, passCase, warnReport } from './helpers/report-factory.js';
import { heapEvidence, heapSuspect } from './helpers/report-factory.js';

/** A JSON round trip, then a change at a path ("a.b.0.c"). */
function tampered(report: Report, path: string, value: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(report)) as Record<string, unknown>;
  const keys = path.split('.');
  let target: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  if (value === undefined) delete target[keys[keys.length - 1]!];
  else target[keys[keys.length - 1]!] = value;
  return copy;
}

describe('validateReport', () => {
  it.each([
    ['passing', makeReport()],
    ['warning', warnReport()],
    ['failing', failingReport()],
    ['crashed', crashedReport()],
    ['not measured', notMeasuredReport()],
    ['with a pull request', makeReport({ environment: { pullRequest: 12 } })],
    ['with a run URL', passCase()],
    ['with heap evidence', leakCase()],
    [
      'with a suspect without a retainer path',
      makeReport({
        evidence: [
          heapEvidence([heapSuspect({ name: 'Buffer', countDelta: 3, perConnection: 0.05, bytesDelta: 3072, retainerPath: null })]),
        ],
      }),
    ],
    [
      'with a comparison',
      makeReport({
        comparison: {
          source: 'base report',
          skipped: null,
          maxRegressionPercent: 10,
          metrics: [
            {
              id: 'connect-success-rate',
              title: 'Connect success rate',
              unit: '%',
              base: 1,
              current: 0.9,
              change: -0.1,
              changePercent: -10,
              floor: 0.02,
              regressed: true,
            },
          ],
        },
      }),
    ],
  ])('accepts a %s report as written', (_name, report) => {
    const parsed: unknown = JSON.parse(JSON.stringify(report));
    expect(validateReport(parsed)).toEqual(report);
  });

  it('checks the schema version first, with a message that says what to do', () => {
    expect(() => validateReport(tampered(makeReport(), 'schemaVersion', 3))).toThrow(
      'report schema version 3 is newer than this gate reads (2): use the same version of the action in both workflows',
    );
    // Schema 1 had one `heap` where schema 2 has `evidence` per source and `memoryJudge`: said, not misread.
    expect(() => validateReport(tampered(makeReport(), 'schemaVersion', 1))).toThrow(
      'report schema version 1 is older than this gate reads (2): it was written by an earlier version of the action',
    );
    expect(() => validateReport({ hello: 'world' })).toThrow(
      'report schema version must be 2, got nothing: is this a ws-resilience-gate report?',
    );
    expect(() => validateReport([1, 2])).toThrow('report must be an object, got array');
  });

  const bad: Array<[string, unknown, string]> = [
    ['scenarios.flapping.attempts', '12', "scenarios.flapping.attempts must be a number, got string '12'"],
    ['verdict', 'maybe', "verdict must be one of pass, warn, fail, got string 'maybe'"],
    ['server.mode', '<img src=x onerror=alert(1)>', 'server.mode must be one of launch, attach'],
    ['server.logTail', ['ok', 3], 'server.logTail[1] must be a string, got number'],
    ['stopped', { phase: '**bold**', reason: 'crash', message: 'x' }, 'stopped.phase must be one of startup, warmup'],
    ['environment.pullRequest', '12', 'environment.pullRequest must be a number or null'],
    [
      'memory.samples',
      [{ tMs: 0, phase: '</details>', rssBytes: 1, cpuPercent: 0, processes: 1 }],
      'memory.samples[0].phase must be one of',
    ],
    ['scenarios.leak.connectFailures', { timeout: '3' }, 'scenarios.leak.connectFailures.timeout must be a number'],
    ['scenarios.recovery.id', 'flapping', 'scenarios.recovery.id must be one of recovery'],
    ['config', { url: 5 }, 'config.url must be a string, got number'],
    ['memory.growthPercent', undefined, 'memory.growthPercent must be a number or null, got undefined'],
    [
      'signals.baseline',
      { fds: '<img src=x onerror=alert(1)>', threads: 1, processes: 1, lingeringConnections: 0, sessions: null },
      'signals.baseline.fds must be a number or null',
    ],
    ['signals.notes', [{}], 'signals.notes[0] must be a string, got object'],
    [
      'memory.trend',
      { points: [{ connections: '<b>', rssBytes: 1 }], skipped: 0, kbPerConnection: 1, standardErrorKb: null },
      'memory.trend.points[0].connections must be a number',
    ],
    ['scenarios.leak.abruptDisconnects', 'many', 'scenarios.leak.abruptDisconnects must be a number'],
    ['scenarios.leak.injectedResets', { connect: 1, disconnect: '<b>' }, 'scenarios.leak.injectedResets.disconnect must be a number'],
    [
      'comparison',
      { source: 'base', skipped: null, maxRegressionPercent: '<img src=x onerror=alert(1)>', metrics: [] },
      'comparison.maxRegressionPercent must be a number',
    ],
    [
      'comparison',
      {
        source: 'base',
        skipped: null,
        maxRegressionPercent: 10,
        metrics: [{ id: 'x', title: 't', unit: 'ms', base: 1, current: 2, change: '1', changePercent: null, floor: 0, regressed: true }],
      },
      'comparison.metrics[0].change must be a number or null',
    ],
    ['environment.runUrl', 42, 'environment.runUrl must be a string or null'],
    ['evidence', { suspects: 'many' }, 'evidence must be an array'],
    [
      'evidence',
      [
        {
          ...heapEvidence([]),
          suspects: [
            { name: 'Session', kind: 'object', countDelta: 65, perConnection: 1, bytesDelta: 1, retainerPath: [{ edge: 1, node: 'Map' }] },
          ],
        },
      ],
      'evidence[0].suspects[0].retainerPath[0].edge must be a string',
    ],
    ['evidence', [{ ...heapEvidence([]), source: 'pprof' }], 'evidence[0].source must be one of heap-snapshots'],
    ['memoryJudge', { by: 'guess', processes: 0, why: '', better: null }, 'memoryJudge.by must be one of'],
  ];
  it.each(bad)('rejects a bad %s, naming the field', (path, value, message) => {
    const report = path === 'stopped' ? crashedReport() : makeReport();
    let error: unknown;
    try {
      validateReport(tampered(report, path, value));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ReportShapeError);
    expect((error as Error).message).toContain(message);
  });

  it('accepts a report without the fields added to a schema version later (exact signals, trend, abrupt disconnects)', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a report from an older version, edited freely
    const report = JSON.parse(JSON.stringify(makeReport())) as Record<string, any>;
    delete report.signals;
    delete report.memory.trend;
    delete report.scenarios.leak.abruptDisconnects;
    expect(renderMarkdown(validateReport(report))).toMatch(/^### ✅ WebSocket resilience/);
  });

  it('rejects a bad check status and level in any row', () => {
    const report = failingReport();
    const checks = report.checks.map((c, i) => (i === 2 ? { ...c, status: 'skipped' } : c));
    expect(() => validateReport({ ...report, checks })).toThrow(
      "checks[2].status must be one of pass, warn, fail, not-measured, got string 'skipped'",
    );
  });
});

describe('readJsonReport', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ws-gate-read-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads back what writeJsonReport wrote', async () => {
    const report = crashedReport();
    const path = await writeJsonReport(report, join(dir, 'nested', 'r.json'));
    expect(await readJsonReport(path)).toEqual(report);
  });

  it('names the file and the problem: missing, not JSON, wrong shape', async () => {
    await expect(readJsonReport(join(dir, 'absent.json'))).rejects.toThrow(
      /no report at .*absent\.json \(ENOENT\): was the artifact downloaded to report-path\?/,
    );
    // The base report is named by its own input.
    await expect(readJsonReport(join(dir, 'absent.json'), 'baseline-report')).rejects.toThrow(/downloaded to baseline-report\?$/);
    writeFileSync(join(dir, 'broken.json'), '{"schemaVersion": 1,');
    await expect(readJsonReport(join(dir, 'broken.json'))).rejects.toThrow(/the report at .*broken\.json is not JSON/);
    writeFileSync(join(dir, 'old.json'), JSON.stringify({ ...makeReport(), verdict: 'green' }));
    await expect(readJsonReport(join(dir, 'old.json'))).rejects.toThrow(/the report at .*old\.json cannot be used: verdict must be one of/);
  });
});
