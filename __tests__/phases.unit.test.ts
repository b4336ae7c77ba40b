// The phase table and the runner's own logic: rows in order under one stop and one deadline, the closings the rows
// deferred run in reverse on every path, and the load target derived from what startup and the network row wrote.
// Rows here are stand-ins that open nothing real; the real table against real sockets is phases.int.test.ts.

import { describe, expect, it } from 'vitest';
import type { Target } from '../src/client/connection.js';
import type { RawInputs } from '../src/config/inputs.js';
import { parseConfig } from '../src/config/parse.js';
import type { PhaseName } from '../src/model/report.js';
import type { NetworkProxy } from '../src/net/proxy-thread.js';
import type { SourceRun } from '../src/phases/context.js';
import { PHASES, RunContext, StopRun, type Phase } from '../src/phases/index.js';
import { finishHeap, heapSnapshot } from '../src/phases/heap.js';
import { idleWithEvidence } from '../src/phases/idle.js';
import type { EvidenceSource, ProcessReading } from '../src/probe/evidence-source.js';
import { runGate } from '../src/run/runner.js';

/** Attach mode to a port nothing is asked of: the stand-in rows never connect. */
const attach = (inputs: RawInputs = {}) => parseConfig({ url: 'ws://127.0.0.1:9/', 'report-path': '', ...inputs });

/** A row that records its entry, opens what `opens` names (deferring each closing), then does `body`. */
function row(name: PhaseName, log: string[], options: { opens?: string[]; body?: (run: RunContext) => Promise<void> | void } = {}): Phase {
  return {
    name,
    enabled: () => true,
    async run(run) {
      log.push(`enter ${name}`);
      for (const thing of options.opens ?? []) run.defer(`closing ${thing}`, () => void log.push(`close ${thing}`));
      await options.body?.(run);
    },
  };
}

describe('the runner', () => {
  it('enters the enabled rows in order, skips the others, and closes what they opened in reverse', async () => {
    const log: string[] = [];
    const lines: string[] = [];
    const phases = [
      row('startup', log, { opens: ['the server', 'the sampler'] }),
      { ...row('warmup', log), enabled: () => false },
      row('network', log, { opens: ['the proxy'] }),
      row('baseline', log),
    ];
    const report = await runGate(attach(), { phases, onProgress: (l) => lines.push(l) });
    expect(log).toEqual(['enter startup', 'enter network', 'enter baseline', 'close the proxy', 'close the sampler', 'close the server']);
    expect(report.phases.map((p) => p.name)).toEqual(['startup', 'network', 'baseline', 'teardown']);
    expect(report.stopped).toBeNull();
    // The teardown line says what it closes, in the order it closes it.
    expect(lines).toContain('▶ teardown: closing the proxy, closing the sampler, closing the server');
  });

  it('runs every closing when one fails, and names the one that failed', async () => {
    const log: string[] = [];
    const lines: string[] = [];
    const phases = [
      row('startup', log, {
        opens: ['the server'],
        body: (run) =>
          run.defer('closing the sampler', () => {
            throw new Error('EBADF');
          }),
      }),
      row('network', log, { opens: ['the proxy'] }),
    ];
    await runGate(attach(), { phases, onProgress: (l) => lines.push(l) });
    expect(log).toEqual(['enter startup', 'enter network', 'close the proxy', 'close the server']);
    expect(lines).toContain('⚠ closing the sampler failed: EBADF');
  });

  it('ends the run at a StopRun, enters no later row, and still closes what was opened', async () => {
    const log: string[] = [];
    const lines: string[] = [];
    const phases = [
      row('startup', log, {
        opens: ['the server'],
        body: () => {
          throw new StopRun({ phase: 'startup', reason: 'startup-failed', message: 'the server did not accept a handshake' });
        },
      }),
      row('warmup', log),
    ];
    const report = await runGate(attach(), { phases, onProgress: (l) => lines.push(l) });
    expect(log).toEqual(['enter startup', 'close the server']);
    expect(report.stopped).toEqual({ phase: 'startup', reason: 'startup-failed', message: 'the server did not accept a handshake' });
    expect(report.phases.map((p) => p.name)).toEqual(['startup', 'teardown']);
    expect(lines).toContain('▶ teardown: because the server did not start');
    expect(report.verdict).toBe('fail');
  });

  it('turns an exception of a row into a stop of kind error, with the phase it happened in', async () => {
    const log: string[] = [];
    const phases = [
      row('startup', log, { opens: ['the server'] }),
      row('baseline', log, {
        body: () => {
          throw new TypeError('x is undefined');
        },
      }),
      row('flapping', log),
    ];
    const report = await runGate(attach(), { phases });
    expect(report.stopped).toMatchObject({ phase: 'baseline', reason: 'error' });
    expect(report.stopped!.message).toMatch(/^internal error: TypeError: x is undefined/);
    expect(log).toEqual(['enter startup', 'enter baseline', 'close the server']);
  });

  it('enters no row when cancelled before it began', async () => {
    const log: string[] = [];
    const cancel = new AbortController();
    cancel.abort('SIGTERM');
    const report = await runGate(attach(), { phases: [row('startup', log, { opens: ['the server'] })], signal: cancel.signal });
    expect(log).toEqual([]);
    expect(report.stopped).toEqual({ phase: 'startup', reason: 'cancelled', message: 'SIGTERM received' });
  });

  it('ends the row a cancel arrives in (its idle wakes at once), and closes what was opened', async () => {
    const log: string[] = [];
    const lines: string[] = [];
    const cancel = new AbortController();
    const phases = [
      row('startup', log, { opens: ['the server'] }),
      row('cooldown', log, {
        body: async (run) => {
          setTimeout(() => cancel.abort('SIGINT'), 20);
          await run.idle(60_000);
        },
      }),
      row('recovery', log),
    ];
    const report = await runGate(attach(), { phases, signal: cancel.signal, onProgress: (l) => lines.push(l) });
    expect(report.stopped).toMatchObject({ phase: 'cooldown', reason: 'cancelled' });
    expect(log).toEqual(['enter startup', 'enter cooldown', 'close the server']);
    expect(lines).toContain('▶ teardown: after the cancel during cooldown');
  });

  it('stops at timeout-s in whatever row it is in', async () => {
    const log: string[] = [];
    const phases = [row('startup', log, { opens: ['the server'] }), row('cooldown', log, { body: (run) => run.idle(60_000) })];
    const report = await runGate(attach({ 'timeout-s': '1' }), { phases });
    expect(report.stopped).toMatchObject({ phase: 'cooldown', reason: 'timeout', message: 'the run exceeded timeout-s (1 s)' });
    expect(log).toEqual(['enter startup', 'enter cooldown', 'close the server']);
    expect(report.checks.find((c) => c.id === 'run-completed')!.status).toBe('fail');
  });

  it('keeps the first stop: a crash reported while teardown runs does not replace the timeout', async () => {
    const phases: Phase[] = [
      {
        name: 'startup',
        enabled: () => true,
        async run(run) {
          run.defer('stopping the server', () => run.stop('crash', 'the server exited during teardown'));
          run.stop('timeout', 'the run exceeded timeout-s (1 s)');
        },
      },
    ];
    const report = await runGate(attach(), { phases });
    expect(report.stopped).toMatchObject({ reason: 'timeout' });
  });
});

describe('the phase table', () => {
  const names = (inputs: RawInputs) => PHASES.filter((p) => p.enabled(attach(inputs))).map((p) => p.name);

  it('runs the default scenarios in the documented order', () => {
    expect(PHASES.map((p) => p.name)).toEqual([
      'startup',
      'warmup',
      'network',
      'baseline',
      'flapping',
      'leak',
      'cooldown',
      'dead-peers',
      'slow-consumer',
      'hostile',
      'recovery',
    ]);
    expect(names({})).toEqual(['startup', 'warmup', 'baseline', 'flapping', 'leak', 'cooldown', 'recovery']);
  });

  it('skips what the configuration turns off, and opens the fault proxy only when network names a toxic', () => {
    expect(names({ scenarios: 'recovery', 'warmup-connections': '0' })).toEqual(['startup', 'baseline', 'cooldown', 'recovery']);
    expect(names({ network: 'latency=5ms' })).toContain('network');
    expect(names({ scenarios: 'flapping,dead-peers,slow-consumer,hostile,recovery' })).toEqual([
      'startup',
      'warmup',
      'baseline',
      'flapping',
      'cooldown',
      'dead-peers',
      'slow-consumer',
      'hostile',
      'recovery',
    ]);
  });
});

describe('the targets a run derives', () => {
  const ready: Target = {
    url: 'ws://localhost:4000/graphql',
    headers: {},
    subprotocols: [],
    connectTimeoutMs: 2000,
    closeTimeoutMs: 2000,
    pinned: { address: '::1', family: 6 },
  };

  it('asks for startup before any phase may connect', () => {
    const run = new RunContext(attach());
    expect(() => run.loadTarget()).toThrow(/startup sets/);
  });

  it('speaks to the ready endpoint as is until the protocol settles, then offers its subprotocol', () => {
    const run = new RunContext(attach());
    run.ready = ready;
    expect(run.loadTarget()).toBe(ready);
    run.serverInfo.protocol = { id: 'graphql-ws', why: 'the server accepted the subprotocol graphql-transport-ws' };
    expect(run.serverTarget()).toEqual({ ...ready, subprotocols: ['graphql-transport-ws'] });
    expect(run.loadTarget()).toEqual(run.serverTarget());
  });

  it('sends the load through the fault proxy once the network row opened it, and the fault scenarios past it', () => {
    const run = new RunContext(attach());
    run.ready = ready;
    run.serverInfo.protocol = { id: 'raw', why: 'the server sent nothing unasked' };
    run.network = { port: 4321 } as NetworkProxy;
    // A host name stays in the URL (TLS, Host) and is pinned to the proxy's address.
    expect(run.loadTarget()).toMatchObject({ url: 'ws://localhost:4321/graphql', pinned: { address: '127.0.0.1', family: 4 } });
    expect(run.serverTarget()).toBe(ready);
  });
});

describe('an idle window with evidence inside it', () => {
  /** Runs idleWithEvidence and says when the evidence started and when the window ended, in ms from the call. */
  async function timed(run: RunContext, windowMs: number, evidenceMs: number, after?: Promise<void>) {
    const t0 = performance.now();
    let startedAt: number | null = null;
    const evidence = async () => {
      startedAt = performance.now() - t0;
      await new Promise((resolve) => setTimeout(resolve, evidenceMs));
    };
    await idleWithEvidence(run, windowMs, evidence, after);
    return { startedAt, endedAt: performance.now() - t0 };
  }

  it('reads the first evidence at once, and lasts until it is read when it outlasts the window', async () => {
    const run = new RunContext(attach());
    const { startedAt, endedAt } = await timed(run, 100, 250);
    expect(startedAt).toBeLessThan(60);
    expect(endedAt).toBeGreaterThanOrEqual(245);
    expect(run.evidenceMs).toBeGreaterThanOrEqual(245);
  });

  it('reads a later one as near the end of the window as the longest reading so far allows', async () => {
    const run = new RunContext(attach());
    run.evidenceMs = 80;
    const { startedAt, endedAt } = await timed(run, 400, 20);
    // 400 less 1.25 x 80: not before 300 ms, and the window still lasts its 400 ms.
    expect(startedAt).toBeGreaterThanOrEqual(290);
    expect(endedAt).toBeGreaterThanOrEqual(395);
    // The longest reading is kept, not the last.
    expect(run.evidenceMs).toBe(80);
  });

  it('waits for what must end first (protocol detection) before it reads', async () => {
    const run = new RunContext(attach());
    const detection = new Promise<void>((resolve) => setTimeout(resolve, 150));
    const { startedAt } = await timed(run, 50, 10, detection);
    expect(startedAt).toBeGreaterThanOrEqual(145);
  });

  it('reads nothing once the run has stopped, and ends the window early', async () => {
    const run = new RunContext(attach());
    setTimeout(() => run.stop('cancelled', 'SIGINT received'), 30);
    run.evidenceMs = 100;
    const { startedAt, endedAt } = await timed(run, 60_000, 10);
    expect(startedAt).toBeNull();
    expect(endedAt).toBeLessThan(30_000);
  });
});

describe('evidence whose counts come after its window', () => {
  /** A source whose readings' counts settle when the test says: as a Node snapshot's parse does, after its window. */
  function laterSource() {
    const pending: Array<{ resolve: (r: ProcessReading[]) => void; reject: (e: Error) => void }> = [];
    const source: EvidenceSource = {
      id: 'heap-snapshots',
      launchEnv: (env) => ({ ...env }),
      find: async () => ({ processes: [], readable: true, reason: null }),
      read: async () => {
        const counts = new Promise<ProcessReading[]>((resolve, reject) => void pending.push({ resolve, reject }));
        counts.catch(() => undefined); // the phase asks for it later, as it does of a Node snapshot's parse
        return { counts: () => counts };
      },
      explain: async () => new Map(),
      dispose: async () => {},
    };
    return { source, pending };
  }
  const reading = (count: number): ProcessReading[] => [
    { pid: 4242, classes: [{ kind: 'object', name: 'Peer', count, bytes: count * 64 }], totalBytes: count * 64, takeMs: 1, readMs: 1 },
  ];

  it('keeps the readings in the order taken, and one whose counts cannot be made out ends its source, saying why', async () => {
    const progress: string[] = [];
    const run = new RunContext(attach(), { progress: (line) => void progress.push(line) });
    const { source, pending } = laterSource();
    const processes = [{ pid: 4242, exe: 'node', read: true, heldConnections: false }];
    const s: SourceRun = {
      source,
      targets: { processes, readable: true, reason: null },
      boundaries: [],
      counted: Promise.resolve(),
      stopped: null,
    };
    run.evidence = { sources: [s], watch: null, found: true, finished: false };
    // Each boundary ends once the source's part is done, its counts still to come.
    await heapSnapshot(run, 'before-load', 0);
    await heapSnapshot(run, 'after-round-1', 10);
    await heapSnapshot(run, 'after-cooldown', 20);
    expect(pending).toHaveLength(3);
    pending[1]!.resolve(reading(10));
    pending[0]!.resolve(reading(0));
    pending[2]!.reject(new Error('heap snapshot of pid 4242 unreadable: not a heap snapshot'));
    // Counted once the phase that read them has ended.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(s.boundaries).toEqual([]);
    run.enter('teardown');
    const { evidence, judge } = await finishHeap(run);
    expect(s.boundaries.map((b) => b.label)).toEqual(['before-load', 'after-round-1']);
    expect(progress).toContain(
      '⚠ heap-snapshots stopped: heap snapshot of pid 4242 unreadable: not a heap snapshot; the memory verdict falls back to RSS',
    );
    expect(evidence[0]!.notes).toContain('stopped early: heap snapshot of pid 4242 unreadable: not a heap snapshot');
    expect(judge.by).toBe('rss');
  });
});
