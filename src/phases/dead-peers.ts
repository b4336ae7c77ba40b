// Dead peers: clients that go silent without a FIN or RST, which only a heartbeat lets the server reap.

import { ProtocolSession } from '../client/protocols/session.js';
import { adapterFor } from '../client/protocols/registry.js';
import { readSignals } from '../probe/proc-signals.js';
import { runDeadPeers } from '../scenarios/dead-peers.js';
import { portOf } from '../server/endpoint.js';
import type { Phase } from './phase.js';

export const deadPeers: Phase = {
  name: 'dead-peers',
  enabled: (config) => config.scenarios.includes('dead-peers'),
  describe: ({ faults: f }) => `${f.deadPeers.clients} clients go silent, reaped within ${f.deadPeers.timeoutMs / 1000} s?`,
  async run(run) {
    const server = run.server;
    const port = portOf(run.serverInfo.url);
    const adapter = adapterFor(run.serverInfo.protocol?.id ?? 'raw');
    const result = await runDeadPeers(
      {
        ...run.config.faults.deadPeers,
        // The protocol's opening exchange first (Socket.IO counts a client only after 40), then silence.
        ...(adapter.opening
          ? {
              greet: async (ws, signal) => {
                const session = ProtocolSession.attach(ws, adapter);
                const failed = await session.open(run.config.client.connectTimeoutMs, signal);
                session.detach();
                if (failed) throw new Error(failed);
              },
            }
          : {}),
        ...(server && server.pid !== null
          ? { lingering: async () => (await readSignals(await server.tree(), port)).lingeringConnections }
          : {}),
      },
      run.serverTarget(),
      run.signal,
    );
    run.results.faults.deadPeers = result;
    const late = result.reapedLate ? `, ${result.reapedLate} reaped late` : '';
    run.progress(`  ${result.reaped}/${result.silenced} reaped in time${late}, ${result.stillOpen} still open`);
  },
};
