// Recovery: after the storm, one stable connection must answer pings and test messages.

import { adapterFor } from '../client/protocols/registry.js';
import { expectWords, runRecovery } from '../scenarios/recovery.js';
import type { Phase } from './phase.js';

/** Probes made at most when the network faults' resets cut them (all five cut: 0.03 % at reset-ratio 0.2). */
const RECOVERY_TRIES = 5;

export const recovery: Phase = {
  name: 'recovery',
  enabled: (config) => config.scenarios.includes('recovery'),
  // The expectation in the words the result uses: the protocol's answer when its probe is what is sent.
  describe: ({ recovery: r }, run) =>
    `${r.pings} pings, ${r.messages} messages, expect ${expectWords(r, adapterFor(run.serverInfo.protocol?.id ?? 'raw'))}`,
  async run(run) {
    const adapter = adapterFor(run.serverInfo.protocol?.id ?? 'raw');
    const probe = () => runRecovery(run.config.recovery, run.loadTarget(), run.signal, adapter);
    let resetsBefore = run.network?.resets ?? 0;
    let result = await probe();
    // The probe connection is the only traffic now: a reset the proxy made meanwhile (network: reset-ratio) was
    // made to it, on purpose. That says nothing about the server, so the probe is made again.
    let cut = 0;
    while (run.network && run.network.resets > resetsBefore && cut + 1 < RECOVERY_TRIES && !run.stopped) {
      cut += 1;
      run.progress(`  the probe connection was reset by the network faults: probing again (${cut + 1} of ${RECOVERY_TRIES})`);
      resetsBefore = run.network.resets;
      result = await probe();
    }
    if (cut > 0) (result.notes ??= []).push(`the network faults reset ${cut} earlier probe connection${cut === 1 ? '' : 's'}: not judged`);
    run.results.recovery = result;
    run.progress(`  ${result.problems.length === 0 ? 'recovered' : result.problems.join('; ')}`);
    for (const note of result.notes ?? []) run.progress(`  note: ${note}`);
  },
};
