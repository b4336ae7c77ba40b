// The action's face: what it reads of the runner's environment, and the outputs it sets from a report.

import { describe, expect, it } from 'vitest';
import { outputsOf, runnerEnvironment } from '../src/main.js';
import { makeReport } from './helpers/report-factory.js';

describe('runnerEnvironment', () => {
  it('reads the run, the commit and the link to the workflow run from GITHUB_* (the engine reads none of them)', () => {
    const env = runnerEnvironment({
      RUNNER_OS: 'Linux',
      GITHUB_SHA: 'abc123',
      GITHUB_WORKFLOW: 'resilience',
      GITHUB_JOB: 'gate',
      GITHUB_SERVER_URL: 'https://github.example',
      GITHUB_REPOSITORY: 'octo/app',
      GITHUB_RUN_ID: '42',
    });
    expect(env).toEqual({
      runnerOs: 'Linux',
      commit: 'abc123',
      workflow: 'resilience',
      job: 'gate',
      runUrl: 'https://github.example/octo/app/actions/runs/42',
    });
  });

  it('leaves what it does not know empty, and gives no link without all three parts', () => {
    expect(runnerEnvironment({ GITHUB_SERVER_URL: 'https://github.example', GITHUB_RUN_ID: '42' })).toEqual({
      runnerOs: null,
      commit: null,
      workflow: null,
      job: null,
    });
  });
});

describe('outputsOf', () => {
  it('sets the verdict and headline figures, and empty strings for what was not measured', () => {
    const report = makeReport();
    const outputs = outputsOf(report, '/tmp/report.json');
    expect(outputs).toMatchObject({
      passed: String(report.verdict !== 'fail'),
      verdict: report.verdict,
      'report-path': '/tmp/report.json',
    });
    const unmeasured = outputsOf({ ...report, checks: [], memory: { ...report.memory, retainedGrowthBytes: null } }, null);
    expect(unmeasured).toMatchObject({ 'report-path': '', 'connect-success-rate': '', 'memory-growth-mb': '' });
  });
});
