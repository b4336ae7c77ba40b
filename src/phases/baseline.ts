// Baseline: an idle window after warm-up; its memory is what growth is measured from, and the exact signals' start.

import { withoutProbes } from '../analysis/memory.js';
import { median } from '../analysis/stats.js';
import { ExactSignals } from '../probe/exact-signals.js';
import { portOf } from '../server/endpoint.js';
import { baselineWindowMs } from './context.js';
import { heapSnapshot } from './heap.js';
import type { Phase } from './phase.js';

export const baseline: Phase = {
  name: 'baseline',
  enabled: () => true,
  describe: (config) => `${baselineWindowMs(config.sampleIntervalMs)} ms idle`,
  async run(run) {
    await run.protocolSettled;
    // The first snapshot runs inside the idle window (no client is connected): the samples it disturbs are left
    // out of the baseline and what it adds is taken off every later sample, as for every snapshot.
    await Promise.all([heapSnapshot(run, 'before-load', 0), run.idle(baselineWindowMs(run.config.sampleIntervalMs))]);
    if (run.stopped) return;
    await run.sampler?.sampleOnce();
    const server = run.server;
    const tree = server && server.pid !== null ? () => server.tree() : null;
    run.exactSignals = new ExactSignals(run.config, portOf(run.serverInfo.url), tree);
    await run.exactSignals.readBaseline();
    const own = withoutProbes(run.sampler?.samples ?? [], run.probeWindows);
    const rss = median(own.filter((s) => s.phase === 'baseline').map((s) => s.rssBytes));
    if (rss !== null) run.results.trendPoints.push({ connections: 0, rssBytes: rss });
  },
};
