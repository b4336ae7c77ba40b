// The tests' own ways to start servers: what a test starts is stopped, with everything under it, after a failed
// assertion and after a timeout too, whether the test started it (testServers) or a gate run did (gate); a server
// that never gets ready is stopped before the error names it.

import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixtureInputs, gate, pidAlive } from './helpers/gate-run.js';
import { NODE, SERVERS, rootPath, startTestServer, testServers } from './helpers/test-server.js';

const { start, startShared } = testServers();

/** The pids the tests below leave for the hooks to stop, read by the test after them. */
const leftBehind: number[] = [];

/** The example echo server with a `sleep` child of its own: a tree of two. */
const WITH_CHILD = `${NODE} -e ${JSON.stringify(
  "require('node:child_process').spawn('sleep', ['60'], { stdio: 'ignore' }); require(process.argv[1]);",
)} ${rootPath('examples/echo-server.js')}`;

async function treeOfTwo(): Promise<number[]> {
  const server = await start(WITH_CHILD);
  await expect.poll(() => server.tree().length, { timeout: 5000 }).toBe(2);
  const tree = server.tree();
  leftBehind.push(...tree);
  return tree;
}

describe('testServers', () => {
  it.fails('stops the tree after a failed assertion (this test fails on purpose)', async () => {
    const tree = await treeOfTwo();
    expect(tree).toEqual([]);
  });

  it.fails('stops the tree after a timeout (this test times out on purpose)', { timeout: 5000 }, async () => {
    await treeOfTwo();
    await new Promise(() => {});
  });

  it('... so nothing of either is alive in the next test', () => {
    expect(leftBehind).toHaveLength(4);
    expect(leftBehind.filter(pidAlive)).toEqual([]);
  });

  it('is ready once a handshake succeeds, and its target, rss and tree describe the server', async () => {
    const server = await start(SERVERS.echo);
    expect(server.target.url).toBe(`ws://127.0.0.1:${server.port}/`);
    expect(server.tree()).toEqual([server.pid]);
    expect(await server.rss()).toBeGreaterThan(10 * 1024 * 1024);
    // The readiness handshake's connection is closed; on a busy machine its server side goes a moment later.
    await expect.poll(() => server.lingering(), { timeout: 2000 }).toBe(0);
    await server.stop();
    expect(pidAlive(server.pid)).toBe(false);
    expect(server.running()).toBe(false);
    // A second stop is nothing.
    await server.stop();
  });

  it('a server that exits before it is ready: the error carries its output, and nothing is left', async () => {
    let spawned = -1;
    const failed = startTestServer(`${NODE} -e ${JSON.stringify("console.error('no config file'); process.exit(3)")}`, {}, (s) => {
      spawned = s.pid;
    });
    await expect(failed).rejects.toThrow(/exited \(handshake on ws:\/\/127\.0\.0\.1:\d+\/\): no config file/);
    expect(spawned).toBeGreaterThan(0);
    expect(pidAlive(spawned)).toBe(false);
  });

  describe('shared by the tests of a file', () => {
    let sharedPid = -1;
    it('a server started for the file', async () => {
      const server = await startShared(SERVERS.echo);
      sharedPid = server.pid;
    });
    it('is still running in the next test', () => {
      expect(pidAlive(sharedPid)).toBe(true);
    });
  });
});

describe('gate', () => {
  // Marks the run's server in its environment, to find it without the report the timed-out test never got.
  const MARK = `WS_GATE_TEST_MARK_${process.pid}`;
  const marked = (): number[] =>
    readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number)
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/environ`, 'utf8').includes(`${MARK}=`);
        } catch {
          return false;
        }
      })
      .filter(pidAlive);

  it.fails('cancels a run its test left behind (this test times out on purpose in a 60 s cooldown)', { timeout: 4000 }, async () => {
    await gate(fixtureInputs({ [MARK]: 1 }, { 'cooldown-ms': '60000', 'heap-snapshots': 'off' }));
  });

  it('... and its teardown ended the server before the next test', () => {
    expect(marked()).toEqual([]);
  });
});
