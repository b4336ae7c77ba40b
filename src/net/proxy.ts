// The fault proxy: a loopback TCP relay between the gate's clients and the server, with a chain of toxics on
// each direction and per-connection control (silence, pause, reset) for the fault scenarios.

import { createServer, connect, type Server, type Socket } from 'node:net';
import type { Target } from '../client/connection.js';
import type { NetworkFaults } from '../model/faults.js';
import { ProxyPair, type Which } from './pair.js';
import { ResetLedger } from './reset-ledger.js';
import { proxiedTarget, upstreamOf } from './target.js';
import type { NetworkSpec } from './spec.js';

export { ProxyPair, type Which } from './pair.js';

export interface ProxyOptions {
  /** Where every accepted connection is relayed to (the server's host and port). */
  upstream: { host: string; port: number };
  /** Toxics on every connection; none when absent. */
  network?: NetworkSpec;
  /** Uniform in [0, 1); a parameter so tests can fix the dice. */
  random?: () => number;
  /** Bytes a direction's toxics may hold before the proxy stops reading its source (backpressure through the chain). */
  highWaterBytes?: number;
  /** Where the connections reset on purpose are noted; a fresh one when absent (another thread may share one). */
  resetLedger?: ResetLedger;
}

const DEFAULT_HIGH_WATER = 1024 * 1024;

/** A TCP proxy on 127.0.0.1:0 in front of the server. Start with FaultProxy.start(); always close(). */
export class FaultProxy {
  private readonly live = new Set<ProxyPair>();
  /** Client ports of the pairs reset on purpose, until takeReset asks (or the port is used again). */
  private readonly resetLedger: ResetLedger;
  private acceptedCount = 0;
  private resetCount = 0;
  private closing: Promise<void> | null = null;
  /** Called for every accepted connection, once its pair exists. */
  onPair: ((pair: ProxyPair) => void) | null = null;
  /** Called for every pair reset on purpose, before its RST is sent. */
  onReset: ((pair: ProxyPair) => void) | null = null;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly options: ProxyOptions,
  ) {
    this.resetLedger = options.resetLedger ?? new ResetLedger();
    server.on('connection', this.onConnection);
  }

  /** Listens on 127.0.0.1 on a free port. */
  static async start(options: ProxyOptions): Promise<FaultProxy> {
    // Half-open connections are relayed as they are: each FIN is passed on by the pipe of its direction.
    const server = createServer({ allowHalfOpen: true });
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : 0);
      });
    });
    return new FaultProxy(server, port, options);
  }

  /**
   * A proxy with `network`'s toxics in front of the server `target` points at, and the target that goes through
   * it; null when the spec has no toxics (no proxy then: nothing to inject).
   */
  static async inFrontOf(target: Target, network: NetworkSpec): Promise<{ proxy: FaultProxy; target: Target } | null> {
    if (network.toxics.length === 0) return null;
    const proxy = await FaultProxy.start({ upstream: upstreamOf(target), network });
    return { proxy, target: proxiedTarget(target, proxy) };
  }

  /** Pairs with a socket still open, in accept order. */
  get pairs(): ProxyPair[] {
    return [...this.live];
  }

  /** Connections accepted so far; pair ids run from 1 to this. */
  get accepted(): number {
    return this.acceptedCount;
  }

  /** Connections ended with an RST by a reset toxic or reset(), counted as the RST is sent. */
  get resets(): number {
    return this.resetCount;
  }

  /**
   * True (once) when the proxy reset the connection whose client side had this local port: a failure the gate
   * caused on purpose, which the rates do not judge. The port is noted before the RST is sent, so a client that
   * sees the reset finds it here.
   */
  takeReset(localPort: number): boolean {
    return this.resetLedger.take(localPort);
  }

  /** The live pair with this id, if any. */
  pair(id: number): ProxyPair | undefined {
    for (const pair of this.live) if (pair.id === id) return pair;
    return undefined;
  }

  /** Forward nothing more in `which` direction(s), sockets kept open: no FIN, no RST (a dead peer). */
  blackhole(pair: ProxyPair, which: Which = 'both'): void {
    for (const pipe of pair.pipes(which)) pipe.hole.swallow();
  }

  /** Stop reading the source of `which` direction(s), so the kernel buffers and TCP windows fill (a slow reader). */
  pause(pair: ProxyPair, which: Which): void {
    for (const pipe of pair.pipes(which)) pipe.pause('user');
  }

  resume(pair: ProxyPair, which: Which): void {
    for (const pipe of pair.pipes(which)) pipe.resume('user');
  }

  /** RST both sockets of the pair. */
  reset(pair: ProxyPair): void {
    pair.reset('reset by the gate');
  }

  /** Stops listening, destroys every pair, and resolves once every socket and the listener are closed. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const listening = new Promise<void>((resolve) => this.server.close(() => resolve()));
      const pairs = [...this.live];
      for (const pair of pairs) pair.destroy();
      await Promise.all([listening, ...pairs.map((pair) => pair.closed)]);
      this.server.off('connection', this.onConnection);
    })();
    return this.closing;
  }

  private readonly onConnection = (client: Socket): void => {
    if (this.closing) {
      client.destroy();
      return;
    }
    client.setNoDelay(true);
    if (client.remotePort !== undefined) this.resetLedger.clear(client.remotePort);
    const upstream = connect({ ...this.options.upstream, allowHalfOpen: true, noDelay: true });
    this.acceptedCount += 1;
    const pair = new ProxyPair(
      this.acceptedCount,
      client,
      upstream,
      this.options.network,
      this.options.random ?? Math.random,
      this.options.highWaterBytes ?? DEFAULT_HIGH_WATER,
      this.onPairGone,
      this.onPairReset,
    );
    this.live.add(pair);
    this.onPair?.(pair);
  };

  private readonly onPairReset = (pair: ProxyPair): void => {
    this.resetCount += 1;
    if (pair.clientPort !== undefined) this.resetLedger.mark(pair.clientPort);
    this.onReset?.(pair);
  };

  private readonly onPairGone = (pair: ProxyPair): void => {
    this.live.delete(pair);
  };
}

/** The Report's account of a proxy's run: the spec it applied, the connections it relayed and the resets it made. */
export function networkFaults(spec: NetworkSpec, proxy: Pick<FaultProxy, 'accepted' | 'resets'>): NetworkFaults {
  return {
    spec: spec.text,
    toxics: spec.toxics.map((t) => ({ toxic: t.toxic, direction: t.direction, params: { ...t.params } as Record<string, number> })),
    connections: proxy.accepted,
    resets: proxy.resets,
  };
}
