// Action: inputs -> config -> gate -> report -> outputs, job summary, PR comment, verdict. Nothing is read at import time.

import { resolve } from 'node:path';
import * as core from '@actions/core';
import { mbFromBytes } from './model/format.js';
import { postReportComment, readEvent, resolveTarget, runUrlOf, type CommentOutcome } from './comment/post.js';
import { INPUTS, type RawInputs } from './config/inputs.js';
import { ConfigError, type ActionConfig, type CommentConfig, type Config } from './config/types.js';
import { describeConfig, parseActionConfig } from './config/parse.js';
import { defaultSettings } from './config/resolve.js';
import { runGateWithBaseCompare } from './run/base-compare.js';
import { withCancelSignals } from './run/cancel.js';
import { loadShapeOf } from './config/load-shape.js';
import { exportLine, writeArtilleryExport } from './report/artillery-file.js';
import { readJsonReport, writeJsonReport } from './report/json.js';
import { describeViolation, renderMarkdown } from './report/markdown.js';
import { whyLines } from './report/causes.js';
import { PLAIN_STYLE } from './report/sentences.js';
import type { Report } from './model/report.js';
import { renderTerminal } from './report/terminal.js';

/** Every input as the runner passed it (the runner also passes action.yml's defaults). */
export function readInputs(): RawInputs {
  const raw: RawInputs = {};
  for (const input of INPUTS) {
    // `message` keeps its spaces; everything else is trimmed by the parser.
    const value = core.getInput(input.name, { trimWhitespace: input.name !== 'message' });
    if (value !== '') raw[input.name] = value;
  }
  return raw;
}

/** Header values are secrets: the runner masks them in every log line from now on. */
function maskSecrets(config: Config): void {
  for (const value of Object.values(config.client.headers)) if (value !== '') core.setSecret(value);
}

/** Step outputs from the report: the headline figures, '' where not measured. */
export function outputsOf(report: Report, reportPath: string | null): Record<string, string> {
  const value = (id: string): string => {
    const v = report.checks.find((c) => c.id === id)?.value;
    return v === null || v === undefined ? '' : String(Math.round(v * 10_000) / 10_000);
  };
  const growth = report.memory.retainedGrowthBytes;
  return {
    passed: String(report.verdict !== 'fail'),
    verdict: report.verdict,
    'report-path': reportPath ?? '',
    'connect-success-rate': value('connect-success-rate'),
    'disconnect-success-rate': value('disconnect-success-rate'),
    'memory-growth-mb': growth === null ? '' : String(Math.round(mbFromBytes(growth) * 100) / 100),
  };
}

export async function run(): Promise<void> {
  let action: ActionConfig;
  const raw = readInputs();
  try {
    action = parseActionConfig(raw);
  } catch (err) {
    core.setFailed(err instanceof ConfigError ? err.message : `could not read the inputs: ${String(err)}`);
    return;
  }
  if (action.comment.token !== '') core.setSecret(action.comment.token);
  if (action.mode === 'post-comment') {
    await postCommentOnly(action.reportPath, action.comment).catch((err: unknown) => {
      core.setFailed(`ws-resilience-gate failed unexpectedly: ${(err as Error).stack ?? String(err)}`);
    });
    return;
  }
  const config = action.gate;
  maskSecrets(config);

  try {
    const warn = (signal: NodeJS.Signals): void => core.warning(`${signal} received: tearing down the server and writing a partial report`);
    const { result: measured } = await withCancelSignals(warn, (signal) =>
      runGateWithBaseCompare(config, {
        signal,
        onProgress: (line) => core.info(line),
        configDescription: describeConfig(raw),
        environment: runnerEnvironment(),
      }),
    );
    const report = withPullRequest(measured, action.comment);
    core.info(renderTerminal(report));
    const reportPath = await writeReport(report, config);
    await exportArtillery(report, config);
    await publish(report, reportPath);
    await comment(report, action.comment);
    stateVerdict(report);
  } catch (err) {
    core.setFailed(`ws-resilience-gate failed unexpectedly: ${(err as Error).stack ?? String(err)}`);
  }
}

/** What the runner tells of the run through its environment: the engine itself reads none of it. */
export function runnerEnvironment(env: NodeJS.ProcessEnv = process.env): Partial<Report['environment']> {
  const runUrl = runUrlOf(env);
  return {
    runnerOs: env.RUNNER_OS ?? null,
    commit: env.GITHUB_SHA ?? null,
    workflow: env.GITHUB_WORKFLOW ?? null,
    job: env.GITHUB_JOB ?? null,
    ...(runUrl !== null ? { runUrl } : {}),
  };
}

/**
 * Records the pull request in the report, so a post-comment run for a fork PR knows where to post, and
 * its head commit: on pull_request events GITHUB_SHA is a merge commit nobody pushed.
 */
function withPullRequest(report: Report, comment: CommentConfig): Report {
  const event = readEvent();
  const target = resolveTarget(event, comment.prNumber, null);
  const head = (event.payload as { pull_request?: { head?: { sha?: unknown } } }).pull_request?.head?.sha;
  return {
    ...report,
    environment: {
      ...report.environment,
      pullRequest: 'skip' in target ? null : target.pr.number,
      commit: typeof head === 'string' ? head : report.environment.commit,
    },
  };
}

/**
 * post-comment mode: the report of an earlier run (a fork PR's artifact) becomes outputs, a job summary and the PR
 * comment. Its verdict does not fail this step: the gate's own run already failed the PR's check, and a red run in a
 * workflow_run workflow only adds noise. A missing or malformed report does fail it.
 */
async function postCommentOnly(reportPath: string, commentConfig: CommentConfig): Promise<void> {
  let report: Report;
  try {
    report = await readJsonReport(reportPath);
  } catch (err) {
    core.setFailed((err as Error).message);
    return;
  }
  core.info(renderTerminal(report));
  await publish(report, resolve(reportPath));
  await comment(report, commentConfig);
}

async function writeReport(report: Report, config: Config): Promise<string | null> {
  if (!config.reportPath) return null;
  try {
    return await writeJsonReport(report, config.reportPath);
  } catch (err) {
    core.warning(`could not write the JSON report to '${config.reportPath}': ${(err as Error).message}`);
    return null;
  }
}

/** export-artillery: the script reproducing the run's load. A failure to write it is a warning, as the report's is. */
async function exportArtillery(report: Report, config: Config): Promise<void> {
  if (!config.exportArtillery) return;
  try {
    core.info(exportLine(await writeArtilleryExport(loadShapeOf(config), report, config.exportArtillery)));
  } catch (err) {
    core.warning(`could not write the Artillery script to '${config.exportArtillery}': ${(err as Error).message}`);
  }
}

/** Outputs, job summary and a warning per warn-level check. Each step fails alone. */
async function publish(report: Report, reportPath: string | null): Promise<void> {
  for (const [name, value] of Object.entries(outputsOf(report, reportPath))) core.setOutput(name, value);
  try {
    const settingDefaults = defaultSettings(report.config.profile);
    await core.summary.addRaw(renderMarkdown(report, { maxChars: 1_000_000, settingDefaults })).write();
  } catch (err) {
    core.warning(`could not write the job summary: ${(err as Error).message}`);
  }
  for (const check of report.checks.filter((c) => c.status === 'warn')) {
    core.warning(`${describeViolation(check)}${check.detail ? ` (${check.detail})` : ''}`);
  }
}

/** Posts or updates the PR comment and sets `comment-url`. A failure is a warning: it never changes the verdict. */
async function comment(report: Report, config: CommentConfig): Promise<void> {
  let outcome: CommentOutcome;
  try {
    outcome = await postReportComment(report, { config, event: readEvent() });
  } catch (err) {
    outcome = { status: 'failed', message: `the PR comment failed unexpectedly: ${(err as Error).message}` };
  }
  core.setOutput('comment-url', 'url' in outcome ? outcome.url : '');
  switch (outcome.status) {
    case 'created':
    case 'updated':
    case 'unchanged':
      core.info(`PR comment ${outcome.status}: ${outcome.url}`);
      break;
    case 'skipped':
      if (outcome.notice) core.notice(outcome.reason);
      else core.info(`PR comment skipped: ${outcome.reason}`);
      break;
    case 'failed':
      core.warning(outcome.message);
      break;
  }
}

/** Fails the step when an error-level check failed, naming each failed check. */
function stateVerdict(report: Report): void {
  if (report.verdict !== 'fail') return;
  // As the Why section says it: the crash before what it stopped, the unmeasured checks folded into one line.
  const lines = whyLines(report, PLAIN_STYLE).filter(({ check }) => check === null || check.status === 'fail');
  core.setFailed(`WebSocket resilience gate failed: ${lines.map((l) => l.text).join('; ')}`);
}
