// The heap diff on synthetic aggregates: leaks named, churn and filled caches not, heap growth per connection.

import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/parse.js';
import { DIFF_DEFAULTS, diffEvidence, fitPerConnection, growthRows, isSteady, rankSuspects } from '../src/analysis/evidence-diff.js';
import type { ReadingData, RetainerStep } from '../src/model/evidence.js';

const BASE: Record<string, [number, number]> = { 'object:Object': [5000, 200_000], 'object:WebSocketServer': [1, 200] };
const LABELS = ['after-warmup', 'after-round-1', 'after-round-2', 'after-round-3', 'after-cooldown'];
const CONNECTIONS = [5, 25, 45, 65, 65];

/** Snapshots at the default connection counts; `classes(i)` gives extra (type:name -> [count, bytes]) at snapshot i. */
function run(classes: (i: number) => Record<string, [number, number]>, connections = CONNECTIONS): ReadingData[] {
  return connections.map((c, i) => {
    const all = { ...BASE, ...classes(i) };
    const list = Object.entries(all).map(([key, [count, bytes]]) => {
      const [kind, name] = key.split(':') as [string, string];
      return { kind, name, count, bytes };
    });
    return {
      summary: {
        label: LABELS[i] ?? `snapshot-${i}`,
        connections: c,
        totalBytes: list.reduce((s, k) => s + k.bytes, 0),
        processes: 1,
        nodeCount: list.reduce((s, k) => s + k.count, 0),
        takeMs: 100,
        readMs: 10,
        fileBytes: 1000,
      },
      classes: list,
    };
  });
}

/** Connections made before snapshot i counted from the first. */
const since = (i: number): number => CONNECTIONS[i]! - CONNECTIONS[0]!;

describe('diffEvidence', () => {
  it('names a session kept per connection, with WebSocket and Socket, consistent across rounds', () => {
    const evidence = diffEvidence(
      'heap-snapshots',
      run((i) => ({
        'object:Session': [since(i), since(i) * 40],
        'object:WebSocket': [2 + since(i), (2 + since(i)) * 200],
        'object:Socket': [3 + since(i), (3 + since(i)) * 400],
      })),
    );
    expect(evidence.status).toBe('measured');
    expect(evidence.suspects.map((s) => s.name)).toEqual(['Socket', 'WebSocket', 'Session']);
    const session = evidence.suspects.find((s) => s.name === 'Session')!;
    expect(session).toMatchObject({ countFirst: 0, countLast: 60, countDelta: 60, perConnection: 1, bytesDelta: 2400, bytesEach: 40 });
    expect(session.consistent).toBe(true);
    expect(session.retainerPath).toBeNull();
    expect(evidence.topGrowth.slice(0, 3)).toEqual(evidence.suspects);
    expect(evidence.readings.map((s) => s.label)).toEqual(LABELS);
  });

  it('finds nothing in a clean server whose WebSocket churn returns to baseline', () => {
    const churn = [0, 3, 1, 2, 0];
    const evidence = diffEvidence(
      'heap-snapshots',
      run((i) => ({ 'object:WebSocket': [churn[i]!, churn[i]! * 200], 'closure:onMessage': [churn[i]!, churn[i]! * 32] })),
    );
    expect(evidence.status).toBe('measured');
    expect(evidence.suspects).toEqual([]);
    expect(evidence.topGrowth).toEqual([]);
    expect(evidence.kbPerConnection).toBeCloseTo(0, 1);
  });

  it('does not call a cache that fills in the first round and then stays a leak', () => {
    const filled = [0, 40, 40, 41, 41];
    const evidence = diffEvidence(
      'heap-snapshots',
      run((i) => ({ 'object:CacheEntry': [filled[i]!, filled[i]! * 64] })),
    );
    const row = evidence.topGrowth.find((r) => r.name === 'CacheEntry')!;
    expect(row.perConnection).toBeGreaterThanOrEqual(0.5);
    expect(row.consistent).toBe(false);
    expect(evidence.suspects).toEqual([]);
  });

  it('takes a leak on a quarter of the connections at the default limit, and not just below it', () => {
    const connections = [5, 85, 165, 245, 245];
    const quarter = [0, 20, 40, 60, 60];
    const at = diffEvidence(
      'heap-snapshots',
      run((i) => ({ 'object:PeerState': [quarter[i]!, quarter[i]! * 48] }), connections),
    );
    expect(at.suspects.map((s) => s.name)).toEqual(['PeerState']);
    expect(at.suspects[0]!.perConnection).toBe(0.25);
    const less = [0, 19, 39, 58, 58];
    const below = diffEvidence(
      'heap-snapshots',
      run((i) => ({ 'object:PeerState': [less[i]!, less[i]! * 48] }), connections),
    );
    expect(below.suspects).toEqual([]);
    expect(below.topGrowth[0]!.perConnection).toBeCloseTo(0.242, 3);
  });

  it('takes no pool sized by concurrency for a leak: 50 clients filling it over two rounds, 2 cycles each', () => {
    // As measured with 50 leak clients: Node's HTTP parser pool and the arrays each parser holds fill to the
    // connections open at once, over both rounds when the machine is busy.
    const connections = [0, 58, 108];
    const pool = [0, 27, 53];
    const filling = (i: number) => ({ 'array:(object elements)': [pool[i]!, pool[i]! * 428] as [number, number] });
    const evidence = diffEvidence('heap-snapshots', run(filling, connections), { ...DIFF_DEFAULTS, maxConcurrent: 50 });
    expect(evidence.suspects).toEqual([]);
    expect(evidence.topGrowth[0]).toMatchObject({ name: '(object elements)', countDelta: 53, consistent: true, poolSized: true });
    expect(evidence.notes.join(' ')).toMatch(
      /\(object elements\) \(\+53\) grew steadily, but by no more than the 50 connections held open/,
    );
    // The same growth with 3 clients at once is a leak; so is one instance per connection with 50.
    expect(
      diffEvidence('heap-snapshots', run(filling, connections), { ...DIFF_DEFAULTS, maxConcurrent: 3 }).suspects.map((r) => r.name),
    ).toEqual(['(object elements)']);
    const leak = (i: number) => ({ 'object:Session': [connections[i]!, connections[i]! * 40] as [number, number] });
    expect(
      diffEvidence('heap-snapshots', run(leak, connections), { ...DIFF_DEFAULTS, maxConcurrent: 50 }).suspects.map((r) => r.name),
    ).toEqual(['Session']);
  });

  it('needs enough instances: a steady leak over few connections is a note, not a suspect', () => {
    const connections = [2, 7, 12, 17, 17];
    const evidence = diffEvidence(
      'heap-snapshots',
      run((i) => ({ 'object:Session': [connections[i]! - 2, (connections[i]! - 2) * 40] }), connections),
    );
    expect(evidence.suspects).toEqual([]);
    expect(evidence.notes.join(' ')).toMatch(/fewer than 20 instances/);
  });

  it('leaves out what heap-ignore names, and reports without suspects when the limit is off', () => {
    const leak = (i: number): Record<string, [number, number]> => ({
      'object:Session': [since(i), since(i) * 40],
      'native:system / JSArrayBufferData': [since(i), since(i) * 20480],
    });
    const ignored = diffEvidence('heap-snapshots', run(leak), { ...DIFF_DEFAULTS, ignore: [' Session ', ''] });
    expect(ignored.suspects.map((s) => s.name)).toEqual(['system / JSArrayBufferData']);
    expect(ignored.topGrowth.some((r) => r.name === 'Session')).toBe(false);
    expect(ignored.ignored).toEqual(['Session']);
    const off = diffEvidence('heap-snapshots', run(leak), { ...DIFF_DEFAULTS, maxRetainedPerConnection: null });
    expect(off.suspects).toEqual([]);
    expect(off.topGrowth.map((r) => r.name)).toEqual(['system / JSArrayBufferData', 'Session']);
    expect(off.maxRetainedPerConnection).toBeNull();
  });

  it('skips with a reason when there is nothing to compare', () => {
    const one = diffEvidence(
      'heap-snapshots',
      run(() => ({}), [5]),
    );
    expect(one).toMatchObject({ status: 'skipped', suspects: [], kbPerConnection: null });
    expect(one.reason).toMatch(/two or more/);
    expect(one.readings).toHaveLength(1);
    const still = diffEvidence(
      'heap-snapshots',
      run(() => ({}), [5, 5, 5]),
    );
    expect(still.status).toBe('skipped');
    expect(still.reason).toMatch(/no connections/);
  });

  it('notes when only one round was measured', () => {
    const evidence = diffEvidence(
      'heap-snapshots',
      run((i) => ({ 'object:Session': i === 0 ? [0, 0] : [60, 2400] }), [5, 65]),
    );
    expect(evidence.suspects.map((s) => s.name)).toEqual(['Session']);
    expect(evidence.notes.join(' ')).toMatch(/one round/);
  });
});

describe('heap per connection', () => {
  it('is the slope of the heap total against connections, with its standard error', () => {
    const exact = fitPerConnection(
      run((i) => ({ 'native:system / JSArrayBufferData': [since(i), since(i) * 20 * 1024] })).map((s) => s.summary),
    );
    expect(exact).toEqual({ kbPerConnection: 20, standardErrorKb: 0 });
    const line = fitPerConnection(
      [0, 20, 40, 60].map((c, i) => ({
        ...run(() => ({}), [c])[0]!.summary,
        connections: c,
        totalBytes: 1e6 + c * 10 * 1024 + (i % 2) * 10,
      })),
    );
    expect(line.kbPerConnection).toBe(10);
    expect(line.standardErrorKb).toBeLessThan(0.01);
    expect(fitPerConnection(run(() => ({}), [5, 25]).map((s) => s.summary)).standardErrorKb).toBeNull();
  });
});

describe('growthRows and isSteady', () => {
  it('counts a class missing from the first snapshot from zero, and one gone at the end as zero', () => {
    const extra = (i: number): Record<string, [number, number]> => (i === 0 ? { 'object:Gone': [10, 100] } : { 'object:New': [i, i * 10] });
    const rows = growthRows(run(extra));
    expect(rows.find((r) => r.name === 'Gone')).toMatchObject({ countFirst: 10, countLast: 0, countDelta: -10, bytesEach: 0 });
    expect(rows.find((r) => r.name === 'New')).toMatchObject({ countFirst: 0, countLast: 4, countDelta: 4, bytesEach: 10 });
  });

  it('wants every round with connections to grow within a factor of two of the overall rate', () => {
    const c = [0, 20, 40, 60, 60];
    expect(isSteady(c, [0, 20, 40, 60, 60], 1)).toBe(true);
    expect(isSteady(c, [0, 12, 40, 60, 30], 1)).toBe(true); // the cooldown is not judged per round
    expect(isSteady(c, [0, 9, 40, 60, 60], 1)).toBe(false);
    expect(isSteady(c, [0, 45, 50, 60, 60], 1)).toBe(false);
    expect(isSteady(c, [0, 20, 20, 60, 60], 1)).toBe(false);
    expect(isSteady(c, [0, 0, 0, 0, 0], 0)).toBe(false);
  });
});

describe('rankSuspects', () => {
  it('puts the constructor nearest a root first, then what it drags along, storage and primitives last', () => {
    const evidence = diffEvidence(
      'heap-snapshots',
      run((i) => ({
        'object:Socket': [since(i), since(i) * 400],
        'object:Session': [since(i), since(i) * 40],
        'number:(number)': [2 * since(i), since(i) * 32],
        'closure:onMessage': [since(i), since(i) * 64],
        'object:Orphan': [since(i), since(i) * 8],
      })),
    );
    const step = (node: string): RetainerStep => ({ edge: 'x', kind: 'property', node });
    const paths: Record<string, RetainerStep[] | null> = {
      Socket: [step('(GC roots)'), step('Map'), step('Session'), step('WebSocket'), step('Socket')],
      Session: [step('(GC roots)'), step('Map'), step('Session')],
      '(number)': [step('(GC roots)'), step('(number)')],
      onMessage: [step('(GC roots)'), step('Map'), step('Session'), step('onMessage()')],
      Orphan: null,
    };
    const withPaths = {
      ...evidence,
      suspects: evidence.suspects.map((r) => ({ ...r, retainerPath: paths[r.name] ?? null })),
    };
    const ranked = rankSuspects(withPaths);
    expect(ranked.suspects.map((r) => r.name)).toEqual(['Session', 'Socket', 'Orphan', 'onMessage', '(number)']);
    expect(ranked.topGrowth.map((r) => r.name).slice(0, 5)).toEqual(['Session', 'Socket', 'Orphan', 'onMessage', '(number)']);
    expect(ranked.topGrowth.find((r) => r.name === 'Session')!.retainerPath).toHaveLength(3);
  });
});

describe('DIFF_DEFAULTS', () => {
  it('holds the limit the max-retained-per-connection input defaults to', () => {
    const config = parseConfig({ url: 'ws://127.0.0.1:1/' });
    expect(DIFF_DEFAULTS.maxRetainedPerConnection).toBe(config.limits.maxRetainedPerConnection.value);
  });
});
