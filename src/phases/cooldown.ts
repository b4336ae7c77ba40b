// Cooldown: idle after the load; what the server still holds then is what it retained.

import { heapSnapshot } from './heap.js';
import type { Phase } from './phase.js';

export const cooldown: Phase = {
  name: 'cooldown',
  enabled: () => true,
  describe: (config) => `${config.cooldownMs} ms idle`,
  async run(run) {
    await run.idle(run.config.cooldownMs);
    if (run.stopped) return;
    await run.sampler?.sampleOnce();
    await run.exactSignals?.readAfter();
    // After the retained RSS is read: a snapshot makes the server allocate.
    const { flapping, leak } = run.results;
    await heapSnapshot(run, 'after-cooldown', flapping.attempts + leak.attempts);
  },
};
