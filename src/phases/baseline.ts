// Baseline: an idle window after warm-up; its memory is what growth is measured from, and the exact signals' start.

import { withoutProbes } from '../analysis/memory.js';
import { median } from '../analysis/stats.js';
import { ExactSignals } from '../probe/exact-signals.js';
import { portOf } from '../server/endpoint.js';
import { baselineWindowMs, type RunContext } from './context.js';
import { findEvidenceTargets, heapSnapshot } from './heap.js';
import { idleWithEvidence } from './idle.js';
import type { Phase } from './phase.js';
import { warmUpInSession } from './warmup.js';

export const baseline: Phase = {
  name: 'baseline',
  enabled: () => true,
  describe: (config) => `${baselineWindowMs(config.sampleIntervalMs)} ms idle`,
  async run(run) {
    // The window opens as the warm-up ends, while protocol detection (started at readiness) may still listen on its
    // one idle connection: it is part of the warm-up the baseline follows. The first evidence is read inside the
    // window once detection has closed it (no client is connected then): the samples it disturbs are left out of the
    // baseline and what it adds is taken off every later sample, as for every reading.
    const windowMs = baselineWindowMs(run.config.sampleIntervalMs);
    const evidence = () => heapSnapshot(run, 'before-load', 0);
    // Which processes the evidence reads is found while detection listens: the warm-up has been served.
    const ready = Promise.all([settledAndWarm(run, windowMs), findEvidenceTargets(run)]).then(() => undefined);
    await idleWithEvidence(run, windowMs, evidence, ready);
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

/**
 * Settles when the protocol is known and the server warm in its session. A server told to speak first only after
 * the warm-up (rare: it is told within milliseconds) is warmed again in its session here; the samples before are not
 * of a warm server: left out, and a whole window waited after it.
 */
async function settledAndWarm(run: RunContext, windowMs: number): Promise<void> {
  const fromMs = run.elapsed();
  await run.protocolSettled;
  if (run.stopped || !(await warmUpInSession(run))) return;
  run.probeWindows.push({ fromMs, toMs: run.elapsed(), bytes: 0 });
  await run.idle(windowMs);
}
