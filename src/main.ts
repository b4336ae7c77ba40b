// Action: inputs -> config -> gate -> report -> outputs, job summary, verdict. Nothing is read at import time.

import * as core from '@actions/core';
import { INPUTS, type RawInputs } from './config/inputs.js';
import { ConfigError, describeConfig, parseConfig, type Config } from './config/parse.js';
import { runGate } from './gate.js';
import { writeJsonReport } from './report/json.js';
import { describeViolation, renderMarkdown } from './report/markdown.js';
import type { Report } from './report/schema.js';
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
    'memory-growth-mb': growth === null ? '' : String(Math.round((growth / 1024 / 1024) * 100) / 100),
  };
}

export async function run(): Promise<void> {
  let config: Config;
  const raw = readInputs();
  try {
    config = parseConfig(raw);
  } catch (err) {
    core.setFailed(err instanceof ConfigError ? err.message : `could not read the inputs: ${String(err)}`);
    return;
  }
  maskSecrets(config);

  // A cancelled workflow sends SIGINT, then SIGTERM: tear down and report either way.
  const cancel = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    core.warning(`${signal} received: tearing down the server and writing a partial report`);
    cancel.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const report = await runGate(config, {
      signal: cancel.signal,
      onProgress: (line) => core.info(line),
      configDescription: describeConfig(raw),
    });
    core.info(renderTerminal(report));
    await publish(report, config);
  } catch (err) {
    core.setFailed(`ws-resilience-gate failed unexpectedly: ${(err as Error).stack ?? String(err)}`);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Writes the JSON report, outputs and job summary, then states the verdict. Each step fails alone. */
async function publish(report: Report, config: Config): Promise<void> {
  let reportPath: string | null = null;
  if (config.reportPath) {
    try {
      reportPath = await writeJsonReport(report, config.reportPath);
    } catch (err) {
      core.warning(`could not write the JSON report to '${config.reportPath}': ${(err as Error).message}`);
    }
  }
  for (const [name, value] of Object.entries(outputsOf(report, reportPath))) core.setOutput(name, value);
  try {
    await core.summary.addRaw(renderMarkdown(report, { maxChars: 1_000_000 })).write();
  } catch (err) {
    core.warning(`could not write the job summary: ${(err as Error).message}`);
  }
  for (const check of report.checks.filter((c) => c.status === 'warn')) {
    core.warning(`${describeViolation(check)}${check.detail ? ` (${check.detail})` : ''}`);
  }
  const failed = report.checks.filter((c) => c.status === 'fail');
  if (report.verdict === 'fail') {
    const list = failed.map((c) => `${describeViolation(c)}${c.detail ? ` (${c.detail})` : ''}`).join('; ');
    core.setFailed(`WebSocket resilience gate failed: ${list}`);
  }
}
