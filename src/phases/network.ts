// Network faults: a proxy inside the gate in front of the server, for the flapping, leak and recovery traffic.

import { networkFaults } from '../net/proxy.js';
import { ThreadedProxy } from '../net/proxy-thread.js';
import type { RunContext } from './context.js';

/** Puts the proxy in front of the server when the network input names a toxic; every later connection goes through it. */
export async function applyNetwork(run: RunContext): Promise<void> {
  const spec = run.config.faults.network;
  if (spec.toxics.length === 0 || run.network) return;
  // On a thread of its own: relaying on the gate's thread would take half the rate the gate's clients can drive.
  const front = await ThreadedProxy.inFrontOf(run.requireTarget(), spec);
  if (!front) return;
  run.network = front.proxy;
  run.directTarget = run.requireTarget();
  run.target = front.target;
  run.progress(`  network faults through a proxy on port ${front.proxy.port}: ${spec.text}`);
}

/** Closes the proxy (every pair it holds) and records what it injected. Runs in teardown, on every path. */
export async function closeNetwork(run: RunContext): Promise<void> {
  const proxy = run.network;
  if (!proxy) return;
  run.results.faults.network = networkFaults(run.config.faults.network, proxy);
  await proxy.close();
}
