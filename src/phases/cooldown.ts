// Cooldown: idle after the load; what the server still holds then is what it retained.

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
  },
};
