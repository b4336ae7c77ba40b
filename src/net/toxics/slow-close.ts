// The slow-close toxic: the FIN is held back for a while after the last byte (Toxiproxy's `slow_close`).

import { DelayQueue } from './delay-queue.js';
import type { Toxic } from './toxic.js';

export interface SlowCloseParams {
  delayMs: number;
}

/** `slow-close=2s`: a peer that lingers before it hangs up. */
export const slowClose: Toxic<SlowCloseParams> = {
  name: 'slow-close',
  keys: { 'slow-close': 'duration' },
  defaultDirections: ['upstream', 'downstream'],
  params: (values) => ({ delayMs: values['slow-close'] ?? 0 }),
  create(params, next) {
    const queue = new DelayQueue(next);
    return {
      write: (chunk) => queue.push(chunk, 0),
      end: () => queue.push(null, params.delayMs),
      destroy: () => queue.destroy(),
      get heldBytes() {
        return queue.heldBytes;
      },
    };
  },
};
