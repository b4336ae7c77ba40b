// Comparison with the base branch on real reports the gate produced: noise passes, a regression fails,
// a mismatched base is skipped with its reason, and a same-job base server is gated in alternation.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withComparison, type CompareOptions } from '../src/analysis/compare.js';
import { runGateWithBaseCompare } from '../src/run/base-compare.js';
import { describeConfig, parseConfig } from '../src/config/parse.js';
import { writeJsonReport } from '../src/report/json.js';
import { renderMarkdown } from '../src/report/markdown.js';
import type { Report } from '../src/model/report.js';
import { tempDirsRemovedAfterEach } from './helpers/temp.js';
import { ECHO_SERVER, FAULTY_SERVER, check, expectNothingLeftRunning, fixtureInputs, gate } from './helpers/gate-run.js';

const tempDir = tempDirsRemovedAfterEach();

const CLEAN = { 'server-command': `node ${JSON.stringify(ECHO_SERVER)}`, url: 'ws://127.0.0.1:0/' };
/** For runs whose comparison is not about the heap: snapshots add seconds to each. */
const NO_HEAP = { 'heap-snapshots': 'off' };
const OPTIONS: CompareOptions = { maxRegressionPercent: 25, level: 'error', source: 'the base report' };

const regressions = (r: Report): string[] => r.checks.filter((c) => c.id.startsWith('regression-') && c.status !== 'pass').map((c) => c.id);

describe('comparison with a base report', () => {
  let baseClean: Report;
  let secondClean: Report;
  let leaky: Report;
  beforeAll(async () => {
    // Default profile: what a push to main would have saved, and two PR runs.
    // The leaking run beside the base's, not beside the PR's: a base slowed by it can only hide a regression of the
    // second clean run, never make one.
    [baseClean, leaky] = await Promise.all([gate(CLEAN), gate(fixtureInputs({ LEAK_KB_PER_CONNECTION: 200 }))]);
    secondClean = await gate(CLEAN);
  }, 120_000);

  it('does not call run-to-run noise between two clean runs a regression', () => {
    const compared = withComparison(secondClean, [baseClean], OPTIONS);
    expect(compared.comparison!.skipped).toBeNull();
    expect(compared.comparison!.metrics.map((m) => m.id)).toEqual([
      'connect-success-rate',
      'disconnect-success-rate',
      'handshake-p95',
      'memory-growth',
      'leak-per-connection',
      'fd-growth',
      'lingering-connections',
    ]);
    expect(regressions(compared)).toEqual([]);
    expect(compared.verdict).toBe('pass');
  });

  it('fails a PR whose server now leaks 200 KB per connection, naming the metric base → PR', () => {
    const compared = withComparison(leaky, [baseClean], OPTIONS);
    expect(regressions(compared)).toContain('regression-leak-per-connection');
    const trend = check(compared, 'regression-leak-per-connection');
    expect(trend.status).toBe('fail');
    expect(trend.measured).toMatch(/^\d+(\.\d)?\sKiB\/conn → \d+(\.\d)?\sKiB\/conn$/);
    const md = renderMarkdown(compared);
    expect(md).toContain('<summary>Base → this PR: ');
    expect(md).toMatch(
      /\| memory trend \| [\d.]+\sKiB\/conn \| [\d.]+\sKiB\/conn \| \+[\d.]+\sKiB\/conn( \(\+[\d.]+\s%\))? ❌ regression \|/,
    );
    // As a warning when the team asks for it.
    expect(
      withComparison(leaky, [baseClean], { ...OPTIONS, level: 'warn' }).checks.find((c) => c.id === 'regression-leak-per-connection')!
        .status,
    ).toBe('warn');
  });

  it('skips a base with other scenario settings or another schema version, and says why', () => {
    const otherSettings = { ...baseClean, config: { ...baseClean.config, 'flap-cycles': '50' } };
    const skipped = withComparison(secondClean, [otherSettings], OPTIONS);
    expect(skipped.comparison!.skipped).toBe('the scenario settings differ (flap-cycles: 50 vs 20)');
    expect(regressions(skipped)).toEqual([]);
    expect(skipped.checks.some((c) => c.id.startsWith('regression-'))).toBe(false);
    expect(renderMarkdown(skipped)).toContain(
      'Not compared with the base (the base report): the scenario settings differ (flap-cycles: 50 vs 20)',
    );

    const oldSchema = { ...baseClean, schemaVersion: 0 } as unknown as Report;
    expect(withComparison(secondClean, [oldSchema], OPTIONS).comparison!.skipped).toMatch(/schema version 0/);
  });

  it('reads the base from baseline-report, and reports an unreadable one as not compared', async () => {
    const dir = tempDir('ws-gate-base-');
    const basePath = await writeJsonReport(leaky, join(dir, 'base.json'));
    const inputs = { ...CLEAN, ...NO_HEAP, profile: 'quick', 'baseline-report': basePath };
    // Quick settings differ from the default-profile base: skipped, not silently compared.
    const mismatched = await runGateWithBaseCompare(parseConfig({ ...inputs, 'report-path': '' }), {
      configDescription: describeConfig(inputs),
    });
    expect(mismatched.comparison!.skipped).toMatch(/the scenario settings differ \(profile: default vs quick/);
    expectNothingLeftRunning(mismatched);

    const missing = { ...CLEAN, ...NO_HEAP, 'baseline-report': join(dir, 'nope.json') };
    const report = await runGateWithBaseCompare(parseConfig({ ...missing, 'report-path': '', profile: 'quick' }), {
      configDescription: describeConfig(missing),
    });
    expect(report.comparison!.skipped).toContain('nope.json');
    expect(report.verdict).toBe('pass');
  });
});

describe('same-job base server, alternating rounds', () => {
  const logDir = mkdtempSync(join(tmpdir(), 'ws-gate-rounds-'));
  afterAll(() => rmSync(logDir, { recursive: true, force: true }));

  it('gates the base and this run in turn and fails the run whose server leaks', async () => {
    const lines: string[] = [];
    const inputs = {
      'server-command': `node ${JSON.stringify(FAULTY_SERVER)}`,
      'server-env': 'LEAK_KB_PER_CONNECTION=300',
      'baseline-server-command': `node ${JSON.stringify(ECHO_SERVER)}`,
      url: 'ws://127.0.0.1:0/',
      // The default scenarios (the quick profile makes too few connections for a trend), shorter idles.
      'cooldown-ms': '500',
      'baseline-rounds': '2',
      'server-log': join(logDir, 'server.log'),
      // A 300 KB leak stands far out of the RSS trend's noise: the heap is not needed to see it.
      ...NO_HEAP,
    };
    const report = await runGateWithBaseCompare(parseConfig({ ...inputs, 'report-path': '' }), {
      configDescription: describeConfig(inputs),
      onProgress: (line) => lines.push(line),
    });
    expect(lines.filter((l) => l.includes('▶ startup')).map((l) => l.slice(0, l.indexOf(']') + 1))).toEqual([
      '[base 1/2]',
      '[this run 1/2]',
      '[base 2/2]',
      '[this run 2/2]',
    ]);
    expect(report.comparison!.source).toContain('2 rounds in this job');
    // Every round keeps its own log; server-log itself is the log of the run the report is about.
    const logs = lines.filter((l) => l.includes('▶ startup')).map((l) => /\(log: (.*)\)$/.exec(l)![1]!);
    expect(logs.map((l) => basename(l))).toEqual([
      'server.log.base-round-1',
      'server.log.round-1',
      'server.log.base-round-2',
      'server.log',
    ]);
    for (const log of logs) expect(existsSync(log), log).toBe(true);
    expect(report.server.logPath).toBe(join(logDir, 'server.log'));
    expect(regressions(report)).toContain('regression-leak-per-connection');
    expect(report.verdict).toBe('fail');
    expectNothingLeftRunning(report);
  });

  it('passes a run that is no worse than its base', async () => {
    const inputs = { ...CLEAN, ...NO_HEAP, 'baseline-server-command': CLEAN['server-command'], profile: 'quick', 'baseline-rounds': '1' };
    const report = await runGateWithBaseCompare(parseConfig({ ...inputs, 'report-path': '' }), {
      configDescription: describeConfig(inputs),
    });
    expect(report.comparison!.skipped).toBeNull();
    expect(regressions(report)).toEqual([]);
    expect(report.verdict).toBe('pass');
  });
});
