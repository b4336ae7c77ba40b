// Baseline: an idle window after warm-up; its memory is what growth is measured from, and the exact signals' start.

import { median } from '../analysis/stats.js';
import { ExactSignals } from '../probe/exact-signals.js';
import { portOf } from '../server/endpoint.js';
import { baselineWindowMs } from './context.js';
import { heapSnapshot } from './heap.js';
import { applyNetwork } from './network.js';
import type { Phase } from './phase.js';

export const baseline: Phase = {
  name: 'baseline',
  enabled: () => true,
  describe: (config) => `${baselineWindowMs(config.sampleIntervalMs)} ms idle`,
  async run(run) {
    await run.protocolSettled;
    await applyNetwork(run);
    // Before the idle window, so the memory a snapshot leaves behind is part of the baseline, not of growth.
    await heapSnapshot(run, 'before-load', 0);
    await run.idle(baselineWindowMs(run.config.sampleIntervalMs));
    if (run.stopped) return;
    await run.sampler?.sampleOnce();
    const server = run.server;
    const tree = server && server.pid !== null ? () => server.tree() : null;
    run.exactSignals = new ExactSignals(run.config, portOf(run.serverInfo.url), tree);
    await run.exactSignals.readBaseline();
    const rss = median(run.sampler?.samples.filter((s) => s.phase === 'baseline').map((s) => s.rssBytes) ?? []);
    if (rss !== null) run.results.trendPoints.push({ connections: 0, rssBytes: rss - run.probeOverhead() });
  },
};
