// The gate's one clock: monotonic milliseconds (performance.now), on which every duration, deadline and timestamp
// of a run is measured, so two readings from different modules can be subtracted.

/** Monotonic milliseconds; never jumps with the wall clock. */
export function now(): number {
  return performance.now();
}

/** Milliseconds since `start`, a reading of now(). */
export function since(start: number): number {
  return performance.now() - start;
}

/** Milliseconds left until `deadline`, a reading of now() plus a budget; never below 0. */
export function remaining(deadline: number): number {
  return Math.max(0, deadline - performance.now());
}
