// Compiles a Java program of the fixtures (the Netty WebSocket server) against Debian's Netty jars, into a
// temporary directory that is removed with the classes.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEBIAN_JAVA } from './tools.js';

/** The repository (tests); the benchmark's bundle passes its own. */
const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url));

/** A cold javac of the Netty server takes about 8 s on a busy 2-core machine. */
const BUILD_TIMEOUT_MS = 120_000;

/** The Netty jars a WebSocket server needs (Debian's netty-all.jar names them in its manifest, which javac does not follow). */
export const NETTY_JARS = ['common', 'buffer', 'transport', 'codec', 'codec-http', 'handler', 'resolver'].map((j) =>
  join(DEBIAN_JAVA, `netty-${j}.jar`),
);

/** Compiled classes: the `java` command line that runs `main`, and how to remove them. */
export interface JavaBuild {
  command: string;
  remove(): void;
}

/** `javac -d <tmp> -cp <Netty> <fixture>` (relative to `root`); the command runs the class named like the file. */
export function buildJavaFixture(fixture: string, root = REPOSITORY): JavaBuild {
  const dir = mkdtempSync(join(tmpdir(), 'ws-gate-java-'));
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    const classpath = [...NETTY_JARS].join(delimiter);
    const built = spawnSync('javac', ['-d', dir, '-cp', classpath, join(root, fixture)], { encoding: 'utf8', timeout: BUILD_TIMEOUT_MS });
    if (built.status !== 0) throw new Error(`javac of ${fixture} failed: ${built.stderr || built.error?.message}`);
    const main = fixture
      .split('/')
      .pop()!
      .replace(/\.java$/, '');
    return { command: `java -cp ${JSON.stringify([dir, ...NETTY_JARS].join(delimiter))} ${main}`, remove };
  } catch (err) {
    remove();
    throw err;
  }
}
