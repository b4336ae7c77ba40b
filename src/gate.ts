// Runs the phases in order under one AbortSignal and one deadline, always tears down, returns the Report.

import { setMaxListeners } from 'node:events';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runChecks, verdictOf } from './analysis/checks.js';
import { analyzeMemory } from './analysis/memory.js';
import { analyzeSignals } from './analysis/signals.js';
import { median } from './analysis/stats.js';
import { LeakSignals } from './probe/leak-signals.js';
import type { Target } from './client/connection.js';
import type { Config } from './config/types.js';
import { ResourceSampler } from './probe/sampler.js';
import type { PhaseName, PhaseSpan, Report, ServerInfo, StopInfo } from './model/report.js';
import { REPORT_SCHEMA_VERSION } from './model/report.js';
import { redactSecrets } from './report/redact.js';
import { emptyLoadResult, runLoad, type LoadSpec } from './scenarios/load.js';
import { emptyRecoveryResult, runRecovery, type RecoverySpec } from './scenarios/recovery.js';
import { existingListener, pickFreePort, portOf, withPort } from './server/endpoint.js';
import { findPortOwner } from './server/port-owner.js';
import { commandLine, listTree } from './server/process-tree.js';
import { NotReadyError, waitForHandshake } from './server/readiness.js';
import { ServerProcess } from './server/server-process.js';
import { TOOL_NAME, TOOL_VERSION } from './version.js';

export interface GateOptions {
  /** Aborts the run from outside (SIGINT/SIGTERM): the gate tears down and reports. */
  signal?: AbortSignal;
  /** One line per phase, for people watching. */
  onProgress?: (line: string) => void;
  /** The effective configuration as name -> value (secrets masked), copied into the report. */
  configDescription?: Record<string, string>;
}

/** Windows of samples the baseline needs: at least 500 ms and three samples. */
export function baselineWindowMs(sampleIntervalMs: number): number {
  return Math.max(500, 3 * sampleIntervalMs);
}

/** Thrown inside the run to end it early with a reason; never escapes runGate. */
class StopRun extends Error {
  constructor(readonly info: StopInfo) {
    super(info.message);
  }
}

export async function runGate(config: Config, options: GateOptions = {}): Promise<Report> {
  const origin = performance.now();
  const startedAt = new Date().toISOString();
  const progress = options.onProgress ?? (() => {});
  const controller = new AbortController();
  const signal = controller.signal;
  // Every connection in flight listens to this one signal: hundreds of clients are by design, not a leak.
  setMaxListeners(0, signal);
  let stopped: StopInfo | null = null;
  let phase: PhaseName = 'startup';
  const phases: PhaseSpan[] = [{ name: 'startup', startMs: 0, endMs: 0 }];
  const elapsed = (): number => Math.round(performance.now() - origin);

  /** The first reason to stop wins; later ones (teardown noise) are ignored. */
  const stop = (reason: StopInfo['reason'], message: string): void => {
    if (stopped) return;
    stopped = { phase, reason, message };
    controller.abort(new StopRun(stopped));
  };
  const enter = (name: PhaseName, line?: string): void => {
    phases[phases.length - 1]!.endMs = elapsed();
    phases.push({ name, startMs: elapsed(), endMs: elapsed() });
    phase = name;
    if (line) progress(`▶ ${name}: ${line}`);
  };
  const onCancel = (): void => stop('cancelled', 'the run was cancelled (SIGINT/SIGTERM)');
  if (options.signal?.aborted) onCancel();
  options.signal?.addEventListener('abort', onCancel, { once: true });
  const deadline = setTimeout(() => stop('timeout', `the run exceeded timeout-s (${config.timeoutMs / 1000} s)`), config.timeoutMs);

  const launching = config.server.command !== null;
  let url = config.client.url;
  const serverEnv = { ...config.server.env };
  const serverInfo: ServerInfo = {
    mode: launching ? 'launch' : 'attach',
    command: config.server.command,
    url,
    pid: config.server.pid,
    pidSource: config.server.pid !== null ? 'server-pid' : null,
    readyAfterMs: null,
    exit: null,
    logPath: null,
    logTail: [],
    pidsSeen: [],
    processes: [],
    survivors: [],
  };
  let server: ServerProcess | null = null;
  let sampler: ResourceSampler | null = null;
  /** Lists the server tree now; null when no pid is known (attach mode without one). */
  let treeOf: (() => Promise<number[]>) | null = null;
  let leakSignals: LeakSignals | null = null;
  const trendPoints: Array<{ connections: number; rssBytes: number }> = [];
  /** Waits a settle window and returns the median RSS sampled in it (one point of the leak trend). */
  const settledRss = async (): Promise<number | null> => {
    if (!sampler) return null;
    const from = performance.now() - origin;
    await wait(baselineWindowMs(config.sampleIntervalMs) / 2);
    await sampler.sampleOnce();
    return median(sampler.samples.filter((x) => x.tMs >= from).map((x) => x.rssBytes));
  };
  const loadSpec = (id: 'flapping' | 'leak'): LoadSpec => ({
    id,
    clients: id === 'flapping' ? 1 : config.leak.clients,
    cyclesPerClient: id === 'flapping' ? config.flapping.cycles : config.leak.cycles,
    holdMs: config.flapping.holdMs,
    pauseMs: config.flapping.pauseMs,
  });
  const recoverySpec: RecoverySpec = config.recovery;
  const enabled = (id: 'flapping' | 'leak' | 'recovery'): boolean => config.scenarios.includes(id);
  let flapping = emptyLoadResult(loadSpec('flapping'), enabled('flapping'));
  let leak = emptyLoadResult(loadSpec('leak'), enabled('leak'));
  let recovery = emptyRecoveryResult(recoverySpec, enabled('recovery'));

  /** Waits ms unless the run stops; throws the stop. */
  const wait = async (ms: number): Promise<void> => {
    await sleep(ms, undefined, { signal }).catch(() => undefined);
    throwIfStopped();
  };
  const throwIfStopped = (): void => {
    if (stopped) throw new StopRun(stopped);
  };

  try {
    // Startup: the address, the server, the first handshake. A run cancelled before it began starts nothing.
    throwIfStopped();
    if (launching && portOf(url) === 0) {
      const port = await pickFreePort();
      url = withPort(url, port);
      serverEnv.PORT ??= String(port);
    }
    serverInfo.url = url;
    if (launching) {
      const squatter = await existingListener(url);
      if (squatter) {
        throw new StopRun({
          phase,
          reason: 'startup-failed',
          message: `something already answers on ${squatter}: stop it or choose another port in 'url' (the gate would test the wrong process)`,
        });
      }
      const logPath = resolve(
        config.server.logPath ?? join(process.env.RUNNER_TEMP || tmpdir(), `ws-resilience-server-${process.pid}-${Date.now()}.log`),
      );
      serverInfo.logPath = logPath;
      progress(`▶ startup: launching \`${config.server.command}\` (log: ${logPath})`);
      server = await ServerProcess.launch({
        command: config.server.command!,
        cwd: resolve(config.server.workingDirectory),
        env: serverEnv,
        logPath,
      });
      serverInfo.pid = server.pid;
      serverInfo.pidSource = 'launched';
      const launched = server;
      void launched.exited.then((exit) => {
        if (launched.isStopping) return;
        serverInfo.exit = { ...exit, phase, atMs: elapsed() };
        stop('crash', `the server exited during ${phase} with ${exitText(exit)}`);
      });
    } else {
      progress(`▶ startup: attaching to ${url}`);
    }

    let target: Target = {
      url,
      headers: config.client.headers,
      subprotocols: config.client.subprotocols,
      connectTimeoutMs: config.client.connectTimeoutMs,
      closeTimeoutMs: config.client.closeTimeoutMs,
      ca: config.client.ca,
      rejectUnauthorized: !config.client.insecureTls,
    };
    try {
      const ready = await waitForHandshake(target, {
        timeoutMs: config.server.startupTimeoutMs,
        signal,
        gaveUp: () => (serverInfo.exit ? `the server exited before accepting a handshake (${exitText(serverInfo.exit)})` : null),
      });
      target = ready.target;
      serverInfo.readyAfterMs = Math.round(ready.afterMs);
      progress(
        `✓ ready after ${(ready.afterMs / 1000).toFixed(1)} s (${ready.attempts} handshake attempt${ready.attempts === 1 ? '' : 's'})`,
      );
    } catch (err) {
      if (err instanceof NotReadyError && !stopped) {
        throw new StopRun({ phase, reason: serverInfo.exit ? 'crash' : 'startup-failed', message: err.message });
      }
      throw err;
    }

    // The server's process tree, to sample.
    if (!launching && serverInfo.pid === null) {
      const owner = await findPortOwner(portOf(url));
      if (owner !== null) {
        serverInfo.pid = owner;
        serverInfo.pidSource = 'port-owner';
      }
    }
    const rootPid = serverInfo.pid;
    if (rootPid !== null) {
      const seen = new Set<number>();
      const listServerTree = async (): Promise<number[]> => {
        const pids = server ? await server.tree() : await listTree(rootPid);
        for (const p of pids) seen.add(p);
        return pids;
      };
      treeOf = listServerTree;
      serverInfo.processes = await Promise.all((await listServerTree()).map(async (pid) => ({ pid, command: await commandLine(pid) })));
      sampler = new ResourceSampler({
        intervalMs: config.sampleIntervalMs,
        listTree: listServerTree,
        phase: () => phase,
        originMs: origin,
      });
      await sampler.start();
      if (!server) serverInfo.pidsSeen = [...seen];
    }
    throwIfStopped();

    // Load and measurement phases.
    if (config.warmupConnections > 0) {
      enter('warmup', `${config.warmupConnections} connections`);
      await runLoad({ id: 'flapping', clients: 1, cyclesPerClient: config.warmupConnections, holdMs: 0, pauseMs: 0 }, target, signal);
      throwIfStopped();
    }
    enter('baseline', `${baselineWindowMs(config.sampleIntervalMs)} ms idle`);
    await wait(baselineWindowMs(config.sampleIntervalMs));
    await sampler?.sampleOnce();
    leakSignals = new LeakSignals(config, url, treeOf);
    await leakSignals.readBaseline();
    const baselineRss = median(sampler?.samples.filter((x) => x.phase === 'baseline').map((x) => x.rssBytes) ?? []);
    if (baselineRss !== null) trendPoints.push({ connections: 0, rssBytes: baselineRss });

    if (enabled('flapping')) {
      const spec = loadSpec('flapping');
      enter('flapping', `${spec.cyclesPerClient} cycles, hold ${spec.holdMs} ms, pause ${spec.pauseMs} ms`);
      flapping = await runLoad(spec, target, signal);
      progress(`  ${loadLine(flapping)}`);
      throwIfStopped();
    }
    if (enabled('leak')) {
      const spec: LoadSpec = {
        ...loadSpec('leak'),
        abruptRatio: config.leak.abruptRatio,
        rounds: config.leak.rounds,
        onRound: async (_round, attempts) => {
          const rss = await settledRss();
          if (rss !== null) trendPoints.push({ connections: flapping.attempts + attempts, rssBytes: rss });
        },
      };
      enter(
        'leak',
        `${spec.clients} clients x ${spec.cyclesPerClient} cycles in ${spec.rounds} rounds, ${Math.round(config.leak.abruptRatio * 100)} % abrupt`,
      );
      leak = await runLoad(spec, target, signal);
      progress(`  ${loadLine(leak)}`);
      throwIfStopped();
    }
    enter('cooldown', `${config.cooldownMs} ms idle`);
    await wait(config.cooldownMs);
    await sampler?.sampleOnce();
    await leakSignals.readAfter();

    if (enabled('recovery')) {
      enter('recovery', `${recoverySpec.pings} pings, ${recoverySpec.messages} messages, expect ${recovery.expect}`);
      recovery = await runRecovery(recoverySpec, target, signal);
      progress(`  ${recovery.problems.length === 0 ? 'recovered' : recovery.problems.join('; ')}`);
      throwIfStopped();
    }
  } catch (err) {
    if (err instanceof StopRun) {
      stopped ??= err.info;
    } else {
      stopped ??= { phase, reason: 'error', message: `internal error: ${(err as Error).stack ?? String(err)}` };
    }
  } finally {
    clearTimeout(deadline);
    options.signal?.removeEventListener('abort', onCancel);
    const stopPhase = phase;
    enter('teardown', stopped ? `after ${(stopped as StopInfo).reason} during ${stopPhase}` : 'stopping the server');
    await sampler?.stop();
    if (server) {
      serverInfo.survivors = await server.stop(config.server.shutdownGraceMs);
      serverInfo.logTail = server.log.tail();
      serverInfo.pidsSeen = [...server.pidsSeen];
      if (serverInfo.survivors.length > 0) {
        progress(`⚠ processes of the server tree survived teardown: ${serverInfo.survivors.join(', ')}`);
      }
    }
    phases[phases.length - 1]!.endMs = elapsed();
  }

  const memory =
    serverInfo.pid === null
      ? {
          ...analyzeMemory([], config.sampleIntervalMs),
          reason: launching
            ? 'the server never started'
            : 'attached without a known pid: the owner of the port was not found; set server-pid',
        }
      : analyzeMemory(sampler?.samples ?? [], config.sampleIntervalMs, trendPoints);
  const signals = analyzeSignals(leakSignals?.baseline ?? null, leakSignals?.after ?? null, leakSignals?.notes ?? []);
  const measurements = { server: serverInfo, stopped, flapping, leak, recovery, memory, signals };
  const checks = runChecks(config, measurements);
  const report: Report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    startedAt,
    durationMs: elapsed(),
    environment: {
      os: `${process.platform}`,
      arch: process.arch,
      node: process.version,
      runnerOs: process.env.RUNNER_OS ?? null,
      commit: process.env.GITHUB_SHA ?? null,
      workflow: process.env.GITHUB_WORKFLOW ?? null,
      job: process.env.GITHUB_JOB ?? null,
    },
    config: options.configDescription ?? {},
    server: serverInfo,
    phases,
    stopped,
    scenarios: { flapping, leak, recovery },
    memory,
    signals,
    checks,
    verdict: verdictOf(checks),
  };
  // A server may print or echo a header value back; the report must not carry it.
  return redactSecrets(report, Object.values(config.client.headers));
}

function exitText(exit: { code: number | null; signal: string | null }): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}

function loadLine(r: { connected: number; attempts: number; cleanDisconnects: number; abruptDisconnects: number }): string {
  const cut = r.abruptDisconnects > 0 ? `, ${r.abruptDisconnects} cut on purpose` : '';
  return `${r.connected}/${r.attempts} connected, ${r.cleanDisconnects}/${r.connected - r.abruptDisconnects} closed cleanly${cut}`;
}
