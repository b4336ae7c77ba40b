// The snapshotter's pure parts: NODE_OPTIONS quoting, reading options back, and which pid may be signalled.

import { describe, expect, it } from 'vitest';
import {
  chooseSnapshotTarget,
  isNodeExecutable,
  lastNodeOption,
  quoteNodeOption,
  snapshotNodeOptions,
  snapshotReady,
  type ProcessFacts,
} from '../src/probe/heap-snapshot.js';

describe('NODE_OPTIONS for the server', () => {
  it("appends the signal and directory after the user's own options, quoting a path with spaces", () => {
    expect(snapshotNodeOptions('/tmp/ws-gate-heap-1', undefined)).toBe(
      '--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=/tmp/ws-gate-heap-1',
    );
    expect(snapshotNodeOptions('/tmp/a b', ' --max-old-space-size=512 ')).toBe(
      '--max-old-space-size=512 --heapsnapshot-signal=SIGUSR2 --diagnostic-dir="/tmp/a b"',
    );
    expect(quoteNodeOption('C:\\Temp\\x "y"')).toBe('"C:\\\\Temp\\\\x \\"y\\""');
  });

  it('reads the last value of an option back, quoted or not, = or space', () => {
    const text = snapshotNodeOptions('/tmp/a b', '--diagnostic-dir=/elsewhere --heapsnapshot-signal SIGUSR1');
    expect(lastNodeOption(text, '--diagnostic-dir')).toBe('/tmp/a b');
    expect(lastNodeOption(text, '--heapsnapshot-signal')).toBe('SIGUSR2');
    expect(lastNodeOption('--inspect', '--diagnostic-dir')).toBeNull();
    expect(lastNodeOption(quoteNodeOption('C:\\Temp\\x "y"'), '')).toBeNull();
    expect(lastNodeOption(`--diagnostic-dir=${quoteNodeOption('C:\\Temp\\x "y"')}`, '--diagnostic-dir')).toBe('C:\\Temp\\x "y"');
  });

  it('calls a process ready only with our signal and our directory, from NODE_OPTIONS or argv', () => {
    expect(snapshotReady(['server.js'], snapshotNodeOptions('/tmp/d', ''), '/tmp/d')).toBe(true);
    expect(snapshotReady(['--heapsnapshot-signal=SIGUSR2', '--diagnostic-dir=/tmp/d', 'server.js'], '', '/tmp/d')).toBe(true);
    expect(snapshotReady(['server.js'], snapshotNodeOptions('/tmp/other', ''), '/tmp/d')).toBe(false);
    expect(snapshotReady(['server.js'], '--diagnostic-dir=/tmp/d', '/tmp/d')).toBe(false);
    expect(snapshotReady(['server.js'], '', '/tmp/d')).toBe(false);
  });

  it('knows the Node binary by its usual names only', () => {
    for (const exe of ['node', '/usr/bin/node', 'nodejs', 'node20', 'node-24.1', 'node.exe']) expect(isNodeExecutable(exe), exe).toBe(true);
    for (const exe of ['sh', 'bash', 'npm', 'nodemon', 'bun', 'deno', 'python3']) expect(isNodeExecutable(exe), exe).toBe(false);
  });
});

describe('chooseSnapshotTarget', () => {
  const sh: ProcessFacts = { pid: 10, exe: 'dash', snapshotReady: false };
  const npm: ProcessFacts = { pid: 11, exe: 'node', snapshotReady: true }; // npm is node too, with our NODE_OPTIONS
  const server: ProcessFacts = { pid: 12, exe: 'node', snapshotReady: true };
  const tree = [10, 11, 12];

  it('signals the node process that owns the port, never the shell or npm above it', () => {
    expect(chooseSnapshotTarget(tree, 12, [sh, npm, server])).toEqual({ pid: 12 });
  });

  it('refuses an owner that is not Node, or that did not get the options', () => {
    const go: ProcessFacts = { pid: 12, exe: 'server-go', snapshotReady: false };
    expect(chooseSnapshotTarget(tree, 12, [sh, npm, go])).toMatchObject({ pid: null, reason: expect.stringMatching(/not Node/) });
    const bare: ProcessFacts = { ...server, snapshotReady: false };
    expect(chooseSnapshotTarget(tree, 12, [sh, npm, bare])).toMatchObject({ pid: null, reason: expect.stringMatching(/NODE_OPTIONS/) });
  });

  it('without a known owner, takes the one ready Node process, and refuses to guess between two', () => {
    expect(chooseSnapshotTarget([10, 12], null, [sh, server])).toEqual({ pid: 12 });
    expect(chooseSnapshotTarget(tree, 999, [sh, npm, server])).toMatchObject({
      pid: null,
      reason: expect.stringMatching(/2 Node processes/),
    });
    expect(chooseSnapshotTarget([10], null, [sh])).toMatchObject({ pid: null, reason: expect.stringMatching(/no Node process/) });
  });
});
