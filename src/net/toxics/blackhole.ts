// The blackhole toxic: after a while, forward nothing, not even the FIN, and keep both sockets open
// (Toxiproxy's `timeout` with timeout 0): to the other side the peer is dead without a word.

import type { Sink, Toxic, ToxicStage } from './toxic.js';

export interface BlackholeParams {
  /** Bytes flow normally for this long after the connection opened; then nothing does. 0: from the start. */
  afterMs: number;
}

/** A stage that passes bytes until swallow() (or its timer) turns it into a hole. The proxy's blackhole() uses it too. */
export class BlackholeStage implements ToxicStage {
  private swallowing = false;
  private timer: NodeJS.Timeout | null = null;
  /** Bytes dropped since it started swallowing. */
  dropped = 0;
  /** Sees every chunk it drops (the dead-peer scenario looks for the server's close frame in them). */
  onSwallow: ((chunk: Buffer) => void) | null = null;

  constructor(
    private readonly next: Sink,
    afterMs: number | null,
  ) {
    if (afterMs === 0) this.swallowing = true;
    else if (afterMs !== null) this.timer = setTimeout(this.swallow, afterMs);
  }

  get isSwallowing(): boolean {
    return this.swallowing;
  }

  /** From now on, forward nothing. */
  readonly swallow = (): void => {
    this.swallowing = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  };

  write(chunk: Buffer): void {
    if (this.swallowing) {
      this.dropped += chunk.length;
      this.onSwallow?.(chunk);
    } else this.next.write(chunk);
  }

  end(): void {
    if (!this.swallowing) this.next.end();
  }

  destroy(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** `blackhole=5s`: every connection goes silent 5 s after it opened (`blackhole=0` from the start). */
export const blackhole: Toxic<BlackholeParams> = {
  name: 'blackhole',
  keys: { blackhole: 'duration' },
  defaultDirections: ['upstream', 'downstream'],
  params: (values) => ({ afterMs: values.blackhole ?? 0 }),
  create: (params, next) => new BlackholeStage(next, params.afterMs),
};
