// Builds a Go program of the fixtures (gorilla/websocket's chat example) against Debian's Go packages, in a
// temporary GOPATH that is removed with the binary.

import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './gate-run.js';
import { DEBIAN_GOCODE } from './tools.js';

/** A built program: where its binary is, and how to remove it. */
export interface GoBuild {
  binary: string;
  remove(): void;
}

/** A cold build of the chat example takes about 5 s on a busy 2-core machine. */
const BUILD_TIMEOUT_MS = 120_000;

/**
 * `GO111MODULE=off GOPATH=<tmp>:/usr/share/gocode go build` of the fixture directory `fixture` (relative to the
 * repository); the binary sits beside a copy of the sources, so files it serves by relative path are there too.
 */
export function buildGoFixture(fixture: string, name: string): GoBuild {
  const dir = mkdtempSync(join(tmpdir(), 'ws-gate-go-'));
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    const source = join(dir, 'src', name);
    cpSync(join(ROOT, fixture), source, { recursive: true });
    const built = spawnSync('go', ['build', '-o', name, '.'], {
      cwd: source,
      env: { ...process.env, GO111MODULE: 'off', GOPATH: `${dir}:${DEBIAN_GOCODE}`, GOFLAGS: '' },
      encoding: 'utf8',
      timeout: BUILD_TIMEOUT_MS,
    });
    if (built.status !== 0) throw new Error(`go build of ${fixture} failed: ${built.stderr || built.error?.message}`);
    return { binary: join(source, name), remove };
  } catch (err) {
    remove();
    throw err;
  }
}
