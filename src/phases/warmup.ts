// Warm-up: a few connections before the idle baseline, so the baseline is not a cold start's.

import { runLoad } from '../scenarios/load.js';
import type { Phase } from './phase.js';

export const warmup: Phase = {
  name: 'warmup',
  enabled: (config) => config.warmupConnections > 0,
  describe: (config) => `${config.warmupConnections} connections`,
  async run(run) {
    // The sessions of the load run here too, so the baseline includes their JIT: they need the protocol first.
    await run.protocolSettled;
    const spec = { id: 'flapping' as const, clients: 1, cyclesPerClient: run.config.warmupConnections, holdMs: 0, pauseMs: 0 };
    await runLoad({ ...spec, session: run.loadSession }, run.serverTarget(), run.signal);
  },
};
