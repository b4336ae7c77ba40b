// The network faults' proxy, run in a worker thread: relaying every connection of the load scenarios costs about
// as much CPU as the gate's own clients, so on the gate's thread it would halve the rate the gate can drive.
// Started by ThreadedProxy (proxy-thread.ts), which reads what it shares and tells it when to close.

import { parentPort, workerData } from 'node:worker_threads';
import { FaultProxy } from './proxy.js';
import { ACCEPTED, RESETS, type RelayWorkerData, type RelayWorkerMessage } from './relay-shared.js';
import { ResetLedger } from './reset-ledger.js';

async function main(port: NonNullable<typeof parentPort>, data: RelayWorkerData): Promise<void> {
  const counters = new Int32Array(data.counters);
  const resetLedger = new ResetLedger(data.resetPorts);
  const proxy = await FaultProxy.start({ upstream: data.upstream, network: data.network, resetLedger });
  proxy.onPair = () => Atomics.store(counters, ACCEPTED, proxy.accepted);
  proxy.onReset = () => Atomics.store(counters, RESETS, proxy.resets);
  port.on('message', (message: 'close') => {
    if (message !== 'close') return;
    void proxy.close().then(() => {
      port.postMessage({ kind: 'closed' } satisfies RelayWorkerMessage);
      port.close();
    });
  });
  port.postMessage({ kind: 'listening', port: proxy.port } satisfies RelayWorkerMessage);
}

if (parentPort) {
  const port = parentPort;
  main(port, workerData as RelayWorkerData).catch((err: unknown) => {
    port.postMessage({ kind: 'failed', message: err instanceof Error ? err.message : String(err) } satisfies RelayWorkerMessage);
  });
}
