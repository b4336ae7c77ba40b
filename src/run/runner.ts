// Runs the phase table under one stop and one deadline, always tears down what the phases opened, and returns the
// Report.

import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Config } from '../config/types.js';
import { AFTER_STOP, type Report } from '../model/report.js';
import { PHASES, RunContext, StopRun, type Phase, type RunOptions } from '../phases/index.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { assembleReport, type RunFacts } from './assemble.js';

export interface GateOptions {
  /** Aborts the run from outside (SIGINT/SIGTERM): the gate tears down and reports. */
  signal?: AbortSignal;
  /** One line per phase, for people watching. */
  onProgress?: (line: string) => void;
  /** The effective configuration as name -> value (secrets masked), copied into the report. */
  configDescription?: Record<string, string>;
  /** What the caller knows of where the run happens (the action reads GITHUB_*; the CLI knows less). */
  environment?: Partial<Report['environment']>;
  /** Where the server's log goes instead of server-log itself (the base comparison names each round's). */
  serverLogPath?: string;
  /** The phases to run, in order (tests give a shorter table). */
  phases?: readonly Phase[];
  /** Starts the server; tests give a stand-in. */
  launcher?: RunOptions['launcher'];
}

export async function runGate(config: Config, options: GateOptions = {}): Promise<Report> {
  const temporaryLog = config.server.logPath === null;
  const serverLogPath = resolve(options.serverLogPath ?? config.server.logPath ?? defaultLogPath());
  const run = new RunContext(config, { progress: options.onProgress, serverLogPath, launcher: options.launcher });
  // The CLI and the action abort with the signal's name as the reason.
  const onCancel = (): void => {
    const reason: unknown = options.signal?.reason;
    run.stop('cancelled', `${typeof reason === 'string' ? reason : 'SIGINT or SIGTERM'} received`);
  };
  if (options.signal?.aborted) onCancel();
  options.signal?.addEventListener('abort', onCancel, { once: true });
  const deadline = setTimeout(() => run.stop('timeout', `the run exceeded timeout-s (${config.timeoutMs / 1000} s)`), config.timeoutMs);
  try {
    for (const phase of options.phases ?? PHASES) {
      run.throwIfStopped();
      if (!phase.enabled(config)) continue;
      run.enter(phase.name, phase.describe?.(config, run));
      await phase.run(run);
    }
    run.throwIfStopped();
  } catch (err) {
    const internal = { phase: run.phase, reason: 'error' as const, message: `internal error: ${(err as Error).stack ?? String(err)}` };
    run.recordStop(err instanceof StopRun ? err.info : internal);
  } finally {
    clearTimeout(deadline);
    options.signal?.removeEventListener('abort', onCancel);
    await teardown(run);
  }
  const report = assembleReport(
    config,
    run.measurements(),
    {
      samples: run.sampler?.samples ?? [],
      signals: run.exactSignals?.readings() ?? { baseline: null, after: null, notes: [] },
      probeWindows: run.probeWindows,
    },
    factsOf(run, options),
  );
  // A log the user did not ask for is kept only when the run failed: the report shows its tail and names it then.
  if (temporaryLog && report.verdict !== 'fail' && report.server.logPath !== null) {
    await rm(report.server.logPath, { force: true });
    return { ...report, server: { ...report.server, logPath: null } };
  }
  return report;
}

/**
 * Closes what the phases opened (run.defer), last opened first: the fault proxy, the sampler, the server tree, the
 * heap snapshots. Runs on every path; a closing that fails is a warning and the others still run.
 */
async function teardown(run: RunContext): Promise<void> {
  const stopped = run.stopped;
  const line = stopped && `${AFTER_STOP[stopped.reason]}${stopped.reason === 'startup-failed' ? '' : ` during ${run.phase}`}`;
  run.enter('teardown', line || run.pendingClosings().join(', ') || undefined);
  await run.closeAll();
  run.close();
}

function factsOf(run: RunContext, options: GateOptions): RunFacts {
  return {
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    environment: {
      os: process.platform,
      arch: process.arch,
      node: process.version,
      runnerOs: null,
      commit: null,
      workflow: null,
      job: null,
      ...options.environment,
    },
    startedAt: run.startedAt,
    durationMs: run.elapsed(),
    platform: process.platform,
    configDescription: options.configDescription ?? {},
  };
}

let logsNamed = 0;

/** A fresh file in the runner's temp directory: two runs in one process (base rounds) never share one. */
function defaultLogPath(): string {
  logsNamed += 1;
  return join(process.env.RUNNER_TEMP || tmpdir(), `ws-resilience-server-${process.pid}-${Date.now()}-${logsNamed}.log`);
}
