// The snapshotter's pure parts: NODE_OPTIONS quoting, reading options back, which pid may be signalled, and which
// processes of a tree an evidence source reads.

import { describe, expect, it } from 'vitest';
import { processesToRead, type ProcessFacts } from '../src/probe/evidence-source.js';
import { isNodeExecutable, lastNodeOption, quoteNodeOption, snapshotNodeOptions, snapshotReady } from '../src/probe/heap-snapshot.js';

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

describe('processesToRead', () => {
  const fact = (pid: number, ppid: number, exe: string): ProcessFacts => ({ pid, ppid, exe, argv: [exe], env: new Map() });
  // sh -> npm (node) -> the server (node, listening) -> two cluster workers (node).
  const facts = [fact(10, 1, 'dash'), fact(11, 10, 'node'), fact(12, 11, 'node'), fact(13, 12, 'node'), fact(14, 12, 'node')];
  const node = [11, 12, 13, 14];

  it('reads the process that serves and its workers, never npm above it', () => {
    expect(processesToRead(facts, node, [12])).toEqual([12, 13, 14]);
    // A worker seen holding a connection: its siblings are not its descendants, the listener's are.
    expect(processesToRead(facts, node, [12, 13])).toEqual([12, 13, 14]);
  });

  it('reads every process of the runtime when it is not known which one serves', () => {
    expect(processesToRead(facts, node, [])).toEqual(node);
  });

  it('reads none of a runtime that only helps: a Go server started by npm serves itself', () => {
    const go = [fact(10, 1, 'node'), fact(11, 10, 'server')];
    expect(processesToRead(go, [10], [11])).toEqual([]);
  });
});
