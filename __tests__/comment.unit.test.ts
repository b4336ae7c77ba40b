// The PR comment's pure parts: marker, ownership, create/update/skip, the body's size, and which PR an event names.

import { describe, expect, it } from 'vitest';
import { commentMarker, defaultCommentKey, encodeKey, hasMarker } from '../src/comment/marker.js';
import { describeApiError, resolveTarget, type ActionEvent } from '../src/comment/post.js';
import {
  commentBody,
  commentKeyFor,
  footer,
  GITHUB_COMMENT_MAX_CHARS,
  isOwnComment,
  planComment,
  type IssueComment,
} from '../src/comment/sticky-comment.js';
import type { CommentMode } from '../src/config/types.js';
import type { Verdict } from '../src/model/report.js';
import { crashedReport, failingReport, makeReport } from './helpers/report-factory.js';

const BOT = 'github-actions[bot]';

function comment(body: string, login: string | null = BOT, id = 1): IssueComment {
  return { id, body, user: login === null ? null : { login }, html_url: `https://github.com/o/r/pull/1#issuecomment-${id}` };
}

/** Where the first HTML comment that starts in `text` ends, by the HTML rule (`-->` or `--!>`), or -1. */
function htmlCommentEnd(text: string): number {
  const start = text.indexOf('<!--');
  const rest = text.slice(start + 4);
  const ends = [rest.indexOf('-->'), rest.indexOf('--!>')].filter((i) => i >= 0);
  return ends.length === 0 ? -1 : start + 4 + Math.min(...ends);
}

describe('comment marker', () => {
  it('is one hidden line that names the key', () => {
    expect(commentMarker('ci/gate')).toBe('<!-- ws-resilience-gate:comment-key=ci/gate -->');
    expect(defaultCommentKey('CI checks', 'resilience')).toBe('CI checks/resilience');
    expect(defaultCommentKey(null, null)).toBe('workflow/job');
  });

  it.each([
    ['an HTML comment end', 'x-->y'],
    ['the other HTML comment end', 'x--!>y'],
    ['a bare greater-than', '>'],
    ['a newline', 'a\nb'],
    ['a CRLF and a tag', 'a\r\n</details><img src=x onerror=alert(1)>'],
    ['a trailing double hyphen', 'key--'],
    ['a trailing hyphen before the closing', 'key-'],
  ])('cannot be ended early by a key with %s', (_name, key) => {
    const marker = commentMarker(key);
    expect(marker.split('\n')).toHaveLength(1);
    expect(htmlCommentEnd(marker)).toBe(marker.length - 3);
    const encoded = marker.slice('<!-- ws-resilience-gate:comment-key='.length, -' -->'.length);
    expect(encoded).toBe(encodeKey(key));
    expect(encoded).not.toMatch(/[<>]|--/);
  });

  it('encodes keys one-to-one, so distinct keys never share a marker', () => {
    const keys = ['a-b', 'a--b', 'a-%2Db', 'a%b', 'a%25b', 'é', '%C3%A9', 'A', 'a', 'a b', 'a_b'];
    const encoded = keys.map(encodeKey);
    expect(new Set(encoded).size).toBe(keys.length);
  });

  it('matches only the exact key on a line of its own', () => {
    const body = `report\n\n${commentMarker('ci/gate')}\n`;
    expect(hasMarker(body, 'ci/gate')).toBe(true);
    expect(hasMarker(body, 'ci/gat')).toBe(false);
    expect(hasMarker(`report\n\n${commentMarker('ci/gate2')}\n`, 'ci/gate')).toBe(false);
    expect(hasMarker(`quoted: ${commentMarker('ci/gate')}`, 'ci/gate')).toBe(false);
    expect(hasMarker(null, 'ci/gate')).toBe(false);
  });
});

describe('isOwnComment', () => {
  const key = 'ci/gate';
  const ours = `x\n${commentMarker(key)}\n`;
  it('needs the marker and the author', () => {
    expect(isOwnComment(comment(ours), key, BOT)).toBe(true);
    expect(isOwnComment(comment(ours, 'GitHub-Actions[bot]'), key, BOT)).toBe(true);
    expect(isOwnComment(comment(ours, 'mallory'), key, BOT)).toBe(false);
    expect(isOwnComment(comment(ours, null), key, BOT)).toBe(false);
    expect(isOwnComment(comment('no marker'), key, BOT)).toBe(false);
    expect(isOwnComment(comment(ours, 'my-bot'), key, 'my-bot')).toBe(true);
  });
});

describe('planComment', () => {
  const existing = comment('old');
  const cases: Array<[CommentMode, Verdict, boolean, string]> = [
    ['always', 'pass', false, 'create'],
    ['always', 'fail', false, 'create'],
    ['always', 'pass', true, 'update'],
    ['on-failure', 'fail', false, 'create'],
    ['on-failure', 'warn', false, 'skip'],
    ['on-failure', 'pass', false, 'skip'],
    // A fixed PR must not keep a stale red comment.
    ['on-failure', 'pass', true, 'update'],
    ['never', 'fail', false, 'skip'],
    ['never', 'fail', true, 'skip'],
  ];
  it.each(cases)("comment '%s', verdict %s, earlier comment %s: %s", (mode, verdict, hasExisting, action) => {
    const plan = planComment(mode, verdict, hasExisting ? existing : null);
    expect(plan.action).toBe(action);
    if (plan.action === 'update') expect(plan.comment).toBe(existing);
  });
});

describe('commentBody', () => {
  it('is the Markdown report, a footer with the commit and run, and the marker last', () => {
    const report = failingReport();
    const body = commentBody(report, 'ci/gate', { runUrl: 'https://github.com/o/r/actions/runs/42', headSha: 'abcdef1234567890' });
    expect(body.startsWith('### ❌ WebSocket resilience: 2 of 6 checks failed\n')).toBe(true);
    expect(body).toContain('- ❌ **connect success rate 64\u00A0% < 80\u00A0%** — ');
    expect(body).toContain('\nCommit abcdef1 · [workflow run, logs and report artifact](https://github.com/o/r/actions/runs/42)\n');
    expect(body.trimEnd().split('\n').at(-1)).toBe(commentMarker('ci/gate'));
    expect(hasMarker(body, 'ci/gate')).toBe(true);
  });

  it('drops footer parts that are not plainly a sha or an http(s) URL', () => {
    expect(footer({ runUrl: 'javascript:alert(1)', headSha: 'zzz' })).toBeNull();
    expect(footer({ runUrl: 'https://x/y) [evil](https://e', headSha: null })).toBeNull();
    expect(footer({})).toBeNull();
  });

  it(`stays within GitHub's ${GITHUB_COMMENT_MAX_CHARS} characters with a huge log and the longest key`, () => {
    const logTail = ['x'.repeat(1_000_000), ...Array.from({ length: 5000 }, (_, i) => `line ${i} ${'é'.repeat(60)}`)];
    const report = crashedReport({ server: { logTail } });
    const key = '😀'.repeat(100);
    const body = commentBody(report, key, { runUrl: `https://github.com/o/r/actions/runs/${'9'.repeat(200)}`, headSha: 'a'.repeat(40) });
    expect(body.length).toBeLessThanOrEqual(GITHUB_COMMENT_MAX_CHARS);
    expect(body.length).toBeGreaterThan(GITHUB_COMMENT_MAX_CHARS - 2_000);
    expect(body).toMatch(/Trimmed: .*server log tail/);
    expect(hasMarker(body, key)).toBe(true);
  });

  it('keys a report by its own workflow and job unless a key is given', () => {
    const report = makeReport({ environment: { workflow: 'ci', job: 'gate' } });
    expect(commentKeyFor(report, null)).toBe('ci/gate');
    expect(commentKeyFor(report, 'mine')).toBe('mine');
  });
});

describe('resolveTarget', () => {
  const event = (name: string, payload: unknown): ActionEvent => ({
    name,
    payload,
    repository: 'o/r',
    runUrl: 'https://github.com/o/r/actions/runs/1',
  });

  it('takes the pull request of a pull_request event, with its head commit and this run', () => {
    const target = resolveTarget(event('pull_request', { pull_request: { number: 12, head: { sha: 'abc1234' } } }), null, null);
    expect(target).toEqual({
      pr: { owner: 'o', repo: 'r', number: 12 },
      source: 'event',
      expectedHeadSha: null,
      links: { runUrl: 'https://github.com/o/r/actions/runs/1', headSha: 'abc1234' },
    });
  });

  it('takes a PR comment thread, but not a plain issue', () => {
    expect(resolveTarget(event('issue_comment', { issue: { number: 5, pull_request: {} } }), null, null)).toMatchObject({
      pr: { number: 5 },
    });
    expect(resolveTarget(event('issue_comment', { issue: { number: 5 } }), null, null)).toHaveProperty('skip');
  });

  it('skips events without a pull request, saying so', () => {
    const target = resolveTarget(event('push', { ref: 'refs/heads/main' }), null, null);
    expect(target).toEqual({ skip: "no pull request in this 'push' event: the PR comment is skipped (set pr-number to comment anyway)" });
    expect(resolveTarget({ ...event('pull_request', { pull_request: { number: 1 } }), repository: null }, null, null)).toHaveProperty(
      'skip',
    );
  });

  it('prefers pr-number over the event', () => {
    expect(resolveTarget(event('push', {}), 9, null)).toMatchObject({ pr: { number: 9 }, source: 'input' });
  });

  it('in a workflow_run, uses the run PR or else the report, and asks for the head commit check', () => {
    const run = { html_url: 'https://github.com/o/r/actions/runs/77', head_sha: 'f00dfeed', pull_requests: [{ number: 3 }] };
    expect(resolveTarget(event('workflow_run', { workflow_run: run }), null, 8)).toEqual({
      pr: { owner: 'o', repo: 'r', number: 3 },
      source: 'workflow-run',
      expectedHeadSha: 'f00dfeed',
      links: { runUrl: 'https://github.com/o/r/actions/runs/77', headSha: 'f00dfeed' },
    });
    // GitHub lists no pull request for a fork's branch: the report's number is used, and checked later.
    const fork = resolveTarget(event('workflow_run', { workflow_run: { ...run, pull_requests: [] } }), null, 8);
    expect(fork).toMatchObject({ pr: { number: 8 }, source: 'report', expectedHeadSha: 'f00dfeed' });
    expect(resolveTarget(event('workflow_run', { workflow_run: { ...run, pull_requests: [] } }), null, null)).toHaveProperty('skip');
  });
});

describe('describeApiError', () => {
  const pr = { owner: 'o', repo: 'r', number: 4 };
  it('points a 403 to the fork section of the README', () => {
    const message = describeApiError(Object.assign(new Error('Resource not accessible by integration'), { status: 403 }), pr);
    expect(message).toContain('o/r#4 (403: Resource not accessible by integration)');
    expect(message).toContain('#fork-pull-requests');
    expect(message).toContain('pull-requests: write');
  });

  it('names other statuses and network errors', () => {
    expect(describeApiError(Object.assign(new Error('Server Error'), { status: 500, response: { status: 500 } }), pr)).toBe(
      'GitHub answered 500 to the PR comment on o/r#4: Server Error',
    );
    expect(describeApiError(new Error('connect ECONNREFUSED'), pr)).toContain('could not reach GitHub');
    // Octokit's error for a request that got no answer: status 500, no response.
    expect(describeApiError(Object.assign(new Error('getaddrinfo ENOTFOUND api.github.com'), { status: 500 }), pr)).toBe(
      'could not reach GitHub for the PR comment on o/r#4: getaddrinfo ENOTFOUND api.github.com',
    );
  });
});
