// The fault proxy: a loopback TCP relay between the gate's clients and the server, with a chain of toxics on
// each direction and per-connection control (silence, pause, reset) for the fault scenarios.

import { createServer, connect, type Server, type Socket } from 'node:net';
import type { Target } from '../client/connection.js';
import type { NetworkFaults } from '../model/faults.js';
import { ResetLedger } from './reset-ledger.js';
import { proxiedTarget, upstreamOf } from './target.js';
import type { NetworkSpec, ToxicSpec } from './spec.js';
import { BlackholeStage } from './toxics/blackhole.js';
import { TOXICS } from './toxics/index.js';
import type { Direction, Sink, Toxic, ToxicContext, ToxicStage } from './toxics/toxic.js';

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

export type Which = Direction | 'both';

const DEFAULT_HIGH_WATER = 1024 * 1024;
const now = (): number => performance.now();
const ignore = (): void => {};

/** Why a direction's source socket is not being read. */
type PauseReason = 'user' | 'destination-full' | 'chain-full';

/** One direction of a pair: source socket -> blackhole control -> toxics -> destination socket, with backpressure. */
export class Pipe {
  /** The per-connection silence switch, first in the chain so nothing enters the toxics once it is on. */
  readonly hole: BlackholeStage;
  private readonly stages: ToxicStage[] = [];
  private readonly pauses = new Set<PauseReason>();
  /** Bytes read from the source. */
  bytesIn = 0;
  /** Bytes written to the destination. */
  bytesOut = 0;
  /** The destination refused more (write returned false) and has not drained since. */
  backedUp = false;
  /** The source's FIN reached the destination. */
  ended = false;

  constructor(
    readonly direction: Direction,
    private readonly source: Socket,
    private readonly destination: Socket,
    toxics: readonly ToxicSpec[],
    context: ToxicContext,
    private readonly highWater: number,
  ) {
    const terminal: Sink = { write: this.toDestination, end: this.endDestination };
    let next: Sink = terminal;
    for (const spec of [...toxics].reverse()) {
      const stage = (TOXICS[spec.toxic] as Toxic<unknown>).create(spec.params, next, context);
      this.stages.unshift(stage);
      next = stage;
    }
    const first = next;
    const watched: Sink = {
      write: (chunk) => {
        first.write(chunk);
        if (this.heldBytes() > this.highWater) this.pause('chain-full');
      },
      end: () => first.end(),
    };
    this.hole = new BlackholeStage(watched, null);
    source.on('data', this.onData);
    source.on('end', this.onEnd);
    destination.on('drain', this.onDrain);
  }

  /** Stops reading the source for `reason`; it is read again once every reason is gone. */
  pause(reason: PauseReason): void {
    this.pauses.add(reason);
    this.source.pause();
  }

  /** Drops `reason`; reads the source again when no other reason holds it. */
  resume(reason: PauseReason): void {
    this.pauses.delete(reason);
    if (this.pauses.size === 0 && !this.source.destroyed) this.source.resume();
  }

  /** Paused on purpose (FaultProxy.pause), whatever the backpressure does. */
  get userPaused(): boolean {
    return this.pauses.has('user');
  }

  /** Clears the toxics' timers and unhooks the sockets (called once both sockets closed). */
  destroy(): void {
    this.hole.destroy();
    for (const stage of this.stages) stage.destroy();
    this.source.off('data', this.onData);
    this.source.off('end', this.onEnd);
    this.destination.off('drain', this.onDrain);
  }

  private readonly onData = (chunk: Buffer): void => {
    this.bytesIn += chunk.length;
    this.hole.write(chunk);
  };

  private readonly onEnd = (): void => {
    this.hole.end();
  };

  private readonly onDrain = (): void => {
    this.backedUp = false;
    this.resume('destination-full');
  };

  /** Bytes the toxics hold back (bytes a toxic dropped are not held). */
  heldBytes(): number {
    let sum = 0;
    for (const stage of this.stages) sum += stage.heldBytes ?? 0;
    return sum;
  }

  private readonly toDestination = (chunk: Buffer): void => {
    if (this.pauses.has('chain-full') && this.heldBytes() <= this.highWater / 2) this.resume('chain-full');
    if (this.destination.destroyed) return;
    this.bytesOut += chunk.length;
    if (!this.destination.write(chunk)) {
      this.backedUp = true;
      this.pause('destination-full');
    }
  };

  private readonly endDestination = (): void => {
    this.ended = true;
    if (!this.destination.destroyed) this.destination.end();
  };
}

/** One relayed connection: the accepted client socket, the socket to the server, a pipe each way. */
export class ProxyPair {
  readonly openedAt = now();
  /** When the server's side ended (FIN) or closed; null while it is open. */
  upstreamClosedAt: number | null = null;
  /** Resolves with upstreamClosedAt once the server's side ended or closed. */
  readonly upstreamClosed: Promise<number>;
  /** Resolves once both sockets are closed. */
  readonly closed: Promise<void>;
  /** Why the proxy reset it (a reset toxic or reset()); null otherwise. */
  resetReason: string | null = null;
  /** The gate client's local port (the accepted socket's remote port), by which the client knows this pair. */
  readonly clientPort: number | undefined;
  readonly up: Pipe;
  readonly down: Pipe;
  private socketsOpen = 2;
  private onUpstreamClosed!: (at: number) => void;
  private onClosed!: () => void;

  constructor(
    readonly id: number,
    readonly client: Socket,
    readonly upstream: Socket,
    network: NetworkSpec | undefined,
    random: () => number,
    highWater: number,
    private readonly onGone: (pair: ProxyPair) => void,
    private readonly onReset: (pair: ProxyPair) => void = ignore,
  ) {
    this.clientPort = client.remotePort;
    this.upstreamClosed = new Promise((resolve) => (this.onUpstreamClosed = resolve));
    this.closed = new Promise((resolve) => (this.onClosed = resolve));
    const toxics = network?.toxics ?? [];
    const context = (direction: Direction): ToxicContext => ({ direction, random, reset: this.resetBy });
    this.up = new Pipe(
      'upstream',
      client,
      upstream,
      toxics.filter((t) => t.direction === 'upstream'),
      context('upstream'),
      highWater,
    );
    this.down = new Pipe(
      'downstream',
      upstream,
      client,
      toxics.filter((t) => t.direction === 'downstream'),
      context('downstream'),
      highWater,
    );
    client.on('error', ignore);
    upstream.on('error', ignore);
    client.on('close', this.onClientClose);
    upstream.on('close', this.onUpstreamClose);
    upstream.on('end', this.onUpstreamEnd);
  }

  /** Either socket still open. */
  get live(): boolean {
    return this.socketsOpen > 0;
  }

  /** The pipe(s) of a direction. */
  pipes(which: Which): Pipe[] {
    return which === 'both' ? [this.up, this.down] : [which === 'upstream' ? this.up : this.down];
  }

  /** RST on both sockets (unsent data dropped). */
  reset(reason: string): void {
    if (this.resetReason === null) {
      this.resetReason = reason;
      this.onReset(this);
    }
    for (const socket of [this.client, this.upstream]) if (!socket.destroyed) socket.resetAndDestroy();
  }

  /** Closes both sockets now (FIN where possible). */
  destroy(): void {
    this.client.destroy();
    this.upstream.destroy();
  }

  private readonly resetBy = (reason: string): void => this.reset(reason);

  private readonly onUpstreamEnd = (): void => {
    this.markUpstreamClosed();
  };

  private readonly onClientClose = (hadError: boolean): void => {
    // An RST from the client goes on to the server, unless that direction is silenced: a dead peer says nothing.
    if (hadError && !this.up.hole.isSwallowing && !this.upstream.destroyed) this.upstream.resetAndDestroy();
    this.socketGone();
  };

  private readonly onUpstreamClose = (hadError: boolean): void => {
    this.markUpstreamClosed();
    if (hadError && !this.down.hole.isSwallowing && !this.client.destroyed) this.client.resetAndDestroy();
    this.socketGone();
  };

  private markUpstreamClosed(): void {
    if (this.upstreamClosedAt !== null) return;
    this.upstreamClosedAt = now();
    this.onUpstreamClosed(this.upstreamClosedAt);
  }

  private socketGone(): void {
    this.socketsOpen -= 1;
    if (this.socketsOpen > 0) return;
    this.up.destroy();
    this.down.destroy();
    this.client.off('error', ignore);
    this.upstream.off('error', ignore);
    this.onGone(this);
    this.onClosed();
  }
}

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
