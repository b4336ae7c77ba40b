// The idle windows a run prescribes (the baseline, the settle after each leak round, the cooldown), with the leak
// evidence taken inside them instead of after them: evidence is not a prescribed wait (DESIGN.md, "Wall-time floor").

import type { RunContext } from './context.js';

/** How much earlier than the longest evidence reading so far the next one starts in its window: room for noise. */
const EVIDENCE_LEAD = 1.25;

/**
 * Waits out an idle window of `ms` with `evidence` taken inside it; lasts until both are done. The evidence starts
 * once `after` settles, and no earlier than the window's end less the longest evidence reading of the run so far
 * (at once for the first): what it reads is the state at the window's end, as if it were read after the window.
 * Every sample it disturbs is left out of the memory figures by the evidence's own probe window.
 */
export async function idleWithEvidence(
  run: RunContext,
  ms: number,
  evidence: () => Promise<void>,
  after: Promise<void> = Promise.resolve(),
): Promise<void> {
  const end = performance.now() + ms;
  const window = run.idle(ms);
  await after;
  // Without an earlier reading to time it by, the first starts at once: the window then hides what it can of it.
  if (run.evidenceMs > 0) await run.idle(Math.max(0, end - run.evidenceMs * EVIDENCE_LEAD - performance.now()));
  if (!run.stopped) {
    const started = performance.now();
    await evidence();
    run.evidenceMs = Math.max(run.evidenceMs, performance.now() - started);
  }
  await window;
}
