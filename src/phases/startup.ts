// Startup: the address, the server (launched or attached), the first handshake, the tree and its sampler. Each
// thing it opens registers its closing with run.defer, so teardown closes what startup got to, in reverse.

import { resolve } from 'node:path';
import type { Target } from '../client/connection.js';
import type { ProtocolAdapter } from '../client/protocols/adapter.js';
import { detectProtocol } from '../client/protocols/detect.js';
import { chosenAdapter, knownSubprotocols, targetFor } from '../client/protocols/registry.js';
import type { Config } from '../config/types.js';
import { describeExit } from '../model/format.js';
import { ResourceSampler } from '../probe/sampler.js';
import { existingListener, pickFreePort, portOf, withPort } from '../server/endpoint.js';
import { AttachedServer } from '../server/handle.js';
import { findPortOwner } from '../server/port-owner.js';
import { commandLine } from '../server/process-tree.js';
import { exitBeforeReadyText, NotReadyError, waitForHandshake } from '../server/readiness.js';
import { heapEvidenceWithout } from '../model/heap.js';
import { StopRun, type RunContext } from './context.js';
import { findHeapTarget, finishHeap, prepareHeap } from './heap.js';
import type { Phase } from './phase.js';
import { stopServer, leaveAttached } from './server-stop.js';

export const startup: Phase = {
  name: 'startup',
  enabled: () => true,
  async run(run) {
    const { config } = run;
    const launching = config.server.command !== null;
    const url = launching ? await launch(run) : await attachTo(run);
    const chosen = chosenAdapter(config.client.protocol);
    // A chosen protocol's subprotocol is offered from the first handshake: graphql-ws refuses one without it.
    const ready = await handshake(run, chosen ? targetFor(targetOf(config, url), chosen) : targetOf(config, url));
    run.serverInfo.readyAfterMs = Math.round(ready.afterMs);
    const attempts = `${ready.attempts} handshake attempt${ready.attempts === 1 ? '' : 's'}`;
    run.progress(`✓ ready after ${(ready.afterMs / 1000).toFixed(1)} s (${attempts})${ready.note ? `; ${ready.note}` : ''}`);
    run.ready = ready.target;
    // Detecting the protocol listens up to 500 ms for a server that speaks first: it runs alongside the warm-up.
    run.protocolSettled = settleProtocol(run, ready.target, chosen);
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
  await deferHeapEvidence(run);
  const server = await run.launcher({
    command: config.server.command!,
    cwd: resolve(config.server.workingDirectory),
    env: launchEnv,
    logPath,
  });
  run.server = server;
  run.defer('stopping the server', () => stopServer(run, server));
  run.serverInfo.pid = server.pid;
  run.serverInfo.pidSource = 'launched';
  server.onUnexpectedExit((exit) => {
    run.serverInfo.exit = { ...exit, phase: run.phase, atMs: run.elapsed() };
    // Exit code 0 before the first handshake is a start script that does not stay in the foreground, not a crash.
    if (run.serverInfo.readyAfterMs === null && exit.code === 0) run.stop('startup-failed', exitBeforeReadyText(exit));
    else run.stop('crash', `the server exited during ${run.phase} with ${describeExit(exit)}`);
  });
  return url;
}

async function attachTo(run: RunContext): Promise<string> {
  run.progress(`▶ startup: attaching to ${run.config.client.url}`);
  await deferHeapEvidence(run);
  return run.config.client.url;
}

/**
 * The heap evidence is read in teardown, from the snapshots the phases took, and their directory removed then;
 * without snapshots to take (heap-snapshots off, attach mode) what it says is known now.
 */
async function deferHeapEvidence(run: RunContext): Promise<void> {
  const finish = async (): Promise<void> => {
    run.results.heap = await finishHeap(run).catch((err: unknown) =>
      heapEvidenceWithout('skipped', `reading the heap snapshots failed: ${(err as Error).message}`, null),
    );
  };
  if (run.heap) run.defer('reading the heap snapshots', finish);
  else await finish();
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
      gaveUp: () => (run.serverInfo.exit ? exitBeforeReadyText(run.serverInfo.exit) : null),
      // With protocol auto and no subprotocol set, a server that asks for a known one gets it (graphql-ws: 4406).
      fallbackSubprotocols: run.config.client.protocol === 'auto' && target.subprotocols.length === 0 ? knownSubprotocols() : [],
    });
  } catch (err) {
    if (err instanceof NotReadyError && !run.stopped) {
      const crashed = run.serverInfo.exit !== null && run.serverInfo.exit.code !== 0;
      throw new StopRun({ phase: 'startup', reason: crashed ? 'crash' : 'startup-failed', message: err.message });
    }
    throw err;
  }
}

/**
 * The protocol every connection of the run speaks: the one chosen, or the one the server's behaviour shows (auto);
 * the target offers its subprotocol from now on, so load connections close as cleanly as recovery's.
 */
async function settleProtocol(run: RunContext, ready: Target, chosen: ProtocolAdapter | null): Promise<void> {
  if (chosen) {
    run.serverInfo.protocol = { id: chosen.id, why: 'set by the protocol input' };
    return;
  }
  try {
    const detected = await detectProtocol(ready, { signal: run.signal });
    run.serverInfo.protocol = { id: detected.id, why: detected.why };
    run.progress(`  protocol ${detected.id}: ${detected.why}`);
  } catch (err) {
    // The run stopped meanwhile, or the server went away: the stop says why; raw is what the gate then spoke.
    run.serverInfo.protocol = { id: 'raw', why: `detection did not finish (${(err as Error).message})` };
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
  const server = new AttachedServer(run.serverInfo.pid);
  run.server = server;
  run.defer('leaving the attached server running', () => leaveAttached(run, server));
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
  const sampler = run.sampler;
  run.defer('stopping the sampler', () => sampler.stop());
  await sampler.start();
}
