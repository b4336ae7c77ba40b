// Posts or updates the PR comment for a report: finds the pull request, talks to the API, turns failures into words.

import { readFileSync } from 'node:fs';
import type { CommentConfig } from '../config/types.js';
import type { Report } from '../model/report.js';
import { TOOL_REPOSITORY_URL } from '../version.js';
import { createGitHubClient, type ClientOptions } from './github-client.js';
import {
  commentBody,
  commentKeyFor,
  commentMayBePosted,
  findOwnComment,
  planComment,
  type CommentLinks,
  type PullRequestRef,
} from './sticky-comment.js';

/** What the workflow run was triggered by, read from the runner's environment when asked (never at import). */
export interface ActionEvent {
  name: string | null;
  payload: unknown;
  /** owner/repo */
  repository: string | null;
  /** This run's page. */
  runUrl: string | null;
}

/** Reads GITHUB_EVENT_NAME, the event payload at GITHUB_EVENT_PATH, GITHUB_REPOSITORY and this run's URL. */
export function readEvent(env: NodeJS.ProcessEnv = process.env): ActionEvent {
  let payload: unknown = {};
  if (env.GITHUB_EVENT_PATH) {
    try {
      payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8'));
    } catch {
      payload = {};
    }
  }
  return {
    name: env.GITHUB_EVENT_NAME ?? null,
    payload,
    repository: env.GITHUB_REPOSITORY ?? null,
    runUrl: runUrlOf(env),
  };
}

/** This workflow run's page ($GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID); null outside a runner. */
export function runUrlOf(env: NodeJS.ProcessEnv): string | null {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = env;
  return server && repository && runId ? `${server}/${repository}/actions/runs/${runId}` : null;
}

/** The value at a path of plain objects and arrays, or undefined. */
function dig(value: unknown, ...path: Array<string | number>): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

function positiveInt(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

export interface CommentTarget {
  pr: PullRequestRef;
  /** Where the number came from: the `pr-number` input, the event, the workflow run, or the report (fork PRs). */
  source: 'input' | 'event' | 'workflow-run' | 'report';
  /** In a workflow_run, the commit the report measured: the PR must still be at it, or the report is stale (or forged). */
  expectedHeadSha: string | null;
  links: CommentLinks;
}

/**
 * Which pull request to comment on. In a workflow_run (fork PRs, post-comment mode) GitHub lists the PR only for
 * branches of this repository, so for a fork the number recorded in the report is used; posting then verifies the
 * PR's head commit against the run's, so a report cannot steer the comment to another PR.
 */
export function resolveTarget(
  event: ActionEvent,
  inputPr: number | null,
  reportPr: number | null | undefined,
): CommentTarget | { skip: string } {
  const [owner, repo, ...rest] = (event.repository ?? '').split('/');
  if (!owner || !repo || rest.length > 0) return { skip: 'GITHUB_REPOSITORY is not set (not running in a GitHub workflow)' };
  const run = dig(event.payload, 'workflow_run');
  const links: CommentLinks = run
    ? { runUrl: text(dig(run, 'html_url')), headSha: text(dig(run, 'head_sha')) }
    : { runUrl: event.runUrl, headSha: text(dig(event.payload, 'pull_request', 'head', 'sha')) };
  const target = (number: number, source: CommentTarget['source']): CommentTarget => ({
    pr: { owner, repo, number },
    source,
    expectedHeadSha: run ? (links.headSha ?? null) : null,
    links,
  });

  if (inputPr !== null) return target(inputPr, 'input');
  const fromPr = positiveInt(dig(event.payload, 'pull_request', 'number'));
  if (fromPr !== null) return target(fromPr, 'event');
  const fromIssue = dig(event.payload, 'issue', 'pull_request') ? positiveInt(dig(event.payload, 'issue', 'number')) : null;
  if (fromIssue !== null) return target(fromIssue, 'event');
  if (run) {
    const fromRun = positiveInt(dig(run, 'pull_requests', 0, 'number'));
    if (fromRun !== null) return target(fromRun, 'workflow-run');
    const fromReport = positiveInt(reportPr);
    if (fromReport !== null) return target(fromReport, 'report');
    return { skip: 'the workflow run names no pull request and the report records none: the PR comment is skipped' };
  }
  return {
    skip: `no pull request in this '${event.name ?? 'unknown'}' event: the PR comment is skipped (set pr-number to comment anyway)`,
  };
}

export type CommentOutcome =
  | { status: 'created' | 'updated' | 'unchanged'; url: string }
  /** `notice`: worth telling the user (no PR, a stale report); otherwise the mode asked for it. */
  | { status: 'skipped'; reason: string; notice: boolean }
  | { status: 'failed'; message: string };

/** The PR comment's API failure in words, pointing to the fix; a 403 is the read-only token of a fork PR. */
export function describeApiError(err: unknown, pr: PullRequestRef): string {
  const status = (err as { status?: unknown }).status;
  const message = (err as Error).message ?? String(err);
  const where = `${pr.owner}/${pr.repo}#${pr.number}`;
  if (status === 403) {
    return (
      `GitHub refused the PR comment on ${where} (403: ${message}). The token may not write to pull requests: on a ` +
      `pull request from a fork it is read-only. Post from a workflow_run workflow instead (${TOOL_REPOSITORY_URL}#fork-pull-requests), ` +
      "or give the job 'permissions: pull-requests: write'."
    );
  }
  if (status === 404)
    return `GitHub found no pull request ${where} for the PR comment (404: ${message}): check pr-number and the token's repository access.`;
  // Octokit gives a request that never got an answer status 500 too: only an HTTP response is GitHub answering.
  const answered = typeof status === 'number' && (err as { response?: unknown }).response !== undefined;
  if (answered) return `GitHub answered ${status} to the PR comment on ${where}: ${message}`;
  return `could not reach GitHub for the PR comment on ${where}: ${message}`;
}

export interface PostOptions {
  config: CommentConfig;
  event: ActionEvent;
  /** For tests: a quick back-off and their own throttling group. */
  client?: ClientOptions;
}

/** Creates, updates or skips this gate's comment on the pull request. Never throws: a failure comes back as `failed`. */
export async function postReportComment(report: Report, { config, event, client }: PostOptions): Promise<CommentOutcome> {
  if (!commentMayBePosted(config.mode)) return { status: 'skipped', reason: "comment is 'never'", notice: false };
  const target = resolveTarget(event, config.prNumber, report.environment.pullRequest);
  if ('skip' in target) return { status: 'skipped', reason: target.skip, notice: true };
  if (config.token === '') {
    return { status: 'failed', message: 'no github-token for the PR comment (the default is the workflow token, ${{ github.token }})' };
  }
  const { pr } = target;
  try {
    const octokit = createGitHubClient(config.token, client);
    if (target.expectedHeadSha) {
      const { data } = await octokit.rest.pulls.get({ owner: pr.owner, repo: pr.repo, pull_number: pr.number });
      if (data.head.sha !== target.expectedHeadSha) {
        return {
          status: 'skipped',
          reason:
            `pull request #${pr.number} is at commit ${data.head.sha.slice(0, 7)}, the report is for ` +
            `${target.expectedHeadSha.slice(0, 7)}: not posting an outdated (or misdirected) report`,
          notice: true,
        };
      }
    }
    const key = commentKeyFor(report, config.key);
    const existing = await findOwnComment(octokit, pr, key, config.author);
    const plan = planComment(config.mode, report.verdict, existing);
    if (plan.action === 'skip') return { status: 'skipped', reason: plan.reason, notice: false };
    const body = commentBody(report, key, target.links);
    if (plan.action === 'update') {
      if (plan.comment.body === body) return { status: 'unchanged', url: plan.comment.html_url };
      const { data } = await octokit.rest.issues.updateComment({ owner: pr.owner, repo: pr.repo, comment_id: plan.comment.id, body });
      return { status: 'updated', url: data.html_url };
    }
    const { data } = await octokit.rest.issues.createComment({ owner: pr.owner, repo: pr.repo, issue_number: pr.number, body });
    return { status: 'created', url: data.html_url };
  } catch (err) {
    return { status: 'failed', message: describeApiError(err, pr) };
  }
}
