// Startup: the address, the server (launched or attached), the first handshake, the tree and its sampler. Each
// thing it opens registers its closing with run.defer, so teardown closes what startup got to, in reverse.

import type { Target } from '../client/connection.js';
import type { ProtocolAdapter } from '../client/protocols/adapter.js';
import { detectProtocol } from '../client/protocols/detect.js';
import { adapterFor, chosenAdapter, knownSubprotocols, targetFor } from '../client/protocols/registry.js';
import { compileSession } from '../client/session/runner.js';
import type { Config } from '../config/types.js';
import { ResourceSampler } from '../probe/sampler.js';
import { commandLine } from '../server/process-tree.js';
import { exitBeforeReadyText, NotReadyError, waitForHandshake, type Ready } from '../server/readiness.js';
import { StopRun, type RunContext } from './context.js';
import { findHeapTarget } from './heap.js';
import type { Phase } from './phase.js';
import { attachTo, exitedZeroBeforeReady, findAttachedPid, launch } from './server.js';

export const startup: Phase = {
  name: 'startup',
  enabled: () => true,
  async run(run) {
    const { config } = run;
    const launching = config.server.command !== null;
    const { url, exitedBeforeReady } = launching ? await launch(run) : await attachTo(run);
    const chosen = chosenAdapter(config.client.protocol);
    // A chosen protocol's subprotocol is offered from the first handshake: graphql-ws refuses one without it.
    const target = chosen ? targetFor(targetOf(config, url), chosen) : targetOf(config, url);
    const ready = await handshake(run, target, exitedBeforeReady);
    run.serverInfo.readyAfterMs = Math.round(ready.afterMs);
    const attempts = `${ready.attempts} handshake attempt${ready.attempts === 1 ? '' : 's'}`;
    run.progress(`✓ ready after ${(ready.afterMs / 1000).toFixed(1)} s (${attempts})${ready.note ? `; ${ready.note}` : ''}`);
    run.ready = ready.target;
    // Detecting the protocol listens up to 500 ms for a server that speaks first: it runs alongside the warm-up and
    // into the baseline's idle window, which waits for it before the first evidence and the load.
    run.protocolSettled = settleProtocol(run, ready.target, chosen);
    if (!launching) await findAttachedPid(run, url);
    await startSampling(run);
    await findHeapTarget(run);
  },
};

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

/** Waits for the first handshake; a command that exits meanwhile ends the wait (at its next attempt). */
async function handshake(run: RunContext, target: Target, exitedBeforeReady: AbortSignal): ReturnType<typeof waitForHandshake> {
  let ready: Ready;
  try {
    ready = await waitForHandshake(target, {
      timeoutMs: run.config.server.startupTimeoutMs,
      signal: run.signal,
      gaveUp: () => (run.serverInfo.exit ? exitBeforeReadyText(run.serverInfo.exit) : null),
      // With protocol auto and no subprotocol set, a server that asks for a known one gets it (graphql-ws: 4406).
      fallbackSubprotocols: run.config.client.protocol === 'auto' && target.subprotocols.length === 0 ? knownSubprotocols() : [],
    });
  } catch (err) {
    const exit = run.serverInfo.exit;
    if (exit && exitedBeforeReady.aborted && !run.stopped) throw await exitedZeroBeforeReady(run, exit);
    if (err instanceof NotReadyError && !run.stopped) {
      const crashed = run.serverInfo.exit !== null && run.serverInfo.exit.code !== 0;
      throw new StopRun({ phase: 'startup', reason: crashed ? 'crash' : 'startup-failed', message: err.message });
    }
    throw err;
  }
  // The command exited 0 as an attempt succeeded: what answered is not a process the gate launched and watches.
  if (run.serverInfo.exit && exitedBeforeReady.aborted) throw await exitedZeroBeforeReady(run, run.serverInfo.exit);
  return ready;
}

/**
 * The protocol every connection of the run speaks: the one chosen, or the one the server's behaviour shows (auto);
 * the target offers its subprotocol from now on, so load connections close as cleanly as recovery's.
 */
async function settleProtocol(run: RunContext, ready: Target, chosen: ProtocolAdapter | null): Promise<void> {
  if (chosen) {
    run.serverInfo.protocol = { id: chosen.id, why: 'set by the protocol input' };
  } else {
    try {
      const detected = await detectProtocol(ready, { signal: run.signal });
      run.serverInfo.protocol = { id: detected.id, why: detected.why };
      run.progress(`  protocol ${detected.id}: ${detected.why}`);
    } catch (err) {
      // The run stopped meanwhile, or the server went away: the stop says why; raw is what the gate then spoke.
      run.serverInfo.protocol = { id: 'raw', why: `detection did not finish (${(err as Error).message})` };
    }
  }
  // Compiled once, for the protocol spoken: every load client runs it.
  run.loadSession = compileSession(run.config.client.session, adapterFor(run.serverInfo.protocol.id));
  if (run.loadSession) run.progress(`  each load client: ${run.loadSession.describe}`);
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
