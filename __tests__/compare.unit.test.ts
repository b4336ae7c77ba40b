// Regression rules on made-up numbers: both the percentage and the noise floor must be exceeded.

import { describe, expect, it } from 'vitest';
import { compareMetrics, incompatibility, regressionChecks, withComparison } from '../src/analysis/compare.js';
import type { Report } from '../src/model/report.js';
import { makeReport } from './helpers/report-factory.js';

const MB = 1024 * 1024;

function withGrowth(mb: number, kbPerConn: number, p95: number): Report {
  const r = makeReport();
  return {
    ...r,
    memory: { ...r.memory, retainedGrowthBytes: mb * MB, trend: { ...r.memory.trend!, kbPerConnection: kbPerConn } },
    checks: [
      ...r.checks.filter((c) => c.id !== 'leak-per-connection'),
      {
        id: 'leak-per-connection',
        title: 'memory trend',
        measured: `${kbPerConn} KB/conn`,
        limit: '<= 100 KB/conn',
        value: kbPerConn,
        level: 'error',
        status: 'pass',
      },
    ],
    scenarios: {
      ...r.scenarios,
      flapping: { ...r.scenarios.flapping, handshakeMs: { ...r.scenarios.flapping.handshakeMs!, p95 } },
      leak: { ...r.scenarios.leak, handshakeMs: { ...r.scenarios.leak.handshakeMs!, p95: 1 } },
    },
  };
}
const metric = (bases: Report[], currents: Report[], id: string) => compareMetrics(bases, currents, 25).find((m) => m.id === id)!;

describe('compareMetrics', () => {
  it('needs both the percentage and the floor', () => {
    // +4 MB is +400 % but under the 5 MB floor; +6 MB on 50 MB is over the floor but only +12 %.
    expect(metric([withGrowth(1, 0, 5)], [withGrowth(5, 0, 5)], 'memory-growth').regressed).toBe(false);
    expect(metric([withGrowth(50, 0, 5)], [withGrowth(56, 0, 5)], 'memory-growth').regressed).toBe(false);
    expect(metric([withGrowth(2, 0, 5)], [withGrowth(9, 0, 5)], 'memory-growth')).toMatchObject({
      regressed: true,
      change: 7,
      changePercent: 350,
    });
    expect(metric([withGrowth(2, 20, 5)], [withGrowth(2, 45, 5)], 'leak-per-connection').regressed).toBe(false);
    expect(metric([withGrowth(2, 20, 5)], [withGrowth(2, 200, 5)], 'leak-per-connection').regressed).toBe(true);
    expect(metric([withGrowth(2, 20, 10)], [withGrowth(2, 20, 45)], 'handshake-p95').regressed).toBe(false);
    expect(metric([withGrowth(2, 20, 10)], [withGrowth(2, 20, 90)], 'handshake-p95').regressed).toBe(true);
  });

  it('counts an improvement as no regression, and a lower rate as worse', () => {
    expect(metric([withGrowth(30, 200, 5)], [withGrowth(2, 20, 5)], 'memory-growth').regressed).toBe(false);
    const base = makeReport();
    const worse = { ...base, checks: base.checks.map((c) => (c.id === 'connect-success-rate' ? { ...c, value: 0.5 } : c)) };
    expect(metric([base], [worse], 'connect-success-rate')).toMatchObject({ regressed: true, change: -0.5 });
  });

  it('judges each side by its median over alternating rounds', () => {
    const m = metric(
      [withGrowth(2, 0, 5), withGrowth(3, 0, 5), withGrowth(40, 0, 5)],
      [withGrowth(4, 0, 5), withGrowth(3, 0, 5), withGrowth(2, 0, 5)],
      'memory-growth',
    );
    expect(m).toMatchObject({ base: 3, current: 3, regressed: false });
  });
});

describe('withComparison', () => {
  it('adds a check per metric measured on both sides and redoes the verdict', () => {
    const compared = withComparison(withGrowth(9, 20, 5), [withGrowth(2, 20, 5)], {
      maxRegressionPercent: 25,
      level: 'error',
      source: 'base',
    });
    expect(compared.checks.find((c) => c.id === 'regression-memory-growth')).toMatchObject({
      status: 'fail',
      measured: '2.0\u00A0MiB → 9.0\u00A0MiB',
    });
    expect(compared.verdict).toBe('fail');
    const warned = withComparison(withGrowth(9, 20, 5), [withGrowth(2, 20, 5)], {
      maxRegressionPercent: 25,
      level: 'error',
      warnOnly: ['regression-memory-growth'],
      source: 'base',
    });
    expect(warned.verdict).toBe('warn');
  });

  it('says why it did not compare, and adds no check then', () => {
    const base = makeReport();
    const other = { ...base, config: { ...base.config, 'leak-cycles': '30' } };
    expect(incompatibility(other, makeReport())).toMatch(/leak-cycles: 30 vs/);
    const compared = withComparison(makeReport(), [other], { maxRegressionPercent: 25, level: 'error', source: 'base' });
    expect(compared.comparison!.metrics).toEqual([]);
    expect(regressionChecks(compared.comparison!, { maxRegressionPercent: 25, level: 'error', source: 'base' })).toEqual([]);
  });
});
