// The docs' verdict claims as the ecosystems test reads them: what a Verdict cell says, and that a run whose verdict
// differs (or that fails a check the cell does not name) disagrees, so a changed claim fails that test.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { disagreement, verdictClaims } from './helpers/docs-claims.js';
import { ROOT } from './helpers/gate-run.js';
import { failingReport, makeReport } from './helpers/report-factory.js';

const ECOSYSTEMS = readFileSync(join(ROOT, 'docs/ecosystems.md'), 'utf8');

describe('verdict claims in the docs', () => {
  it('reads every row of docs/ecosystems.md that names a verdict, and only those', () => {
    const claims = verdictClaims(ECOSYSTEMS);
    expect(claims.map((c) => c.row)).toEqual([
      "Python websockets 10.4 (Debian's /usr/bin/python3)",
      'websocketd 0.4.1 (Debian) wrapping cat',
      'Socket.IO 4.8, example settings',
      'Socket.IO 4.8, every default',
      'Node ws started by npm start, attached by URL',
    ]);
    expect(claims.every((c) => c.verdict === 'pass')).toBe(true);
  });

  it('a passing run agrees with "pass"; the same docs claiming "fail" for that row disagree', () => {
    const pass = makeReport();
    const [claim] = verdictClaims(ECOSYSTEMS).filter((c) => c.row.startsWith('Socket.IO 4.8, every default'));
    expect(disagreement(claim!, pass)).toBeNull();
    const changed = ECOSYSTEMS.replace(
      /^(\| Socket\.IO 4\.8, every default \|.*\| )pass( \([^|]*\) \|)$/m,
      '$1**fail**: `recovery` only (the server closed on the test message)$2',
    );
    expect(changed).not.toBe(ECOSYSTEMS);
    const [wrong] = verdictClaims(changed).filter((c) => c.row.startsWith('Socket.IO 4.8, every default'));
    expect(wrong).toMatchObject({ verdict: 'fail', checks: ['recovery'] });
    expect(disagreement(wrong!, pass)).toMatch(/^the docs say '.*fail.*' for Socket\.IO 4\.8, every default, the run's verdict is pass/);
  });

  it('a failing claim that names its checks holds only when exactly those fail or warn', () => {
    const table = '| Server | Verdict |\n|---|---|\n| x | **fail**: `connect-success-rate` only |\n| y | nothing measured |\n';
    const [claim] = verdictClaims(table);
    expect(verdictClaims(table)).toHaveLength(1);
    expect(claim).toMatchObject({ row: 'x', verdict: 'fail', checks: ['connect-success-rate'] });
    const failing = failingReport();
    const failed = failing.checks.filter((c) => c.status === 'fail').map((c) => c.id);
    expect(failed).toContain('connect-success-rate');
    expect(disagreement(claim!, failing)).toMatch(/the run did not pass: /);
    const onlyThat = {
      ...failing,
      checks: failing.checks.map((c) => (c.id === 'connect-success-rate' ? c : { ...c, status: 'pass' as const })),
    };
    expect(disagreement(claim!, onlyThat)).toBeNull();
  });
});
