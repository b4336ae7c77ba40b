// One relayed connection of the fault proxy: the accepted client socket, the socket to the server, a pipe each way,
// and what the fault scenarios do to it (reset, and when the server's side closed).

import type { Socket } from 'node:net';
import { now } from '../model/clock.js';
import { Pipe } from './pipe.js';
import type { NetworkSpec } from './spec.js';
import type { Direction, ToxicContext } from './toxics/toxic.js';

export type Which = Direction | 'both';

const ignore = (): void => {};

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
    /** The pipe from `source` to `destination`, with the toxics of its direction. */
    const pipe = (direction: Direction, source: Socket, destination: Socket): Pipe => {
      const context: ToxicContext = { direction, random, reset: this.resetBy };
      return new Pipe(
        direction,
        source,
        destination,
        toxics.filter((t) => t.direction === direction),
        context,
        highWater,
      );
    };
    this.up = pipe('upstream', client, upstream);
    this.down = pipe('downstream', upstream, client);
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
