// Startup: the address, the server (launched or attached), the first handshake, the tree and its sampler.

import { resolve } from 'node:path';
import type { Target } from '../client/connection.js';
import type { Config } from '../config/types.js';
import { describeExit } from '../model/format.js';
import { ResourceSampler } from '../probe/sampler.js';
import { existingListener, pickFreePort, portOf, withPort } from '../server/endpoint.js';
import { AttachedServer, type ServerHandle } from '../server/handle.js';
import { findPortOwner } from '../server/port-owner.js';
import { commandLine } from '../server/process-tree.js';
import { NotReadyError, waitForHandshake } from '../server/readiness.js';
import type { LaunchOptions } from '../server/server-process.js';
import { StopRun, type RunContext } from './context.js';
import { findHeapTarget, prepareHeap } from './heap.js';
import type { Phase } from './phase.js';

/** Starts the server; tests give a stand-in. */
export type Launcher = (options: LaunchOptions) => Promise<ServerHandle>;

export const startup: Phase = {
  name: 'startup',
  enabled: () => true,
  async run(run) {
    const { config } = run;
    const launching = config.server.command !== null;
    const url = launching ? await launch(run) : attachTo(run);
    const ready = await handshake(run, targetOf(config, url));
    run.target = ready.target;
    run.serverInfo.readyAfterMs = Math.round(ready.afterMs);
    const attempts = `${ready.attempts} handshake attempt${ready.attempts === 1 ? '' : 's'}`;
    run.progress(`✓ ready after ${(ready.afterMs / 1000).toFixed(1)} s (${attempts})`);
    if (!launching) await findAttachedPid(run, url);
    await startSampling(run);
    await findHeapTarget(run);
  },
};

/** Picks the port, refuses a port already taken, spawns the command and watches it for an early exit. */
async function launch(run: RunContext): Promise<string> {
  const { config } = run;
  let url = config.client.url;
  const env = { ...config.server.env };
  if (portOf(url) === 0) {
    const port = await pickFreePort();
    url = withPort(url, port);
    env.PORT ??= String(port);
  }
  run.serverInfo.url = url;
  const squatter = await existingListener(url);
  if (squatter) {
    throw new StopRun({
      phase: 'startup',
      reason: 'startup-failed',
      message: `something already answers on ${squatter}: stop it or choose another port in 'url' (the gate would test the wrong process)`,
    });
  }
  const logPath = run.serverLogPath;
  run.serverInfo.logPath = logPath;
  run.progress(`▶ startup: launching \`${config.server.command}\` (log: ${logPath})`);
  const launchEnv = await prepareHeap(run, env);
  const server = await run.launcher({
    command: config.server.command!,
    cwd: resolve(config.server.workingDirectory),
    env: launchEnv,
    logPath,
  });
  run.server = server;
  run.serverInfo.pid = server.pid;
  run.serverInfo.pidSource = 'launched';
  server.onUnexpectedExit((exit) => {
    run.serverInfo.exit = { ...exit, phase: run.phase, atMs: run.elapsed() };
    run.stop('crash', `the server exited during ${run.phase} with ${describeExit(exit)}`);
  });
  return url;
}

function attachTo(run: RunContext): string {
  run.progress(`▶ startup: attaching to ${run.config.client.url}`);
  return run.config.client.url;
}

function targetOf(config: Config, url: string): Target {
  return {
    url,
    headers: config.client.headers,
    subprotocols: config.client.subprotocols,
    connectTimeoutMs: config.client.connectTimeoutMs,
    closeTimeoutMs: config.client.closeTimeoutMs,
    ca: config.client.ca,
    rejectUnauthorized: !config.client.insecureTls,
  };
}

async function handshake(run: RunContext, target: Target): ReturnType<typeof waitForHandshake> {
  try {
    return await waitForHandshake(target, {
      timeoutMs: run.config.server.startupTimeoutMs,
      signal: run.signal,
      gaveUp: () => (run.serverInfo.exit ? `the server exited before accepting a handshake (${describeExit(run.serverInfo.exit)})` : null),
    });
  } catch (err) {
    if (err instanceof NotReadyError && !run.stopped) {
      throw new StopRun({ phase: 'startup', reason: run.serverInfo.exit ? 'crash' : 'startup-failed', message: err.message });
    }
    throw err;
  }
}

/** Attach mode: the pid given, or the owner of the listening port. */
async function findAttachedPid(run: RunContext, url: string): Promise<void> {
  if (run.serverInfo.pid === null) {
    const owner = await findPortOwner(portOf(url));
    if (owner !== null) {
      run.serverInfo.pid = owner;
      run.serverInfo.pidSource = 'port-owner';
    }
  }
  run.server = new AttachedServer(run.serverInfo.pid);
}

/** Lists the tree once for the report, then samples it for the rest of the run. */
async function startSampling(run: RunContext): Promise<void> {
  const server = run.server;
  if (!server || server.pid === null) return;
  const tree = await server.tree();
  run.serverInfo.processes = await Promise.all(tree.map(async (pid) => ({ pid, command: await commandLine(pid) })));
  run.sampler = new ResourceSampler({
    intervalMs: run.config.sampleIntervalMs,
    listTree: () => server.tree(),
    phase: () => run.phase,
    originMs: run.origin,
  });
  await run.sampler.start();
}
