// Hostile: one connection per malformed frame, oversized message, ping flood or stalled handshake; after each, a
// normal session; the exact signals before and after the cases.

import { adapterFor } from '../client/protocols/registry.js';
import { recoveryPassed } from '../analysis/recovery.js';
import { runHostile, type HostileProbes } from '../scenarios/hostile.js';
import { runRecovery } from '../scenarios/recovery.js';
import type { RunContext } from './context.js';
import type { Phase } from './phase.js';

export const hostile: Phase = {
  name: 'hostile',
  enabled: (config) => config.scenarios.includes('hostile'),
  describe: ({ hostile: h }) => `malformed frames, a ${h.maxBytes}-byte message, ${h.pings} pings, stalled handshakes`,
  async run(run) {
    const sampler = run.sampler;
    const signals = run.exactSignals;
    const watched = run.server?.mode === 'launch';
    const result = await runHostile(run.config.hostile, run.loadTarget(), {
      signal: run.signal,
      ...(watched ? { isServerAlive: () => run.serverInfo.exit === null } : {}),
      // A sample taken now, between cases, so a case's memory is read when it ends.
      ...(sampler ? { readMemory: async () => (await sampler.sampleOnce())?.rssBytes ?? null } : {}),
      servesSession: sessionProbe(run),
      ...(signals ? { readSignals: () => signals.readNow() } : {}),
    });
    run.results.hostile = result;
    const survived = result.serverSurvived ? 'survived' : `crashed during ${result.crashedDuring ?? 'a case'}`;
    const broken = result.brokenAfter ? `; a normal session failed after ${result.brokenAfter.case}` : '';
    run.progress(`  ${result.cases.length} cases, ${survived}${broken}`);
  },
};

/**
 * Recovery's exchange (the protocol's opening, its pings and messages, judged as recovery judges them) without its
 * hold, on the server itself: after a case, it shows whether the server still serves the way it did before.
 */
function sessionProbe(run: RunContext): HostileProbes['servesSession'] {
  return async () => {
    const adapter = adapterFor(run.serverInfo.protocol?.id ?? 'raw');
    const result = await runRecovery({ ...run.config.recovery, holdMs: 0 }, run.serverTarget(), run.signal, adapter);
    if (recoveryPassed(result) || run.signal.aborted) return null;
    return result.problems.join('; ') || 'the session did not complete';
  };
}
