// Compares readings taken at growing connection counts (heap snapshots, a Python census, a JVM class histogram,
// metrics): growth per class or series, per connection, whether it is steady across rounds, the suspects, and the
// total's own growth per connection (pure).

import {
  TOP_GROWTH_ROWS,
  evidenceWithout,
  type ClassCount,
  type Evidence,
  type EvidenceReading,
  type EvidenceSourceId,
  type GrowthRow,
  type ReadingData,
} from '../model/evidence.js';
import { round } from '../model/format.js';
import { fitKbPerConnection } from './trend.js';

export interface EvidenceDiffOptions {
  /** A row breaches at this many retained instances per connection (input max-retained-per-connection); null: never. */
  maxRetainedPerConnection: number | null;
  /** ... and at least this many more instances than at the first reading (a handful is no evidence). */
  minInstances: number;
  /** Class or series names the user knows are bounded (heap-ignore, metrics-ignore): never suspects, not listed. */
  ignore: readonly string[];
  /**
   * The most connections the gate held open at once (leak-clients). A pool the server sizes by concurrency
   * (Node's pool of HTTP parsers, and the arrays each parser holds) grows by up to that many instances of a
   * class however many connections are made, and it may fill over two rounds when the machine is busy: a
   * suspect must grow by more than POOL_MARGIN beyond it. Default 1.
   */
  maxConcurrent?: number;
  /**
   * Kinds listed by growth but never suspects on their own: the runtime's storage, which a clean server may grow
   * (a clean Netty server kept 1.2 JDK Strings per connection in every run); a leak of the app shows in its classes.
   */
  neverSuspects?: readonly string[];
}

/**
 * The JDK's own classes and arrays: listed by growth, never suspects on their own (neverSuspects for the class
 * histogram). A clean Netty echo server kept 1.2 Strings (and their byte arrays) per connection in every run,
 * steadily in 2 runs of 5; a leak of the app's state shows in the app's classes.
 */
export const JVM_STORAGE_KINDS: readonly string[] = ['jdk', 'array'];

/** Instances beyond maxConcurrent a class must grow by before a pool sized by concurrency cannot explain it. */
export const POOL_MARGIN = 10;

/**
 * Defaults, the limit being max-retained-per-connection's default (a test holds them equal): a clean `ws` echo
 * server measured at most 0.18 per connection for any constructor.
 */
export const DIFF_DEFAULTS: EvidenceDiffOptions = { maxRetainedPerConnection: 0.25, minInstances: 20, ignore: [] };

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
 * The evidence from readings in the order they were taken (connections never decrease): `skipped` when fewer than
 * two or no connections were made between the first and the last. Paths are left null (the source that read the
 * counts finds them), `processes` empty and `coversConnections` false: the caller knows which processes were read.
 */
export function diffEvidence(
  source: EvidenceSourceId,
  readings: readonly ReadingData[],
  options: EvidenceDiffOptions = DIFF_DEFAULTS,
): Evidence {
  const limit = options.maxRetainedPerConnection;
  const summaries = readings.map((s) => s.summary);
  if (readings.length < 2) {
    return { ...evidenceWithout(source, 'skipped', `${readings.length} reading(s); two or more are needed`, limit), readings: summaries };
  }
  const made = summaries.at(-1)!.connections - summaries[0]!.connections;
  if (made <= 0) {
    const why = 'no connections were made between the first and the last reading';
    return { ...evidenceWithout(source, 'skipped', why, limit), readings: summaries };
  }
  const ignore = new Set(options.ignore.map((n) => n.trim()).filter(Boolean));
  const poolBound = (options.maxConcurrent ?? 1) + POOL_MARGIN;
  const storage = new Set(options.neverSuspects ?? []);
  const breaches = (r: GrowthRow): boolean =>
    limit !== null && r.perConnection >= limit && r.countDelta >= options.minInstances && r.consistent && !storage.has(r.kind);
  const rows = growthRows(readings)
    .filter((r) => !ignore.has(r.name) && !LAYOUT_TYPES.has(r.kind))
    .map((r) => (breaches(r) && r.countDelta <= poolBound ? { ...r, poolSized: true } : r));
  const isSuspect = (r: GrowthRow): boolean => breaches(r) && r.poolSized !== true;
  const bySize = (a: GrowthRow, b: GrowthRow): number => b.bytesDelta - a.bytesDelta || b.countDelta - a.countDelta;
  const suspects = rows.filter(isSuspect).sort(bySize);
  const others = rows.filter((r) => !isSuspect(r) && (r.countDelta > 0 || r.bytesDelta > 0)).sort(bySize);
  const fit = fitPerConnection(summaries);
  return {
    source,
    status: 'measured',
    processes: [],
    readings: summaries,
    suspects,
    topGrowth: [...suspects, ...others].slice(0, TOP_GROWTH_ROWS),
    maxRetainedPerConnection: limit,
    ignored: [...ignore],
    kbPerConnection: fit.kbPerConnection,
    standardErrorKb: fit.standardErrorKb,
    coversConnections: false,
    notes: diffNotes(rows, summaries, options),
  };
}

/** What a reader needs to know about rows that did not become suspects, and about the rounds. */
function diffNotes(rows: readonly GrowthRow[], summaries: readonly EvidenceReading[], options: EvidenceDiffOptions): string[] {
  const limit = options.maxRetainedPerConnection;
  const notes: string[] = [];
  if (countRounds(summaries) < 2) notes.push('one round of connections between readings: whether growth is steady could not be judged');
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
  return notes;
}

/** Intervals between consecutive readings in which connections were made. */
function countRounds(summaries: readonly EvidenceReading[]): number {
  let n = 0;
  for (let i = 1; i < summaries.length; i++) if (summaries[i]!.connections > summaries[i - 1]!.connections) n++;
  return n;
}

/** Key of a class across readings. */
const keyOf = (c: ClassCount): string => `${c.kind}\u0000${c.name}`;

/** One row per class present in any reading, first against last; retainerPath null. */
export function growthRows(readings: readonly ReadingData[]): GrowthRow[] {
  const maps = readings.map((s) => new Map(s.classes.map((c) => [keyOf(c), c])));
  const keys = new Set(maps.flatMap((m) => [...m.keys()]));
  const connections = readings.map((s) => s.summary.connections);
  const made = connections[connections.length - 1]! - connections[0]!;
  const rows: GrowthRow[] = [];
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
      kind: some.kind,
      countFirst,
      countLast,
      countDelta,
      perConnection: round(perConnection, 3),
      bytesDelta: (lastStat?.bytes ?? 0) - (firstStat?.bytes ?? 0),
      bytesEach: lastStat && lastStat.count > 0 ? Math.round(lastStat.bytes / lastStat.count) : 0,
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
 * Least-squares slope of the total (KiB) against connections, over every reading (each one follows a full GC, so
 * unlike RSS there is no warm-up reading to drop), with its standard error; null when a reading has no total.
 */
export function fitPerConnection(summaries: readonly EvidenceReading[]): {
  kbPerConnection: number | null;
  standardErrorKb: number | null;
} {
  if (summaries.some((s) => s.totalBytes === null)) return { kbPerConnection: null, standardErrorKb: null };
  return fitKbPerConnection(summaries.map((s) => ({ connections: s.connections, kb: s.totalBytes! / 1024 })));
}

/** Kinds a reader learns something from, though less than from a class of their own code. */
const TIER_ONE_KINDS: ReadonlySet<string> = new Set(['object', 'closure', 'native', 'regexp', 'jdk', 'stdlib', 'gauge']);

/**
 * JavaScript's own constructors: an Array or an Object grows with any leak (each leaked instance holds some), and the
 * nearest one to a root is often a pool's (a cluster worker's HTTP parsers), so it says least of what leaked.
 */
const JS_BUILTINS: ReadonlySet<string> = new Set([
  'Object',
  'Array',
  'Map',
  'Set',
  'WeakMap',
  'WeakSet',
  'Promise',
  'Function',
  'Error',
  'Date',
]);

/**
 * 0: an instance of a class (what a user names in code); 1: closures, native data, the language's and the
 * runtime's own objects (V8's, the JDK's, Python's standard library), metric series; 2: storage and primitives
 * (arrays, property stores, strings, heap numbers, Python's builtins), whose paths say least.
 */
export function suspectTier(row: Pick<GrowthRow, 'kind' | 'name'>): number {
  if (row.kind === 'object' && !row.name.startsWith('system / ') && !JS_BUILTINS.has(row.name)) return 0;
  return TIER_ONE_KINDS.has(row.kind) ? 1 : 2;
}

/**
 * Suspects in the order a reader should see them, once retainer paths are known: constructors first
 * (suspectTier), and within a tier nearest a GC root first: the object a leak keeps (a Session in a Map) comes
 * before what it drags along (its WebSocket, Socket), whose paths run through it and so are longer. Ties and
 * rows without a path keep their order (largest growth first); topGrowth follows.
 */
export function rankSuspects(evidence: Evidence): Evidence {
  const length = (r: GrowthRow): number => r.retainerPath?.length ?? Number.POSITIVE_INFINITY;
  const ranked = evidence.suspects
    .map((r, i) => ({ r, i }))
    .sort((a, b) => suspectTier(a.r) - suspectTier(b.r) || length(a.r) - length(b.r) || a.i - b.i)
    .map((s) => s.r);
  const isSuspect = new Set(ranked.map((r) => `${r.kind}\u0000${r.name}`));
  const others = evidence.topGrowth.filter((r) => !isSuspect.has(`${r.kind}\u0000${r.name}`));
  return { ...evidence, suspects: ranked, topGrowth: [...ranked, ...others].slice(0, TOP_GROWTH_ROWS) };
}
