// One temporary directory for the whole test run. Gate runs keep a failing run's server log, and make the heap
// snapshots' private directory, under RUNNER_TEMP: pointing it here removes what every test left when the run ends.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'ws-gate-tests-'));
  // Set before the workers start, so they and every process they spawn inherit it.
  process.env.RUNNER_TEMP = dir;
  return function removeRunTemp() {
    rmSync(dir, { recursive: true, force: true });
  };
}
