// Network faults: a proxy inside the gate in front of the server, for the flapping, leak and recovery traffic. Its
// own row of the table: it opens the proxy after the warm-up, and registers closing it (and what it injected).

import { networkFaults } from '../net/proxy.js';
import { ThreadedProxy } from '../net/proxy-thread.js';
import type { Phase } from './phase.js';

export const network: Phase = {
  name: 'network',
  enabled: (config) => config.faults.network.toxics.length > 0,
  async run(run) {
    const spec = run.config.faults.network;
    // On a thread of its own: relaying on the gate's thread would take half the rate the gate's clients can drive.
    const front = await ThreadedProxy.inFrontOf(run.serverTarget(), spec);
    if (!front) return;
    const proxy = front.proxy;
    run.network = proxy;
    run.defer('closing the fault proxy', async () => {
      run.results.faults.network = networkFaults(spec, proxy);
      await proxy.close();
    });
    // Every load connection from now on goes through it (run.loadTarget()).
    run.progress(`▶ network: faults through a proxy on port ${proxy.port}: ${spec.text}`);
  },
};
