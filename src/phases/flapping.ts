// Flapping: one client that connects, holds, closes and pauses, cycle after cycle.

import { loadLine, loadSpecOf, runLoad } from '../scenarios/load.js';
import type { Phase } from './phase.js';

export const flapping: Phase = {
  name: 'flapping',
  enabled: (config) => config.scenarios.includes('flapping'),
  describe: (config) => `${config.flapping.cycles} cycles, hold ${config.flapping.holdMs} ms, pause ${config.flapping.pauseMs} ms`,
  async run(run) {
    run.results.flapping = await runLoad(loadSpecOf(run.config, 'flapping', run.network, run.loadSession), run.loadTarget(), run.signal);
    run.progress(`  ${loadLine(run.results.flapping)}`);
  },
};
