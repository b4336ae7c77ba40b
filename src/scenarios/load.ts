// Flapping and leak prevention: clients that connect, hold, close and pause, cycle after cycle.

import { setTimeout as sleep } from 'node:timers/promises';
import { closeConnection, openConnection, type Target } from '../client/connection.js';
import { summarize } from '../analysis/stats.js';
import type { LoadScenarioResult } from '../report/schema.js';

export interface LoadSpec {
  id: 'flapping' | 'leak';
  clients: number;
  cyclesPerClient: number;
  holdMs: number;
  pauseMs: number;
}

interface Tally {
  attempts: number;
  connected: number;
  clean: number;
  connectFailures: Record<string, number>;
  disconnectFailures: Record<string, number>;
  handshakeMs: number[];
  closeMs: number[];
  cycleMs: number[];
}

/** Runs the scenario until every client finished its cycles or `signal` aborts (partial results then). */
export async function runLoad(spec: LoadSpec, target: Target, signal: AbortSignal): Promise<LoadScenarioResult> {
  const tally: Tally = {
    attempts: 0,
    connected: 0,
    clean: 0,
    connectFailures: {},
    disconnectFailures: {},
    handshakeMs: [],
    closeMs: [],
    cycleMs: [],
  };
  const start = performance.now();
  const clients = Array.from({ length: spec.clients }, () => runClient(spec, target, signal, tally));
  await Promise.all(clients);
  return summarizeLoad(spec, tally, performance.now() - start);
}

async function runClient(spec: LoadSpec, target: Target, signal: AbortSignal, tally: Tally): Promise<void> {
  for (let cycle = 0; cycle < spec.cyclesPerClient && !signal.aborted; cycle++) {
    const cycleStart = performance.now();
    const opened = await openConnection(target, signal);
    if (signal.aborted) {
      if (opened.ok) opened.ws.terminate();
      return; // An interrupted cycle is not counted either way.
    }
    tally.attempts += 1;
    if (opened.ok) {
      tally.connected += 1;
      tally.handshakeMs.push(opened.handshakeMs);
      const held = await pause(spec.holdMs, signal);
      if (!held) {
        opened.ws.terminate();
        tally.attempts -= 1;
        tally.connected -= 1;
        tally.handshakeMs.pop();
        return;
      }
      const closed = await closeConnection(opened.ws, 'clean', target.closeTimeoutMs);
      tally.closeMs.push(closed.closeMs);
      if (closed.clean) tally.clean += 1;
      else bump(tally.disconnectFailures, closed.failure ?? 'error');
    } else {
      bump(tally.connectFailures, opened.failure);
    }
    if (!(await pause(spec.pauseMs, signal))) return;
    tally.cycleMs.push(performance.now() - cycleStart);
  }
}

/** Waits ms; false when aborted meanwhile. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (ms <= 0) return !signal.aborted;
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

function bump(counts: Record<string, number>, kind: string): void {
  counts[kind] = (counts[kind] ?? 0) + 1;
}

function summarizeLoad(spec: LoadSpec, tally: Tally, durationMs: number): LoadScenarioResult {
  return {
    id: spec.id,
    enabled: true,
    prescribed: {
      clients: spec.clients,
      cyclesPerClient: spec.cyclesPerClient,
      holdMs: spec.holdMs,
      pauseMs: spec.pauseMs,
      cycleMs: spec.holdMs + spec.pauseMs,
    },
    attempts: tally.attempts,
    connected: tally.connected,
    cleanDisconnects: tally.clean,
    connectRate: tally.attempts === 0 ? null : tally.connected / tally.attempts,
    disconnectRate: tally.connected === 0 ? null : tally.clean / tally.connected,
    connectFailures: tally.connectFailures,
    disconnectFailures: tally.disconnectFailures,
    handshakeMs: summarize(tally.handshakeMs),
    closeMs: summarize(tally.closeMs),
    cycleMs: summarize(tally.cycleMs),
    durationMs: Math.round(durationMs),
  };
}

/** The result of a scenario that did not run (disabled on purpose, or the run stopped before it). */
export function emptyLoadResult(spec: LoadSpec, enabled: boolean): LoadScenarioResult {
  return { ...summarizeLoad(spec, emptyTally(), 0), enabled };
}

function emptyTally(): Tally {
  return { attempts: 0, connected: 0, clean: 0, connectFailures: {}, disconnectFailures: {}, handshakeMs: [], closeMs: [], cycleMs: [] };
}
