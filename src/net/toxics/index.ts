// The registry of toxics: one line each. The `network` parser and the proxy know toxics only through it.

import { bandwidth } from './bandwidth.js';
import { blackhole } from './blackhole.js';
import { latency } from './latency.js';
import { reset } from './reset.js';
import { slicer } from './slicer.js';
import { slowClose } from './slow-close.js';
import type { Toxic } from './toxic.js';

/**
 * Every toxic by name, in the order a chunk passes them on its way. Reset first: it counts the writes as the
 * sender made them (its "message" is the first write after the upgrade), before the slicer splits them.
 */
export const TOXICS = {
  reset,
  latency,
  bandwidth,
  slicer,
  'slow-close': slowClose,
  blackhole,
} as const satisfies Record<string, Toxic<unknown>>;

export type ToxicName = keyof typeof TOXICS;
/** The parameters a toxic's `params()` returns. */
export type ToxicParams<N extends ToxicName> = Exclude<ReturnType<(typeof TOXICS)[N]['params']>, string>;

export const TOXIC_NAMES = Object.keys(TOXICS) as ToxicName[];
