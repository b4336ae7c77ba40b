// Compares heap snapshots taken at growing connection counts: growth per constructor, per connection, whether it
// is steady across rounds, the suspects, and the heap's own growth per connection (pure).

import {
  TOP_GROWTH_ROWS,
  heapEvidenceWithout,
  type HeapClassStat,
  type HeapEvidence,
  type HeapGrowthRow,
  type HeapSnapshotData,
  type HeapSnapshotSummary,
} from '../model/heap.js';
import { round } from '../model/format.js';
import { fitKbPerConnection } from './trend.js';

export interface HeapDiffOptions {
  /** A row breaches at this many retained instances per connection (input max-retained-per-connection); null: never. */
  maxRetainedPerConnection: number | null;
  /** ... and at least this many more instances than at the first snapshot (a handful is no evidence). */
  minInstances: number;
  /** Class names the user knows are bounded (input heap-ignore): never suspects, not listed. */
  ignore: readonly string[];
  /**
   * The most connections the gate held open at once (leak-clients). A pool the server sizes by concurrency
   * (Node's pool of HTTP parsers, and the arrays each parser holds) grows by up to that many instances of a
   * class however many connections are made, and it may fill over two rounds when the machine is busy: a
   * suspect must grow by more than POOL_MARGIN beyond it. Default 1.
   */
  maxConcurrent?: number;
}

/** Instances beyond maxConcurrent a class must grow by before a pool sized by concurrency cannot explain it. */
export const POOL_MARGIN = 10;

/**
 * Defaults, the limit being max-retained-per-connection's default (a test holds them equal): a clean `ws` echo
 * server measured at most 0.18 per connection for any constructor.
 */
export const HEAP_DIFF_DEFAULTS: HeapDiffOptions = { maxRetainedPerConnection: 0.25, minInstances: 20, ignore: [] };

/**
 * A round counts as steady when its own growth per connection is within this factor of the whole run's: a leak
 * grows by about the same amount every round, while a cache or pool that fills once grows in the first round only.
 */
export const CONSISTENCY_FACTOR = 2;

/**
 * Node types never reported as growth: an object shape (V8's hidden class, descriptor and transition arrays)
 * is made for each new layout the code meets, so it grows with the code paths run, and a leak of objects shows
 * in the objects themselves. Their bytes stay in the heap total.
 */
export const LAYOUT_TYPES: ReadonlySet<string> = new Set(['object shape']);

/**
 * The evidence from snapshots in the order they were taken (connections never decrease): `skipped` when fewer
 * than two or no connections were made between the first and the last. Retainer paths are left null: they need
 * the last snapshot's graph, which the prober holds (HeapSnapshotter.attachRetainerPaths).
 */
export function diffHeap(snapshots: readonly HeapSnapshotData[], options: HeapDiffOptions = HEAP_DIFF_DEFAULTS): HeapEvidence {
  const limit = options.maxRetainedPerConnection;
  const summaries = snapshots.map((s) => s.summary);
  if (snapshots.length < 2) {
    return {
      ...heapEvidenceWithout('skipped', `${snapshots.length} heap snapshot(s); two or more are needed`, limit),
      snapshots: summaries,
    };
  }
  const first = summaries[0]!;
  const last = summaries[summaries.length - 1]!;
  const made = last.connections - first.connections;
  if (made <= 0) {
    return {
      ...heapEvidenceWithout('skipped', 'no connections were made between the first and the last heap snapshot', limit),
      snapshots: summaries,
    };
  }
  const ignore = new Set(options.ignore.map((n) => n.trim()).filter(Boolean));
  const poolBound = (options.maxConcurrent ?? 1) + POOL_MARGIN;
  const breaches = (r: HeapGrowthRow): boolean =>
    limit !== null && r.perConnection >= limit && r.countDelta >= options.minInstances && r.consistent;
  const rows = growthRows(snapshots)
    .filter((r) => !ignore.has(r.name) && !LAYOUT_TYPES.has(r.nodeType))
    .map((r) => (breaches(r) && r.countDelta <= poolBound ? { ...r, poolSized: true } : r));
  const isSuspect = (r: HeapGrowthRow): boolean => breaches(r) && r.poolSized !== true;
  const bySize = (a: HeapGrowthRow, b: HeapGrowthRow): number => b.bytesDelta - a.bytesDelta || b.countDelta - a.countDelta;
  const suspects = rows.filter(isSuspect).sort(bySize);
  const others = rows.filter((r) => !isSuspect(r) && (r.countDelta > 0 || r.bytesDelta > 0)).sort(bySize);
  const fit = fitHeapPerConnection(summaries);
  const rounds = countRounds(summaries);
  const notes: string[] = [];
  if (rounds < 2) notes.push('one round of connections between snapshots: whether growth is steady could not be judged');
  const steadyBelow = rows.filter(
    (r) => limit !== null && r.perConnection >= limit && r.consistent && r.countDelta > 0 && r.countDelta < options.minInstances,
  );
  const poolSized = rows.filter((r) => r.poolSized === true);
  if (poolSized.length > 0) {
    notes.push(
      `${poolSized.map((r) => `${r.name} (+${r.countDelta})`).join(', ')} grew steadily, but by no more than the ` +
        `${options.maxConcurrent ?? 1} connections held open at once plus ${POOL_MARGIN}: a pool sized by concurrency cannot be told ` +
        `from a leak with so few connections per client (more leak-cycles can)`,
    );
  }
  if (steadyBelow.length > 0) {
    notes.push(
      `${steadyBelow.length} class(es) grew per connection by ≥ ${limit} but by fewer than ${options.minInstances} instances in all`,
    );
  }
  return {
    status: 'measured',
    snapshots: summaries,
    suspects,
    topGrowth: [...suspects, ...others].slice(0, TOP_GROWTH_ROWS),
    maxRetainedPerConnection: limit,
    ignored: [...ignore],
    heapKbPerConnection: fit.kbPerConnection,
    standardErrorKb: fit.standardErrorKb,
    notes,
  };
}

/** Intervals between consecutive snapshots in which connections were made. */
function countRounds(summaries: readonly HeapSnapshotSummary[]): number {
  let n = 0;
  for (let i = 1; i < summaries.length; i++) if (summaries[i]!.connections > summaries[i - 1]!.connections) n++;
  return n;
}

/** Key of a class across snapshots. */
const keyOf = (c: HeapClassStat): string => `${c.nodeType}\u0000${c.name}`;

/** One row per class present in any snapshot, first against last; retainerPath null. */
export function growthRows(snapshots: readonly HeapSnapshotData[]): HeapGrowthRow[] {
  const maps = snapshots.map((s) => new Map(s.classes.map((c) => [keyOf(c), c])));
  const keys = new Set(maps.flatMap((m) => [...m.keys()]));
  const connections = snapshots.map((s) => s.summary.connections);
  const made = connections[connections.length - 1]! - connections[0]!;
  const rows: HeapGrowthRow[] = [];
  for (const key of keys) {
    const stats = maps.map((m) => m.get(key));
    const some = stats.find((s) => s !== undefined)!;
    const counts = stats.map((s) => s?.count ?? 0);
    const firstStat = stats[0];
    const lastStat = stats[stats.length - 1];
    const countFirst = counts[0]!;
    const countLast = counts[counts.length - 1]!;
    const countDelta = countLast - countFirst;
    const perConnection = made > 0 ? countDelta / made : 0;
    rows.push({
      name: some.name,
      nodeType: some.nodeType,
      countFirst,
      countLast,
      countDelta,
      perConnection: round(perConnection, 3),
      bytesDelta: (lastStat?.selfSize ?? 0) - (firstStat?.selfSize ?? 0),
      bytesEach: lastStat && lastStat.count > 0 ? Math.round(lastStat.selfSize / lastStat.count) : 0,
      consistent: isSteady(connections, counts, perConnection),
      retainerPath: null,
    });
  }
  return rows;
}

/**
 * True when the count grew in every interval that made connections, each by CONSISTENCY_FACTOR of `overall`
 * per connection or closer. Intervals without connections (the cooldown) are not judged here: what they give
 * back already lowers the first-to-last growth.
 */
export function isSteady(connections: readonly number[], counts: readonly number[], overall: number): boolean {
  if (overall <= 0) return false;
  for (let i = 1; i < counts.length; i++) {
    const made = connections[i]! - connections[i - 1]!;
    if (made <= 0) continue;
    const rate = (counts[i]! - counts[i - 1]!) / made;
    if (rate <= 0 || rate < overall / CONSISTENCY_FACTOR || rate > overall * CONSISTENCY_FACTOR) return false;
  }
  return true;
}

/**
 * Least-squares slope of the heap total (KB) against connections, over every snapshot (each one follows a full
 * GC, so unlike RSS there is no warm-up reading to drop), with its standard error.
 */
export function fitHeapPerConnection(summaries: readonly HeapSnapshotSummary[]): {
  kbPerConnection: number | null;
  standardErrorKb: number | null;
} {
  return fitKbPerConnection(summaries.map((s) => ({ connections: s.connections, kb: s.heapBytes / 1024 })));
}

/**
 * 0: an instance of a constructor (what a user names in code); 1: closures, native data, V8's own objects;
 * 2: storage and primitives (arrays, property stores, strings, heap numbers), whose paths say least.
 */
export function suspectTier(row: Pick<HeapGrowthRow, 'nodeType' | 'name'>): number {
  if (row.nodeType === 'object' && !row.name.startsWith('system / ')) return 0;
  if (row.nodeType === 'object' || row.nodeType === 'closure' || row.nodeType === 'native' || row.nodeType === 'regexp') return 1;
  return 2;
}

/**
 * Suspects in the order a reader should see them, once retainer paths are known: constructors first
 * (suspectTier), and within a tier nearest a GC root first: the object a leak keeps (a Session in a Map) comes
 * before what it drags along (its WebSocket, Socket), whose paths run through it and so are longer. Ties and
 * rows without a path keep their order (largest growth first); topGrowth follows.
 */
export function rankSuspects(evidence: HeapEvidence): HeapEvidence {
  const length = (r: HeapGrowthRow): number => r.retainerPath?.length ?? Number.POSITIVE_INFINITY;
  const ranked = evidence.suspects
    .map((r, i) => ({ r, i }))
    .sort((a, b) => suspectTier(a.r) - suspectTier(b.r) || length(a.r) - length(b.r) || a.i - b.i)
    .map((s) => s.r);
  const isSuspect = new Set(ranked.map((r) => `${r.nodeType}\u0000${r.name}`));
  const others = evidence.topGrowth.filter((r) => !isSuspect.has(`${r.nodeType}\u0000${r.name}`));
  return { ...evidence, suspects: ranked, topGrowth: [...ranked, ...others].slice(0, TOP_GROWTH_ROWS) };
}
