// Timing fidelity: the default flapping cycle (hold 100 ms, pause 50 ms) measured against the prescribed 150 ms.

import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { runLoad } from '../src/scenarios/load.js';
import type { LatencySummary } from '../src/model/report.js';
import { note, percentile, round, startEchoServer } from './lib.js';

export const HOLD_MS = 100;
export const PAUSE_MS = 50;
const GATE_CYCLES = 100;
const BARE_CYCLES = 40;

export interface CycleTiming {
  cycles: number;
  prescribedMs: number;
  cycleMs: LatencySummary;
  handshakeMeanMs: number;
  closeMeanMs: number;
  /** Mean cycle minus the prescribed hold + pause. */
  meanOverheadMs: number;
  /** Mean cycle minus hold, pause and the server's handshake and close latencies: what the engine adds. */
  meanEngineOverheadMs: number;
  /** p99 of the cycle minus its median. */
  p99JitterMs: number;
}

export interface FidelityResult {
  holdMs: number;
  pauseMs: number;
  gate: CycleTiming;
  /** The same cycle written as a bare `ws` loop with timers/promises sleeps: the floor Node itself sets. */
  bare: CycleTiming;
}

function timing(cycles: number, cycle: LatencySummary, handshakeMeanMs: number, closeMeanMs: number): CycleTiming {
  const prescribedMs = HOLD_MS + PAUSE_MS;
  return {
    cycles,
    prescribedMs,
    cycleMs: cycle,
    handshakeMeanMs: round(handshakeMeanMs),
    closeMeanMs: round(closeMeanMs),
    meanOverheadMs: round(cycle.mean - prescribedMs),
    meanEngineOverheadMs: round(cycle.mean - prescribedMs - handshakeMeanMs - closeMeanMs),
    p99JitterMs: round(cycle.p99 - cycle.p50),
  };
}

const mean = (values: number[]): number => values.reduce((s, v) => s + v, 0) / values.length;

/** The reference: open, hold, close(1000), wait for close, pause, each timed the way runLoad times them. */
async function bareCycles(url: string, cycles: number): Promise<CycleTiming> {
  const cycleMs: number[] = [];
  const handshakeMs: number[] = [];
  const closeMs: number[] = [];
  for (let i = 0; i < cycles; i++) {
    const start = performance.now();
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on('error', () => {});
    await new Promise((resolve) => ws.once('open', resolve));
    handshakeMs.push(performance.now() - start);
    await sleep(HOLD_MS);
    const closing = performance.now();
    await new Promise((resolve) => {
      ws.once('close', resolve);
      ws.close(1000);
    });
    closeMs.push(performance.now() - closing);
    await sleep(PAUSE_MS);
    cycleMs.push(performance.now() - start);
  }
  const sorted = [...cycleMs].sort((a, b) => a - b);
  const summary: LatencySummary = {
    count: sorted.length,
    mean: round(mean(sorted)),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1]!),
  };
  return timing(cycles, summary, mean(handshakeMs), mean(closeMs));
}

export async function runFidelity(): Promise<FidelityResult> {
  const echo = await startEchoServer('fidelity');
  try {
    // A few cycles so neither side pays for JIT or first-connection costs inside the measurement.
    await runLoad({ id: 'flapping', clients: 1, cyclesPerClient: 200, holdMs: 0, pauseMs: 0 }, echo.target, new AbortController().signal);
    note(`gate: ${GATE_CYCLES} flapping cycles of ${HOLD_MS} + ${PAUSE_MS} ms`);
    const result = await runLoad(
      { id: 'flapping', clients: 1, cyclesPerClient: GATE_CYCLES, holdMs: HOLD_MS, pauseMs: PAUSE_MS },
      echo.target,
      new AbortController().signal,
    );
    if (!result.cycleMs || !result.handshakeMs || !result.closeMs)
      throw new Error(`fidelity: the flapping run measured no cycles (${JSON.stringify(result)})`);
    const gate = timing(result.cycleMs.count, result.cycleMs, result.handshakeMs.mean, result.closeMs.mean);
    note(`bare: ${BARE_CYCLES} cycles`);
    const bare = await bareCycles(echo.url, BARE_CYCLES);
    return { holdMs: HOLD_MS, pauseMs: PAUSE_MS, gate, bare };
  } finally {
    await echo.stop();
  }
}
