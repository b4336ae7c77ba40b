// One direction of a relayed connection: its source socket, the silence switch, the toxics' chain and the
// destination socket, with backpressure from each to the source.

import type { Socket } from 'node:net';
import type { ToxicSpec } from './spec.js';
import { BlackholeStage } from './toxics/blackhole.js';
import { TOXICS } from './toxics/index.js';
import type { Direction, Sink, Toxic, ToxicContext, ToxicStage } from './toxics/toxic.js';

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
