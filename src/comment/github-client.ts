// Builds the Octokit client for the PR comment: @actions/github's client with Octokit's retry and throttling plugins.

import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

export type GitHubClient = ReturnType<typeof getOctokit>;

/** A rate limit is waited out this many times at most, and only when the wait is this short (seconds). */
const RATE_LIMIT_RETRIES = 2;
const RATE_LIMIT_MAX_WAIT_S = 60;

export interface ClientOptions {
  /** REST API root; default: GITHUB_API_URL as it is when the client is built (GitHub Enterprise, tests), else api.github.com. */
  baseUrl?: string;
  /**
   * Milliseconds in one unit of back-off: the retry plugin waits attempt² units after a 5xx, the throttling plugin the
   * seconds GitHub asks for, in units. Octokit's default is 1000; tests make it small so they do not wait seconds.
   */
  retryAfterBaseMs?: number;
  /** Retries after a 5xx or a network error (Octokit's default is 3). */
  retries?: number;
  /** Throttling groups are shared per id within a process; tests give each client its own so they do not queue up. */
  throttleId?: string;
  /** Told when a rate limit is hit and whether it is waited out. */
  onRateLimit?: (message: string) => void;
}

/** An authenticated client that retries 5xx answers and waits out (short) rate limits, as Octokit's plugins do. */
export function createGitHubClient(token: string, options: ClientOptions = {}): GitHubClient {
  const baseUrl = options.baseUrl ?? process.env.GITHUB_API_URL ?? 'https://api.github.com';
  const base = options.retryAfterBaseMs;
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number): boolean => {
      const wait = retryCount < RATE_LIMIT_RETRIES && retryAfter <= RATE_LIMIT_MAX_WAIT_S;
      options.onRateLimit?.(
        `GitHub ${kind} hit by ${request.method} ${request.url}: ` +
          `${wait ? `retrying after ${retryAfter} s` : `giving up (retry after ${retryAfter} s)`}`,
      );
      return wait;
    };
  return getOctokit(
    token,
    {
      baseUrl,
      retry: {
        ...(base !== undefined && { retryAfterBaseValue: base }),
        ...(options.retries !== undefined && { retries: options.retries }),
      },
      throttle: {
        ...(base !== undefined && { retryAfterBaseValue: base }),
        ...(options.throttleId !== undefined && { id: options.throttleId }),
        onRateLimit: onLimit('rate limit'),
        onSecondaryRateLimit: onLimit('secondary rate limit'),
      },
    },
    retry,
    throttling,
  );
}
