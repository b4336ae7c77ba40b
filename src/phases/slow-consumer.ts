// Slow consumer: one client stops reading while the server keeps writing; its memory must stay bounded.

import { runSlowConsumer } from '../scenarios/slow-consumer.js';
import type { Phase } from './phase.js';

export const slowConsumer: Phase = {
  name: 'slow-consumer',
  enabled: (config) => config.scenarios.includes('slow-consumer'),
  describe: ({ faults: f }) =>
    `${f.slowConsumer.subscribeMessage === null ? 'echo' : 'subscribe'}, up to ${f.slowConsumer.durationMs / 1000} s without reading`,
  async run(run) {
    const sampler = run.sampler;
    const result = await runSlowConsumer(
      { ...run.config.faults.slowConsumer, readMemory: async () => (sampler ? ((await sampler.sampleOnce())?.rssBytes ?? null) : null) },
      run.serverTarget(),
      run.signal,
    );
    run.results.faults.slowConsumer = result;
    run.progress(
      `  server ${result.serverClosed ? 'closed the slow client' : result.serverPausedReading ? 'paused reading' : 'kept writing'}`,
    );
  },
};
