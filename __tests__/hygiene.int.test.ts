// After a run inside this process, nothing of ours stays open: no timer, socket, child, file handle,
// and no promise rejected without a handler, on the happy path and on the stop paths. Of the files it made in
// the temp directory, only the server's log of a run that failed is left, for the user to read.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ECHO_SERVER, QUICK, expectNothingLeftRunning, fixtureInputs, gate } from './helpers/gate-run.js';
import { tempDirsRemovedAfterEach } from './helpers/temp.js';
import type { Verdict } from '../src/model/report.js';

function counts(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) out[kind] = (out[kind] ?? 0) + 1;
  return out;
}

/** Resources settle a tick after the last close callback; the test runner's own short timers within a second. */
async function settledCounts(): Promise<Record<string, number>> {
  await sleep(1000);
  return counts();
}

describe('the gate leaves nothing open in its own process', () => {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => void rejections.push(reason);
  beforeAll(() => process.on('unhandledRejection', onRejection));
  afterAll(() => process.off('unhandledRejection', onRejection));

  // Each run gets a temp directory of its own, to see what it left there.
  const tempDir = tempDirsRemovedAfterEach();
  const runnerTemp = process.env.RUNNER_TEMP;
  afterEach(() => void (process.env.RUNNER_TEMP = runnerTemp));

  const runs: Array<[string, Parameters<typeof gate>[0], Verdict]> = [
    ['a passing run', { ...QUICK, 'server-command': `node ${JSON.stringify(ECHO_SERVER)}`, url: 'ws://127.0.0.1:0/' }, 'pass'],
    ['a run that only warns', fixtureInputs({ REJECT_EVERY: 2 }, { ...QUICK, 'warn-only': 'connect-success-rate' }), 'warn'],
    ['a crash mid-run', fixtureInputs({ EXIT_AFTER_CONNECTIONS: 10 }, QUICK), 'fail'],
    ['a server that never listens', fixtureInputs({ NEVER_LISTEN: 1 }, { 'startup-timeout-s': '1' }), 'fail'],
    ['a run stopped by timeout-s', fixtureInputs({}, { 'timeout-s': '1', 'flap-cycles': '100' }), 'fail'],
    [
      'a server that stops reading',
      fixtureInputs({ STOP_READING: 1 }, { ...QUICK, 'close-timeout-ms': '200', 'connect-timeout-ms': '500' }),
      'fail',
    ],
  ];
  it.each(runs)('after %s', async (_name, inputs, outcome) => {
    const dir = tempDir('ws-gate-hygiene-');
    process.env.RUNNER_TEMP = dir;
    const before = await settledCounts();
    const report = await gate(inputs);
    const after = await settledCounts();
    // Nothing may be added; the runner's own timers may come and go.
    const added = Object.entries(after).filter(([kind, n]) => n > (before[kind] ?? 0));
    expect(added, `before: ${JSON.stringify(before)}, after: ${JSON.stringify(after)}`).toEqual([]);
    expect(rejections).toEqual([]);
    expectNothingLeftRunning(report);

    // The heap snapshots' directory is always gone; the server's log stays only for a failed run, which names it.
    expect(report.verdict).toBe(outcome);
    if (outcome !== 'fail') {
      expect(report.server.logPath).toBeNull();
      expect(readdirSync(dir)).toEqual([]);
    } else {
      expect(report.server.logPath).not.toBeNull();
      expect(existsSync(report.server.logPath!)).toBe(true);
      expect(readdirSync(dir)).toEqual([basename(report.server.logPath!)]);
      expect((statSync(report.server.logPath!).mode & 0o777).toString(8)).toBe('600');
    }
  });
});
