// Hostile: one connection per malformed frame, oversized message, ping flood or stalled handshake.

import { runHostile } from '../scenarios/hostile.js';
import type { Phase } from './phase.js';

export const hostile: Phase = {
  name: 'hostile',
  enabled: (config) => config.scenarios.includes('hostile'),
  describe: ({ hostile: h }) => `malformed frames, a ${h.maxBytes}-byte message, ${h.pings} pings, stalled handshakes`,
  async run(run) {
    const sampler = run.sampler;
    const watched = run.server?.mode === 'launch';
    run.results.hostile = await runHostile(run.config.hostile, run.loadTarget(), {
      signal: run.signal,
      ...(watched ? { isServerAlive: () => run.serverInfo.exit === null } : {}),
      // A sample taken now, between cases, so a case's memory is read when it ends.
      ...(sampler ? { readMemory: async () => (await sampler.sampleOnce())?.rssBytes ?? null } : {}),
    });
    const survived = run.results.hostile.serverSurvived ? 'survived' : `crashed during ${run.results.hostile.crashedDuring ?? 'a case'}`;
    run.progress(`  ${run.results.hostile.cases.length} cases, ${survived}`);
  },
};
