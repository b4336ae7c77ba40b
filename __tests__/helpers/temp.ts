// Temporary directories a test file makes: all of them removed after each test, passed or failed.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

/** Registers an afterEach in the calling file that removes every directory the returned function made. */
export function tempDirsRemovedAfterEach(): (prefix: string) => string {
  const made: string[] = [];
  afterEach(function removeTempDirs() {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return function tempDir(prefix) {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    made.push(dir);
    return dir;
  };
}
