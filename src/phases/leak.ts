// Leak prevention: concurrent clients in rounds, some cut abruptly; memory is read after each round for the trend.

import { withoutProbes } from '../analysis/memory.js';
import { median } from '../analysis/stats.js';
import { loadLine, loadSpecOf, runLoad } from '../scenarios/load.js';
import { baselineWindowMs, type RunContext } from './context.js';
import { heapSnapshot } from './heap.js';
import { idleWithEvidence } from './idle.js';
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
        // The last round's evidence is the one after cooldown.
        const evidence = round + 1 < rounds ? () => heapSnapshot(run, `after-round-${round + 1}`, before + attempts) : null;
        const rss = await settledRss(run, evidence);
        if (rss !== null) run.results.trendPoints.push({ connections: before + attempts, rssBytes: rss });
      },
    };
    // runLoad returns what it counted even when the run stops mid-way (in a round or in a settle window).
    run.results.leak = await runLoad(spec, run.loadTarget(), run.signal);
    run.progress(`  ${loadLine(run.results.leak)}`);
  },
};

/**
 * Waits half a baseline window, with the round's evidence read inside it, and returns the median RSS sampled in it:
 * one point of the leak trend. Like every memory figure, it leaves out the samples a reading disturbed and takes off
 * what each reading so far made the server allocate.
 */
async function settledRss(run: RunContext, evidence: (() => Promise<void>) | null): Promise<number | null> {
  const sampler = run.sampler;
  if (!sampler) {
    await evidence?.();
    return null;
  }
  const from = performance.now() - run.origin;
  const windowMs = baselineWindowMs(run.config.sampleIntervalMs) / 2;
  await (evidence ? idleWithEvidence(run, windowMs, evidence) : run.idle(windowMs));
  if (run.stopped) return null;
  await sampler.sampleOnce();
  return median(
    withoutProbes(sampler.samples, run.probeWindows)
      .filter((s) => s.tMs >= from)
      .map((s) => s.rssBytes),
  );
}
