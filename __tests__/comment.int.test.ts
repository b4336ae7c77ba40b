// The sticky comment through the real @actions/github client (with Octokit's retry and throttling plugins) against a
// local stand-in for GitHub's REST API: create, update in place, pagination, other authors, 403, retries, size.

import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commentMarker } from '../src/comment/marker.js';
import { postReportComment, type ActionEvent, type CommentOutcome } from '../src/comment/post.js';
import { GITHUB_COMMENT_MAX_CHARS } from '../src/comment/sticky-comment.js';
import { type CommentConfig } from '../src/config/types.js';
import { parseCommentConfig } from '../src/config/parse.js';
import type { RawInputs } from '../src/config/inputs.js';
import type { Report } from '../src/model/report.js';
import { GitHubApiStandIn } from './fixtures/github-api.js';
import { crashedReport, failingReport, makeReport } from './helpers/report-factory.js';

const PR = 17;
const TOKEN = 'ghs_test_token';
const KEY = 'ci/resilience';
const MARKER = commentMarker(KEY);

let api: GitHubApiStandIn;

beforeEach(async () => {
  api = await GitHubApiStandIn.start({ token: TOKEN });
});
afterEach(async () => {
  await api.close();
});

function prEvent(number = PR): ActionEvent {
  return {
    name: 'pull_request',
    payload: { pull_request: { number, head: { sha: 'abc1234def' } } },
    repository: 'o/r',
    runUrl: 'https://github.com/o/r/actions/runs/1',
  };
}

function config(inputs: RawInputs = {}): CommentConfig {
  return parseCommentConfig({ 'github-token': TOKEN, ...inputs });
}

/** One action run's comment step: a fresh client (as each run is a fresh process), quick back-off. */
function post(report: Report, inputs: RawInputs = {}, event: ActionEvent = prEvent()): Promise<CommentOutcome> {
  return postReportComment(makeKeyed(report), {
    config: config(inputs),
    event,
    client: { baseUrl: api.url, retryAfterBaseMs: 5, throttleId: randomUUID() },
  });
}

/** Reports of this suite come from workflow `ci`, job `resilience`: the default key is ci/resilience. */
function makeKeyed(report: Report): Report {
  return { ...report, environment: { ...report.environment, workflow: 'ci', job: 'resilience' } };
}

function requestLine(): string[] {
  return api.requests.map((r) => `${r.method} ${r.url.replace(/\?.*/, '')} ${r.status}`);
}

describe('sticky PR comment against the GitHub API stand-in', () => {
  it('creates the comment on the first run and updates the same one on the second', async () => {
    const first = await post(failingReport());
    expect(first.status).toBe('created');
    const [created] = api.commentsOn(PR);
    expect(created).toBeDefined();
    expect(first).toEqual({ status: 'created', url: `https://github.com/o/r/pull/${PR}#issuecomment-${created!.id}` });
    expect(created!.body.startsWith('### ❌ WebSocket resilience: 2 of 6 checks failed')).toBe(true);
    expect(created!.body).toContain(MARKER);
    expect(api.requests.every((r) => r.authorization === `token ${TOKEN}`)).toBe(true);

    const second = await post(makeReport());
    expect(second).toEqual({ status: 'updated', url: first.status === 'created' ? first.url : '' });
    expect(api.commentsOn(PR)).toHaveLength(1);
    expect(api.commentsOn(PR)[0]!.body.startsWith('### ✅ WebSocket resilience: 6 of 6 checks passed')).toBe(true);
    expect(requestLine()).toEqual([
      `GET /repos/o/r/issues/${PR}/comments 200`,
      `POST /repos/o/r/issues/${PR}/comments 201`,
      `GET /repos/o/r/issues/${PR}/comments 200`,
      `PATCH /repos/o/r/issues/comments/${created!.id} 200`,
    ]);
    expect(api.requests[0]!.url).toContain('per_page=100');

    // Nothing changed: no write at all.
    const third = await post(makeReport());
    expect(third.status).toBe('unchanged');
    expect(api.writes()).toHaveLength(2);
  });

  it('finds its comment on page 2 by following the Link header, and updates it', async () => {
    for (let i = 0; i < 130; i++) api.addComment(PR, `review comment ${i}`, i % 2 === 0 ? 'alice' : 'bob');
    const ours = api.addComment(PR, `old report\n\n${MARKER}\n`, 'github-actions[bot]');
    for (let i = 0; i < 20; i++) api.addComment(PR, `later comment ${i}`, 'carol');

    const outcome = await post(makeReport());
    expect(outcome).toEqual({ status: 'updated', url: `https://github.com/o/r/pull/${PR}#issuecomment-${ours.id}` });
    expect(ours.body).toContain('✅ WebSocket resilience');
    const lists = api.requests.filter((r) => r.method === 'GET');
    expect(lists.map((r) => new URL(r.url, api.url).searchParams.get('page') ?? '1')).toEqual(['1', '2']);
    expect(api.writes().map((r) => `${r.method} ${r.url}`)).toEqual([`PATCH /repos/o/r/issues/comments/${ours.id}`]);
    expect(api.commentsOn(PR)).toHaveLength(151);
  });

  it('leaves alone a comment with our marker by another author, and creates its own', async () => {
    const impostor = api.addComment(PR, `I copied the marker\n${MARKER}\n`, 'mallory');
    const outcome = await post(makeReport());
    expect(outcome.status).toBe('created');
    expect(impostor.body).toBe(`I copied the marker\n${MARKER}\n`);
    expect(api.writes().map((r) => r.method)).toEqual(['POST']);
    expect(api.commentsOn(PR).map((c) => c.login)).toEqual(['mallory', 'github-actions[bot]']);
  });

  it('keeps one comment per key, so several gates on one PR do not overwrite each other', async () => {
    await post(makeReport(), { 'comment-key': 'node-20' });
    await post(failingReport(), { 'comment-key': 'node-24' });
    await post(failingReport(), { 'comment-key': 'node-20' });
    const bodies = api.commentsOn(PR).map((c) => c.body);
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toContain(commentMarker('node-20'));
    expect(bodies[0]!.startsWith('### ❌')).toBe(true);
    expect(bodies[1]).toContain(commentMarker('node-24'));
  });

  it('updates a comment written by the login given in comment-author (a PAT or an app)', async () => {
    const mine = api.addComment(PR, `old\n${MARKER}\n`, 'my-ci-bot');
    api.addComment(PR, `old\n${MARKER}\n`, 'github-actions[bot]');
    const outcome = await post(makeReport(), { 'comment-author': 'my-ci-bot' });
    expect(outcome.status).toBe('updated');
    expect(mine.body.startsWith('### ✅')).toBe(true);
  });

  it('on-failure: creates nothing for a passing gate, but turns an existing red comment green', async () => {
    expect(await post(makeReport(), { comment: 'on-failure' })).toMatchObject({ status: 'skipped', notice: false });
    expect(api.writes()).toEqual([]);

    const created = await post(failingReport(), { comment: 'on-failure' });
    expect(created.status).toBe('created');
    expect(await post(makeReport(), { comment: 'on-failure' })).toMatchObject({ status: 'updated' });
    expect(api.commentsOn(PR)[0]!.body.startsWith('### ✅')).toBe(true);
  });

  it('never: makes no request at all', async () => {
    expect(await post(failingReport(), { comment: 'never' })).toMatchObject({ status: 'skipped' });
    expect(api.requests).toEqual([]);
  });

  it('turns a 403 (the read-only token of a fork PR) into a message pointing to the fork section', async () => {
    api.readOnly = true;
    const outcome = await post(failingReport());
    expect(outcome.status).toBe('failed');
    expect(outcome.status === 'failed' && outcome.message).toMatch(/403: Resource not accessible by integration.*#fork-pull-requests/);
    expect(api.comments).toEqual([]);
    // Not retried: a 403 without rate-limit headers will not change.
    expect(api.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('says GitHub could not be reached when nothing answers, not that it answered 500', async () => {
    // Octokit gives a request without an answer status 500 as well: the message must not say GitHub answered.
    const gone = await GitHubApiStandIn.start({ token: TOKEN });
    const url = gone.url;
    await gone.close();
    const outcome = await postReportComment(makeKeyed(failingReport()), {
      config: config(),
      event: prEvent(),
      client: { baseUrl: url, retryAfterBaseMs: 5, throttleId: randomUUID() },
    });
    expect(outcome.status).toBe('failed');
    expect(outcome.status === 'failed' && outcome.message).toMatch(/^could not reach GitHub for the PR comment on o\/r#17: /);
  });

  it('cannot get a 422 "body is too long": a 1 MB log line and thousands more are trimmed to fit', async () => {
    const logTail = ['`'.repeat(40), 'z'.repeat(1_000_000), ...Array.from({ length: 4000 }, (_, i) => `line ${i} ${'ü'.repeat(100)}`)];
    const outcome = await post(crashedReport({ server: { logTail } }), { 'comment-key': 'k'.repeat(100) });
    expect(outcome.status).toBe('created');
    const [stored] = api.comments;
    expect(stored!.body.length).toBeLessThanOrEqual(GITHUB_COMMENT_MAX_CHARS);
    expect(stored!.body).toMatch(/Trimmed: .*server log tail/);
    expect(api.requests.map((r) => r.status)).not.toContain(422);
  });

  it('the stand-in does answer 422 to an oversized body, so the previous test can fail', async () => {
    const { createGitHubClient } = await import('../src/comment/github-client.js');
    const octokit = createGitHubClient(TOKEN, { baseUrl: api.url, retryAfterBaseMs: 5, throttleId: randomUUID() });
    await expect(
      octokit.rest.issues.createComment({ owner: 'o', repo: 'r', issue_number: PR, body: 'x'.repeat(GITHUB_COMMENT_MAX_CHARS + 1) }),
    ).rejects.toMatchObject({
      status: 422,
    });
  });

  it('retries a 502 with Octokit’s retry plugin, for the listing and for the write', async () => {
    api.fail({ method: 'GET', path: /\/issues\/\d+\/comments$/, status: 502, body: { message: 'Bad Gateway' } });
    api.fail({ method: 'POST', path: /\/issues\/\d+\/comments$/, status: 502, body: { message: 'Bad Gateway' } });
    const outcome = await post(makeReport());
    expect(outcome.status).toBe('created');
    expect(requestLine()).toEqual([
      `GET /repos/o/r/issues/${PR}/comments 502`,
      `GET /repos/o/r/issues/${PR}/comments 200`,
      `POST /repos/o/r/issues/${PR}/comments 502`,
      `POST /repos/o/r/issues/${PR}/comments 201`,
    ]);
    expect(api.comments).toHaveLength(1);
  });

  it('gives up after the retries and reports the status', async () => {
    api.fail({ method: 'GET', path: /\/comments$/, status: 503, times: 10 });
    const outcome = await post(makeReport());
    expect(outcome).toMatchObject({ status: 'failed', message: expect.stringContaining('GitHub answered 503') });
    // The first try and Octokit's default three retries.
    expect(api.requests).toHaveLength(4);
  });

  it('waits out a primary rate limit with the throttling plugin, unlike a permission 403', async () => {
    const reset = String(Math.floor(Date.now() / 1000));
    api.fail({
      method: 'POST',
      path: /\/comments$/,
      status: 403,
      body: { message: 'API rate limit exceeded' },
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
    });
    const outcome = await post(makeReport());
    expect(outcome.status).toBe('created');
    expect(api.requests.filter((r) => r.method === 'POST').map((r) => r.status)).toEqual([403, 201]);
  });

  it('skips with a notice when the event has no pull request, without calling the API', async () => {
    const outcome = await post(failingReport(), {}, { name: 'push', payload: {}, repository: 'o/r', runUrl: null });
    expect(outcome).toMatchObject({ status: 'skipped', notice: true, reason: expect.stringContaining("'push' event") });
    expect(api.requests).toEqual([]);
  });

  it('fails (as a message) without a token, and on a wrong token', async () => {
    expect(await post(makeReport(), { 'github-token': '' })).toMatchObject({
      status: 'failed',
      message: expect.stringContaining('no github-token'),
    });
    const wrong = await post(makeReport(), { 'github-token': 'not-the-token' });
    expect(wrong).toMatchObject({ status: 'failed', message: expect.stringContaining('GitHub answered 401') });
  });

  describe('workflow_run (fork PRs)', () => {
    const headSha = 'c0ffee0123456789';
    const runEvent = (pullRequests: unknown[]): ActionEvent => ({
      name: 'workflow_run',
      payload: { workflow_run: { head_sha: headSha, html_url: 'https://github.com/o/r/actions/runs/99', pull_requests: pullRequests } },
      repository: 'o/r',
      runUrl: 'https://github.com/o/r/actions/runs/100',
    });
    const forkReport = (pr: number): Report => makeReport({ environment: { pullRequest: pr } });

    it("posts on the PR recorded in the report when the PR's head is the run's commit, linking the gate's run", async () => {
      api.pulls.set(PR, headSha);
      const outcome = await post(forkReport(PR), {}, runEvent([]));
      expect(outcome.status).toBe('created');
      const [stored] = api.commentsOn(PR);
      expect(stored!.body).toContain('Commit c0ffee0 · [workflow run, logs and report artifact](https://github.com/o/r/actions/runs/99)');
      expect(api.requests[0]).toMatchObject({ method: 'GET', url: `/repos/o/r/pulls/${PR}` });
    });

    it('refuses a report whose PR is at another commit (outdated, or pointing elsewhere)', async () => {
      api.pulls.set(PR, 'deadbeef00000000');
      const outcome = await post(forkReport(PR), {}, runEvent([]));
      expect(outcome).toMatchObject({
        status: 'skipped',
        notice: true,
        reason: expect.stringContaining('is at commit deadbee, the report is for c0ffee0'),
      });
      expect(api.writes()).toEqual([]);
    });

    it('prefers the PR GitHub names in the run over the report', async () => {
      api.pulls.set(5, headSha);
      const outcome = await post(forkReport(PR), {}, runEvent([{ number: 5 }]));
      expect(outcome.status).toBe('created');
      expect(api.commentsOn(5)).toHaveLength(1);
      expect(api.commentsOn(PR)).toHaveLength(0);
    });
  });
});
