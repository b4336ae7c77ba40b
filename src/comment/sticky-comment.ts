// The sticky PR comment: its body, how ours is told apart from everyone else's, and whether to create, update or skip.

import type { CommentMode } from '../config/types.js';
import { defaultSettings } from '../config/resolve.js';
import { DEFAULT_MAX_CHARS, renderComment } from '../report/markdown.js';
import type { Report, Verdict } from '../model/report.js';
import { commentMarker, defaultCommentKey, hasMarker } from './marker.js';
import type { GitHubClient } from './github-client.js';

/** GitHub rejects a comment body longer than this (422 "body is too long"). */
export const GITHUB_COMMENT_MAX_CHARS = 65_536;

/** The fields of an issue comment that matter here, as the REST API returns them. */
export interface IssueComment {
  id: number;
  body?: string | null;
  user: { login: string } | null;
  html_url: string;
}

export interface PullRequestRef {
  owner: string;
  repo: string;
  number: number;
}

/** Where the comment says the run can be inspected; each part is left out when unknown. */
export interface CommentLinks {
  /** The workflow run that measured (its logs and the report artifact). */
  runUrl?: string | null;
  /** The pull request's head commit the run measured. */
  headSha?: string | null;
}

/** The comment key of a report: the one given, or the workflow and job that wrote the report. */
export function commentKeyFor(report: Report, key: string | null): string {
  return key ?? defaultCommentKey(report.environment.workflow, report.environment.job);
}

/** One line naming the commit and linking the run; values that are not plainly a sha or a URL are dropped. */
export function footer(links: CommentLinks): string | null {
  const parts: string[] = [];
  if (links.headSha && /^[0-9a-f]{7,64}$/i.test(links.headSha)) parts.push(`Commit ${links.headSha.slice(0, 7)}`);
  if (links.runUrl && /^https?:\/\/[^\s()<>[\]"'`\\]+$/.test(links.runUrl))
    parts.push(`[workflow run, logs and report artifact](${links.runUrl})`);
  return parts.length === 0 ? null : parts.join(' · ');
}

/**
 * The comment body: the Markdown report, a footer, and the hidden marker last. The report is given whatever room the
 * marker and footer leave below GitHub's limit, so the API never answers "body is too long".
 */
export function commentBody(report: Report, key: string, links: CommentLinks = {}): string {
  // The report links its workflow run itself; the footer then only names the commit.
  const foot = footer(report.environment.runUrl ? { ...links, runUrl: null } : links);
  const tail = `${foot === null ? '' : `\n${foot}\n`}\n${commentMarker(key)}\n`;
  const maxChars = Math.min(DEFAULT_MAX_CHARS, GITHUB_COMMENT_MAX_CHARS - tail.length);
  const markdown = renderComment(report, { maxChars, settingDefaults: defaultSettings(report.config.profile) });
  return `${markdown}${tail}`;
}

/** Ours: it carries this key's marker AND was written by the expected author (anyone can copy a marker). */
export function isOwnComment(comment: IssueComment, key: string, author: string): boolean {
  return comment.user?.login.toLowerCase() === author.toLowerCase() && hasMarker(comment.body, key);
}

/** Pages through every comment of the PR (100 per page, following Link headers) and returns the first one of ours. */
export async function findOwnComment(octokit: GitHubClient, pr: PullRequestRef, key: string, author: string): Promise<IssueComment | null> {
  const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, {
    owner: pr.owner,
    repo: pr.repo,
    issue_number: pr.number,
    per_page: 100,
  });
  for await (const page of pages) {
    const found = page.data.find((c) => isOwnComment(c, key, author));
    if (found) return found;
  }
  return null;
}

export type CommentPlan = { action: 'create' } | { action: 'update'; comment: IssueComment } | { action: 'skip'; reason: string };

/** True when the mode may lead to a comment at all (so the comments are worth listing). */
export function commentMayBePosted(mode: CommentMode): boolean {
  return mode !== 'never';
}

/**
 * Create, update or skip. `on-failure` creates only for a failed gate but always updates an existing comment, so a
 * fixed PR does not keep a stale red one; `never` touches nothing.
 */
export function planComment(mode: CommentMode, verdict: Verdict, existing: IssueComment | null): CommentPlan {
  if (mode === 'never') return { action: 'skip', reason: "comment is 'never'" };
  if (existing) return { action: 'update', comment: existing };
  if (mode === 'on-failure' && verdict !== 'fail') {
    return {
      action: 'skip',
      reason: `comment is 'on-failure', the gate's verdict is '${verdict}' and there is no earlier comment to update`,
    };
  }
  return { action: 'create' };
}
