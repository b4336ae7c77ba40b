// Recovery: after the storm, one stable connection must answer pings and test messages.

import { adapterFor } from '../client/protocols/registry.js';
import { describeExpect, runRecovery } from '../scenarios/recovery.js';
import type { Phase } from './phase.js';

export const recovery: Phase = {
  name: 'recovery',
  enabled: (config) => config.scenarios.includes('recovery'),
  describe: ({ recovery: r }) => `${r.pings} pings, ${r.messages} messages, expect ${describeExpect(r.expect)}`,
  async run(run) {
    const adapter = adapterFor(run.serverInfo.protocol?.id ?? 'raw');
    const result = await runRecovery(run.config.recovery, run.requireTarget(), run.signal, adapter);
    run.results.recovery = result;
    run.progress(`  ${result.problems.length === 0 ? 'recovered' : result.problems.join('; ')}`);
    for (const note of result.notes ?? []) run.progress(`  note: ${note}`);
  },
};
