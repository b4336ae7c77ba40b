// After a run inside this process, nothing of ours stays open: no timer, socket, child, file handle,
// and no promise rejected without a handler, on the happy path and on the stop paths. Of the files it made in
// the temp directory, only the server's log of a run that failed is left, for the user to read.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ECHO_SERVER, QUICK, expectNothingLeftRunning, fixtureInputs, gate } from './helpers/gate-run.js';
import { expectNothingAdded, settledResourceCounts, unhandledRejectionsCollected } from './helpers/resources.js';
import { tempDirsRemovedAfterEach } from './helpers/temp.js';
import type { Verdict } from '../src/model/report.js';

describe('the gate leaves nothing open in its own process', () => {
  const rejections = unhandledRejectionsCollected();

  // Each run gets a temp directory of its own, to see what it left there.
  const tempDir = tempDirsRemovedAfterEach();
  const runnerTemp = process.env.RUNNER_TEMP;
  afterEach(() => void (process.env.RUNNER_TEMP = runnerTemp));

  // With heap snapshots (QUICK turns them off): their private directory is one more thing a run must remove.
  const QUICK_HEAP = { ...QUICK, 'heap-snapshots': 'auto' };
  // A server that stops reading, with the gate's sends stuck in a full buffer: in faults.int.test.ts.
  const runs: Array<[string, Parameters<typeof gate>[0], Verdict]> = [
    ['a passing run', { ...QUICK_HEAP, 'server-command': `node ${JSON.stringify(ECHO_SERVER)}`, url: 'ws://127.0.0.1:0/' }, 'pass'],
    ['a run that only warns', fixtureInputs({ REJECT_EVERY: 2 }, { ...QUICK_HEAP, 'warn-only': 'connect-success-rate' }), 'warn'],
    ['a crash mid-run', fixtureInputs({ EXIT_AFTER_CONNECTIONS: 10 }, QUICK_HEAP), 'fail'],
    ['a server that never listens', fixtureInputs({ NEVER_LISTEN: 1 }, { 'startup-timeout-s': '1' }), 'fail'],
    ['a run stopped by timeout-s', fixtureInputs({}, { 'timeout-s': '1', 'flap-cycles': '100' }), 'fail'],
  ];
  it.each(runs)('after %s', async (_name, inputs, outcome) => {
    const dir = tempDir('ws-gate-hygiene-');
    process.env.RUNNER_TEMP = dir;
    const before = await settledResourceCounts();
    const report = await gate(inputs);
    expectNothingAdded(before, await settledResourceCounts());
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
