// The latency toxic: every chunk waits latency ± jitter before it goes on (Toxiproxy's `latency`).

import { DelayQueue } from './delay-queue.js';
import type { Toxic } from './toxic.js';

export interface LatencyParams {
  latencyMs: number;
  /** Each chunk's delay is drawn uniformly from latency - jitter .. latency + jitter (never below 0). */
  jitterMs: number;
}

/** The delay of one chunk for a draw `random` in [0, 1). */
export function latencyDelay(params: LatencyParams, random: number): number {
  return Math.max(0, params.latencyMs + (random * 2 - 1) * params.jitterMs);
}

/** `latency=100ms,jitter=20ms`: jitter alone means nothing and is refused. */
export const latency: Toxic<LatencyParams> = {
  name: 'latency',
  keys: { latency: 'duration', jitter: 'duration' },
  defaultDirections: ['upstream', 'downstream'],
  params(values) {
    const jitterMs = values.jitter ?? 0;
    const latencyMs = values.latency ?? 0;
    if (jitterMs > latencyMs) return `jitter (${jitterMs} ms) must not exceed latency (${latencyMs} ms)`;
    return { latencyMs, jitterMs };
  },
  create(params, next, context) {
    const queue = new DelayQueue(next);
    return {
      write: (chunk) => queue.push(chunk, latencyDelay(params, context.random())),
      // The FIN travels the same wire: it arrives after the last byte, delayed like one.
      end: () => queue.push(null, latencyDelay(params, context.random())),
      destroy: () => queue.destroy(),
      get heldBytes() {
        return queue.heldBytes;
      },
    };
  },
};
