// The reset toxic: a share of connections ends in an RST at a random point, mid-handshake or mid-message
// (Toxiproxy's `reset_peer`, decided per connection).

import type { Toxic } from './toxic.js';

export interface ResetParams {
  /** Share of connections (0..1) that get reset. */
  ratio: number;
}

/** Where a doomed connection is cut: in its first chunk (the HTTP upgrade) or its second (the first frame after it). */
export type ResetPoint = { at: 'handshake' | 'message'; fraction: number } | null;

/** The plan for one connection from three draws in [0, 1): whether, where, and how far into the chunk. */
export function resetPlan(ratio: number, draws: readonly [number, number, number]): ResetPoint {
  if (draws[0] >= ratio) return null;
  return { at: draws[1] < 0.5 ? 'handshake' : 'message', fraction: draws[2] };
}

/** Bytes of a chunk of `length` let through before the RST: at least one (else the cut is not mid-anything), at most length - 1. */
export function cutOffset(length: number, fraction: number): number {
  if (length <= 1) return 0;
  return 1 + Math.floor(fraction * (length - 1));
}

/** `reset-ratio=0.2` (or 20%): decided on the client-to-server bytes, once per connection. */
export const reset: Toxic<ResetParams> = {
  name: 'reset',
  keys: { 'reset-ratio': 'ratio' },
  defaultDirections: ['upstream'],
  params: (values) => ({ ratio: values['reset-ratio'] ?? 0 }),
  create(params, next, context) {
    const plan = resetPlan(params.ratio, [context.random(), context.random(), context.random()]);
    let chunks = 0;
    let done = false;
    return {
      write(chunk) {
        if (done) return;
        const index = chunks++;
        if (plan && index === (plan.at === 'handshake' ? 0 : 1)) {
          const cut = cutOffset(chunk.length, plan.fraction);
          if (cut > 0) next.write(chunk.subarray(0, cut));
          done = true;
          context.reset(`reset toxic: mid-${plan.at} after ${cut} of ${chunk.length} bytes`);
          return;
        }
        next.write(chunk);
      },
      end: () => {
        if (!done) next.end();
      },
      destroy: () => {
        done = true;
      },
    };
  },
};
