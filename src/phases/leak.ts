// Leak prevention: concurrent clients in rounds, some cut abruptly; memory is read after each round for the trend.

import { median } from '../analysis/stats.js';
import { loadLine, loadSpecOf, runLoad } from '../scenarios/load.js';
import { baselineWindowMs, type RunContext } from './context.js';
import { heapSnapshot } from './heap.js';
import type { Phase } from './phase.js';

export const leak: Phase = {
  name: 'leak',
  enabled: (config) => config.scenarios.includes('leak'),
  describe: ({ leak: l }) => `${l.clients} clients x ${l.cycles} cycles in ${l.rounds} rounds, ${Math.round(l.abruptRatio * 100)} % abrupt`,
  async run(run) {
    const before = run.results.flapping.attempts;
    // As runLoad splits them: never more rounds than cycles.
    const rounds = Math.max(1, Math.min(run.config.leak.rounds, run.config.leak.cycles));
    const spec = {
      ...loadSpecOf(run.config, 'leak', run.network, run.loadSession),
      onRound: async (round: number, attempts: number) => {
        const rss = await settledRss(run);
        if (rss !== null) run.results.trendPoints.push({ connections: before + attempts, rssBytes: rss - run.probeOverhead() });
        // The last round's snapshot is the one after cooldown.
        if (round + 1 < rounds) await heapSnapshot(run, `after-round-${round + 1}`, before + attempts);
      },
    };
    // runLoad returns what it counted even when the run stops mid-way (in a round or in a settle window).
    run.results.leak = await runLoad(spec, run.loadTarget(), run.signal);
    run.progress(`  ${loadLine(run.results.leak)}`);
  },
};

/** Waits half a baseline window and returns the median RSS sampled in it: one point of the leak trend. */
async function settledRss(run: RunContext): Promise<number | null> {
  const sampler = run.sampler;
  if (!sampler) return null;
  const from = performance.now() - run.origin;
  await run.idle(baselineWindowMs(run.config.sampleIntervalMs) / 2);
  if (run.stopped) return null;
  await sampler.sampleOnce();
  return median(sampler.samples.filter((s) => s.tMs >= from).map((s) => s.rssBytes));
}
