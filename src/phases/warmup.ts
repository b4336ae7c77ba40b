// Warm-up: a few connections before the idle baseline, in the session the load speaks, so the baseline is not a cold
// start's (the JIT of the server's session handlers included).

import type { SessionScript } from '../client/session/runner.js';
import { runLoad } from '../scenarios/load.js';
import type { RunContext } from './context.js';
import type { Phase } from './phase.js';

export const warmup: Phase = {
  name: 'warmup',
  enabled: (config) => config.warmupConnections > 0,
  describe: (config) => `${config.warmupConnections} connections`,
  async run(run) {
    // Detection (from readiness on) listens its whole 500 ms only on a server that sends nothing unasked, whose load
    // clients say nothing either unless the user set a session: the warm-up does not wait for it then, and speaks as
    // a raw client meanwhile. A server that speaks first is told within milliseconds: if it was, the warm-up is made
    // again in its session now; if it is told later, the baseline does that (warmUpInSession) before its window.
    if (run.config.client.session === null && run.serverInfo.protocol === undefined) {
      await warmUp(run, null);
      if (run.serverInfo.protocol !== undefined) await warmUpInSession(run);
      return;
    }
    await run.protocolSettled;
    await warmUp(run, run.loadSession);
  },
};

/** Once the protocol settled: the warm-up again in the load's session, unless it was made in it. True if it ran. */
export async function warmUpInSession(run: RunContext): Promise<boolean> {
  if (run.config.warmupConnections === 0 || run.warmedWith === undefined || run.warmedWith === run.loadSession) return false;
  await warmUp(run, run.loadSession);
  return true;
}

async function warmUp(run: RunContext, session: SessionScript | null): Promise<void> {
  const spec = { id: 'flapping' as const, clients: 1, cyclesPerClient: run.config.warmupConnections, holdMs: 0, pauseMs: 0, session };
  await runLoad(spec, run.serverTarget(), run.signal);
  run.warmedWith = session;
}
