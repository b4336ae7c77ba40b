// The action's face: run() with its inputs in the environment as the runner passes them (action.yml's defaults
// under the step's own), what it reads of the runner's environment, and the outputs it sets from a report. The runs
// here start no server: bad input stops before anything starts, and post-comment mode reads a report file.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { outputsOf, run, runnerEnvironment } from '../src/main.js';
import { ROOT } from './helpers/gate-run.js';
import { failingReport, makeReport } from './helpers/report-factory.js';
import { tempDirsRemovedAfterEach } from './helpers/temp.js';

const tempDir = tempDirsRemovedAfterEach();

/** action.yml's inputs with their defaults, as the runner fills in what the step leaves out. */
const ACTION_DEFAULTS = Object.entries(
  (parseYaml(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }> }).inputs,
).map(([name, input]) => [name, name === 'github-token' ? 'ghs_workflow_token' : (input.default ?? '')] as const);

interface StepResult {
  /** The step failed (`core.setFailed` sets exit code 1). */
  failed: boolean;
  /** Workflow commands and log lines run() printed. */
  log: string;
  /** The step outputs written to GITHUB_OUTPUT. */
  outputs: Record<string, string>;
  /** The job summary written to GITHUB_STEP_SUMMARY. */
  summary: string;
}

/** Runs the action's run() as a step with `with:` inputs, on a push (no pull request). */
async function step(withInputs: Record<string, string>): Promise<StepResult> {
  const dir = tempDir('ws-gate-main-');
  const files = { GITHUB_OUTPUT: join(dir, 'output'), GITHUB_STEP_SUMMARY: join(dir, 'summary') };
  for (const path of Object.values(files)) writeFileSync(path, '');
  for (const [name, value] of [...ACTION_DEFAULTS, ...Object.entries(withInputs)]) vi.stubEnv(`INPUT_${name.toUpperCase()}`, value);
  for (const [name, path] of Object.entries(files)) vi.stubEnv(name, path);
  // A push to a repository: a runner, but no pull request to comment on.
  vi.stubEnv('GITHUB_REPOSITORY', 'octo/app');
  vi.stubEnv('GITHUB_EVENT_NAME', 'push');
  vi.stubEnv('GITHUB_EVENT_PATH', '');
  const printed: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    printed.push(String(chunk));
    return true;
  });
  try {
    await run();
  } finally {
    vi.restoreAllMocks();
  }
  const failed = process.exitCode === 1;
  process.exitCode = undefined;
  // Each output is `name<<delimiter`, the value, the delimiter.
  const outputs: Record<string, string> = {};
  for (const [, name, , value] of readFileSync(files.GITHUB_OUTPUT, 'utf8').matchAll(/^(.+?)<<(\S+)\n([\s\S]*?)\n\2$/gm)) {
    outputs[name!] = value!;
  }
  return { failed, log: printed.join(''), outputs, summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8') };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('run', () => {
  it('fails the step on bad input with one message naming the input and what it accepts, before anything starts', async () => {
    const result = await step({ 'server-command': 'node examples/echo-server.js', url: 'ws://127.0.0.1:0/', 'flap-cycles': 'many' });
    expect(result.failed).toBe(true);
    const errors = result.log.split('\n').filter((line) => line.startsWith('::error::'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/'flap-cycles'.*'many'/);
    // Nothing ran: no progress line, no outputs, no summary.
    expect(result.log).not.toMatch(/▶/);
    expect(result.outputs).toEqual({});
    expect(result.summary).toBe('');
  });

  it('post-comment mode: the report of an earlier run becomes outputs and a job summary; a fail verdict passes the step', async () => {
    const path = join(tempDir('ws-gate-main-report-'), 'report.json');
    const report = failingReport();
    writeFileSync(path, JSON.stringify(report));
    const result = await step({ mode: 'post-comment', 'report-path': path });
    expect(result.failed).toBe(false);
    expect(result.outputs).toMatchObject({ verdict: 'fail', passed: 'false', 'report-path': path });
    expect(result.summary).toContain(report.checks.find((c) => c.status === 'fail')!.title);
    // No pull request in the event: the comment is skipped with a notice saying why, never an error.
    expect(result.log).toMatch(/^::notice::no pull request in this 'push' event: the PR comment is skipped/m);
    expect(result.log).not.toMatch(/^::error::/m);
  });

  it('post-comment mode fails the step naming the report it could not read', async () => {
    const missing = join(tempDir('ws-gate-main-report-'), 'absent.json');
    const result = await step({ mode: 'post-comment', 'report-path': missing });
    expect(result.failed).toBe(true);
    expect(result.log).toMatch(new RegExp(`^::error::.*${missing.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`, 'm'));
  });
});

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
