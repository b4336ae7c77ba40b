// The network faults' proxy in a worker thread (relay-worker.ts), as the network phase uses it: what it counts
// and which connections it reset are shared memory, read here without a round trip.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Target } from '../client/connection.js';
import { ACCEPTED, RESETS, type RelayWorkerData, type RelayWorkerMessage } from './relay-shared.js';
import { ResetLedger } from './reset-ledger.js';
import type { NetworkSpec } from './spec.js';
import { proxiedTarget, upstreamOf } from './target.js';

/** What the network phase needs of the proxy in front of the server. */
export interface NetworkProxy {
  readonly port: number;
  readonly accepted: number;
  readonly resets: number;
  takeReset(localPort: number): boolean;
  close(): Promise<void>;
}

/** How long close() waits for the worker to close its sockets before terminating it. */
const CLOSE_WAIT_MS = 5000;

/**
 * Where the worker's code is: beside this module when the gate runs from its TypeScript sources (tests, through
 * Node's type stripping and the `.js` → `.ts` resolve hook), else the bundle ncc builds into dist/relay-worker/
 * (beside dist/index.js, one level up from dist/cli/index.js).
 */
export function relayWorkerScript(here = import.meta.url): { url: URL; execArgv: string[] } {
  if (here.endsWith('.ts')) {
    const hook = new URL('../../scripts/ts-resolve.mjs', here);
    return {
      url: new URL('./relay-worker.ts', here),
      execArgv: ['--no-warnings', '--experimental-transform-types', '--import', hook.href],
    };
  }
  const candidates = ['./relay-worker/index.js', '../relay-worker/index.js'].map((p) => new URL(p, here));
  const url = candidates.find((c) => existsSync(fileURLToPath(c)));
  if (!url) throw new Error(`the fault proxy's worker is missing: looked for ${candidates.map((c) => fileURLToPath(c)).join(' and ')}`);
  return { url, execArgv: [] };
}

/** The fault proxy on a thread of its own. Start with ThreadedProxy.start(); always close(). */
export class ThreadedProxy implements NetworkProxy {
  private closing: Promise<void> | null = null;
  /** Resolves once the thread ended, whenever and however (also before close(): a crash). */
  private readonly ended: Promise<void>;

  private constructor(
    private readonly worker: Worker,
    readonly port: number,
    private readonly counters: Int32Array,
    private readonly resetLedger: ResetLedger,
  ) {
    this.ended = new Promise((resolve) => worker.once('exit', () => resolve()));
  }

  static async start(upstream: { host: string; port: number }, network: NetworkSpec): Promise<ThreadedProxy> {
    const counters = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
    const resetLedger = new ResetLedger();
    const script = relayWorkerScript();
    const data: RelayWorkerData = { upstream, network, counters, resetPorts: resetLedger.buffer };
    const worker = new Worker(script.url, { workerData: data, execArgv: script.execArgv, stdout: false, stderr: false });
    const port = await new Promise<number>((resolve, reject) => {
      const fail = (err: Error): void => reject(new Error(`the fault proxy's worker did not start: ${err.message}`));
      worker.once('error', fail);
      worker.once('exit', (code) => fail(new Error(`it exited with code ${code}`)));
      worker.once('message', (message: RelayWorkerMessage) => {
        if (message.kind === 'listening') resolve(message.port);
        else fail(new Error(message.kind === 'failed' ? message.message : `it said ${message.kind}`));
      });
    }).catch(async (err: unknown) => {
      await worker.terminate();
      throw err;
    });
    worker.removeAllListeners();
    // A worker that fails later ends its connections; the rates and the close say so. Unheard, it would crash the gate.
    worker.on('error', () => {});
    return new ThreadedProxy(worker, port, new Int32Array(counters), resetLedger);
  }

  /** A proxy with `network`'s toxics in front of the server `target` points at, and the target through it; null without toxics. */
  static async inFrontOf(target: Target, network: NetworkSpec): Promise<{ proxy: ThreadedProxy; target: Target } | null> {
    if (network.toxics.length === 0) return null;
    const proxy = await ThreadedProxy.start(upstreamOf(target), network);
    return { proxy, target: proxiedTarget(target, proxy) };
  }

  /** Connections accepted so far. */
  get accepted(): number {
    return Atomics.load(this.counters, ACCEPTED);
  }

  /** Connections reset on purpose, counted as the RST is sent. */
  get resets(): number {
    return Atomics.load(this.counters, RESETS);
  }

  /** True (once) when the proxy reset the connection whose client side had this local port. */
  takeReset(localPort: number): boolean {
    return this.resetLedger.take(localPort);
  }

  /** Closes every relayed connection and the listener, then ends the thread (terminated if it does not answer). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const closed = new Promise<void>((resolve) => {
        this.worker.on('message', (message: RelayWorkerMessage) => {
          if (message.kind === 'closed') resolve();
        });
      });
      this.worker.postMessage('close');
      const timer = setTimeout(() => void this.worker.terminate(), CLOSE_WAIT_MS);
      await Promise.race([closed, this.ended]);
      clearTimeout(timer);
      await this.worker.terminate();
    })();
    return this.closing;
  }
}
