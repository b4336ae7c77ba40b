// Ordered, timed hand-over for the toxics that delay bytes: one timer per queue, chunks never overtake each other.

import type { Sink } from './toxic.js';
import { now } from '../../model/clock.js';

interface Item {
  due: number;
  /** null: the FIN. */
  chunk: Buffer | null;
}

/**
 * Holds chunks until their due time and hands them on in the order they were queued: a TCP stream keeps its
 * order, so a chunk given a shorter delay (jitter) still waits for the one before it.
 */
export class DelayQueue {
  private readonly items: Item[] = [];
  private timer: NodeJS.Timeout | null = null;
  private lastDue = 0;
  private destroyed = false;
  private held = 0;

  /**
   * `spacingMs`: the least time between two hand-overs, even when a late timer finds several items due (the
   * slicer's segments must stay apart; latency and bandwidth catch up instead, keeping their schedule).
   */
  constructor(
    private readonly next: Sink,
    private readonly spacingMs = 0,
  ) {}

  /** Bytes queued and not yet handed on. */
  get heldBytes(): number {
    return this.held;
  }

  /** When the last queued item is due (performance.now() time); now when the queue is empty. */
  get tail(): number {
    return Math.max(this.lastDue, now());
  }

  /** Queues a chunk (null: the FIN) due `delayMs` from now, or after the item before it if that is later. */
  push(chunk: Buffer | null, delayMs: number): void {
    this.pushAt(chunk, now() + Math.max(0, delayMs));
  }

  /** Queues a chunk due at `due` (performance.now() time), or after the item before it if that is later. */
  pushAt(chunk: Buffer | null, due: number): void {
    if (this.destroyed) return;
    const at = Math.max(due, this.lastDue);
    this.lastDue = at;
    if (this.items.length === 0 && at <= now()) {
      this.deliver(chunk);
      return;
    }
    this.items.push({ due: at, chunk });
    this.held += chunk?.length ?? 0;
    this.schedule();
  }

  destroy(): void {
    this.destroyed = true;
    this.items.length = 0;
    this.held = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private deliver(chunk: Buffer | null): void {
    if (chunk === null) this.next.end();
    else this.next.write(chunk);
  }

  private schedule(): void {
    if (this.timer || this.items.length === 0) return;
    this.timer = setTimeout(this.onTimer, Math.max(0, this.items[0]!.due - now()));
  }

  private readonly onTimer = (): void => {
    this.timer = null;
    // Node timers fire up to a millisecond early against performance.now(): that much early is on time.
    const until = now() + 1;
    while (!this.destroyed && this.items.length > 0 && this.items[0]!.due <= until) {
      const { chunk } = this.items.shift()!;
      this.held -= chunk?.length ?? 0;
      this.deliver(chunk);
      const following = this.items[0];
      if (this.spacingMs > 0 && following && chunk !== null) {
        following.due = Math.max(following.due, now() + this.spacingMs);
        this.lastDue = Math.max(this.lastDue, following.due);
        break;
      }
    }
    if (!this.destroyed) this.schedule();
  };
}
