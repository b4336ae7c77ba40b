// Runs the real gate against a real server process, and proves afterwards that nothing of it survived.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, onTestFinished, type TestContext } from 'vitest';
import type { RawInputs } from '../../src/config/inputs.js';
import { describeConfig, parseConfig } from '../../src/config/parse.js';
import { runGate } from '../../src/run/runner.js';
import type { Report } from '../../src/model/report.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const FAULTY_SERVER = fileURLToPath(new URL('../fixtures/faulty-server.js', import.meta.url));
export const ECHO_SERVER = fileURLToPath(new URL('../../examples/echo-server.js', import.meta.url));

/** Settings that keep a run short where the test is not about durations or memory. */
export const QUICK: RawInputs = {
  'warmup-connections': '2',
  'flap-cycles': '8',
  'flap-hold-ms': '20',
  'flap-pause-ms': '10',
  'leak-clients': '2',
  'leak-cycles': '5',
  'cooldown-ms': '300',
  'recovery-hold-ms': '100',
  'shutdown-grace-s': '2',
  // Ten leak connections are too few for a memory trend (it would show as not measured).
  'max-leak-kb-per-connection': 'off',
  // Heap snapshots double a short run's time; the tests of heap evidence ask for them.
  'heap-snapshots': 'off',
};

/** `node <fixture>` with the faults given as server-env lines. */
export function fixtureInputs(faults: Record<string, string | number>, extra: RawInputs = {}): RawInputs {
  return {
    'server-command': `node ${JSON.stringify(FAULTY_SERVER)}`,
    url: 'ws://127.0.0.1:0/',
    'server-env': Object.entries(faults)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
    'report-path': '',
    ...extra,
  };
}

/** How long a run cancelled after its test ended gets to tear its server down (the CLI's SIGTERM path, in-process). */
const CANCELLED_TEARDOWN_MS = 30_000;

/**
 * One whole gate run in this process. Inside a test, a run still going when the test ends (a failed assertion in a
 * Promise.all, a timeout) is cancelled then, as SIGINT would cancel the CLI, and its teardown awaited: its server
 * does not outlive the test. A concurrent test (`describe.concurrent`) passes its context: only the context knows
 * which of the tests running at once is its own.
 */
export async function gate(inputs: RawInputs, test?: Pick<TestContext, 'onTestFinished'>): Promise<Report> {
  const config = parseConfig({ 'report-path': '', ...inputs });
  const cancel = new AbortController();
  const run = runGate(config, { configDescription: describeConfig(inputs), signal: cancel.signal });
  const whenFinished = test?.onTestFinished ?? (expect.getState().currentTestName !== undefined ? onTestFinished : null);
  if (whenFinished) {
    whenFinished(async function cancelRunStillGoing() {
      cancel.abort('the test ended');
      const giveUp = new AbortController();
      const waited = sleep(CANCELLED_TEARDOWN_MS, undefined, { signal: giveUp.signal }).catch(() => undefined);
      await Promise.race([run.catch(() => undefined), waited]);
      giveUp.abort();
    });
  }
  return run;
}

/** Alive per /proc (a zombie counts as dead): independent of the gate's own process-tree code. */
export function pidAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Every pid the gate saw in the server's tree is gone. */
export function expectNothingLeftRunning(report: Report): void {
  expect(report.server.survivors).toEqual([]);
  const alive = report.server.pidsSeen.filter(pidAlive);
  expect(alive, `server processes still alive: ${alive.join(', ')}`).toEqual([]);
}

export function check(report: Report, id: string) {
  const found = report.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check '${id}' in ${report.checks.map((c) => c.id).join(', ')}`);
  return found;
}
