// Cooldown: idle after the load; what the server still holds then is what it retained.

import { heapSnapshot } from './heap.js';
import { idleWithEvidence } from './idle.js';
import type { Phase } from './phase.js';

export const cooldown: Phase = {
  name: 'cooldown',
  enabled: () => true,
  describe: (config) => `${config.cooldownMs} ms idle`,
  async run(run) {
    const { flapping, leak } = run.results;
    // The evidence after cooldown is read at the window's end, inside it: the retained memory is the median of the
    // samples before it (and after it, less what it made the server allocate), the exact signals are read after it.
    const evidence = () => heapSnapshot(run, 'after-cooldown', flapping.attempts + leak.attempts);
    await idleWithEvidence(run, run.config.cooldownMs, evidence);
    if (run.stopped) return;
    await run.sampler?.sampleOnce();
    await run.exactSignals?.readAfter();
  },
};
