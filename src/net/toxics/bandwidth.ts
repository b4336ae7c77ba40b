// The bandwidth toxic: bytes leave no faster than a rate, in slices of a tenth of a second (Toxiproxy's `bandwidth`).

import { DelayQueue } from './delay-queue.js';
import type { Toxic } from './toxic.js';

export interface BandwidthParams {
  bytesPerSecond: number;
}

/** Slices of ~100 ms worth of bytes: small enough to keep the rate smooth, few enough to keep timers rare. */
export function bandwidthSliceBytes(bytesPerSecond: number): number {
  return Math.max(1, Math.floor(bytesPerSecond / 10));
}

/** How long `bytes` take on the wire at the rate, in milliseconds. */
export function transmitMs(bytes: number, bytesPerSecond: number): number {
  return (bytes * 1000) / bytesPerSecond;
}

/** `bandwidth=64kb` (bytes per second; kb = 1024 bytes). */
export const bandwidth: Toxic<BandwidthParams> = {
  name: 'bandwidth',
  keys: { bandwidth: 'rate' },
  defaultDirections: ['upstream', 'downstream'],
  params(values) {
    const bytesPerSecond = values.bandwidth ?? 0;
    if (bytesPerSecond < 1) return 'bandwidth must be at least 1 byte per second';
    return { bytesPerSecond };
  },
  create(params, next) {
    const queue = new DelayQueue(next);
    const slice = bandwidthSliceBytes(params.bytesPerSecond);
    return {
      write(chunk) {
        // Each slice leaves when the one before it has had its time on the wire.
        for (let offset = 0; offset < chunk.length; offset += slice) {
          const part = chunk.subarray(offset, offset + slice);
          queue.pushAt(part, queue.tail + transmitMs(part.length, params.bytesPerSecond));
        }
      },
      end: () => queue.push(null, 0),
      destroy: () => queue.destroy(),
      get heldBytes() {
        return queue.heldBytes;
      },
    };
  },
};
