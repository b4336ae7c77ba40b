// What the gate's thread and the proxy thread (relay-worker.ts) share: the worker's start data, its messages,
// and the slots of the counters it keeps in shared memory.

import type { NetworkSpec } from './spec.js';

/** Slots of the shared counters. */
export const ACCEPTED = 0;
export const RESETS = 1;

export interface RelayWorkerData {
  upstream: { host: string; port: number };
  network: NetworkSpec;
  /** Int32Array: ACCEPTED, RESETS. */
  counters: SharedArrayBuffer;
  /** The memory of the ResetLedger both threads read. */
  resetPorts: SharedArrayBuffer;
}

export type RelayWorkerMessage = { kind: 'listening'; port: number } | { kind: 'closed' } | { kind: 'failed'; message: string };
