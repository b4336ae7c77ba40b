// The slicer toxic: each write is cut into segments of N bytes sent apart (Toxiproxy's `slicer`), so a frame
// arrives in pieces and the server's parser must reassemble it.

import { DelayQueue } from './delay-queue.js';
import type { Toxic } from './toxic.js';

export interface SlicerParams {
  sliceBytes: number;
  /** Pause between two segments. */
  delayMs: number;
}

/** The segments of one chunk (views, no copies). */
export function sliceChunk(chunk: Buffer, sliceBytes: number): Buffer[] {
  const parts: Buffer[] = [];
  for (let offset = 0; offset < chunk.length; offset += sliceBytes) parts.push(chunk.subarray(offset, offset + sliceBytes));
  return parts;
}

/** `slice=64,slice-delay=1ms` (the delay defaults to 1 ms: without one, the kernel would merge the segments again). */
export const slicer: Toxic<SlicerParams> = {
  name: 'slicer',
  keys: { slice: 'bytes', 'slice-delay': 'duration' },
  defaultDirections: ['upstream', 'downstream'],
  params(values) {
    const sliceBytes = values.slice ?? 0;
    if (!Number.isInteger(sliceBytes) || sliceBytes < 1) return 'slice must be a whole number of bytes >= 1';
    return { sliceBytes, delayMs: values['slice-delay'] ?? 1 };
  },
  create(params, next) {
    const queue = new DelayQueue(next, params.delayMs);
    return {
      write(chunk) {
        for (const part of sliceChunk(chunk, params.sliceBytes)) queue.pushAt(part, queue.tail + params.delayMs);
      },
      end: () => queue.push(null, 0),
      destroy: () => queue.destroy(),
      get heldBytes() {
        return queue.heldBytes;
      },
    };
  },
};
