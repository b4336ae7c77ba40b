// The leak evidence a Report carries, one shape for every runtime: counts per class (or per metric series) read
// at the idle boundaries, the growth per connection made, the suspects with the path that holds them, which
// processes were read, and which figure judged the memory verdict; plus how a retainer path reads as one line.

/**
 * Where the counts come from: V8 heap snapshots (Node), a census of the live objects after a full `gc.collect()`
 * (Python), `jcmd GC.class_histogram` (the JVM), or the gauges of a Prometheus metrics page (any runtime).
 */
export type EvidenceSourceId = 'heap-snapshots' | 'python-census' | 'class-histogram' | 'metrics';

/** What judged the memory trend: the evidence of one runtime covering every process that held connections, or RSS. */
export type MemoryJudgeId = Exclude<EvidenceSourceId, 'metrics'> | 'rss';

/** measured: read at two boundaries or more and compared; skipped: wanted but not possible (reason says why); off: the
 * user turned it off; n/a: no process of this runtime, or a platform where it cannot be read safely. */
export type EvidenceStatus = 'measured' | 'skipped' | 'off' | 'n/a';

/** One reading at an idle boundary, summed over the processes read. */
export interface EvidenceReading {
  /** Where in the run: `before-load`, `after-round-1`, ..., `after-cooldown`. */
  label: string;
  /** Connections the gate had made when it was read. */
  connections: number;
  /**
   * Bytes of what was counted after a full GC (V8: self sizes without code and feedback vectors; Python: the
   * objects' sizes; the JVM: the histogram's total); null where the source has no such total (metrics).
   */
  totalBytes: number | null;
  /** Processes whose counts were summed. */
  processes: number;
  /** From the trigger to the counts in hand, the slowest process. */
  takeMs: number;
  /** Reading and aggregating what the processes wrote. */
  readMs: number;
  /** Heap snapshots only: nodes in the snapshots, and the files' size. */
  nodeCount?: number;
  fileBytes?: number;
}

/** V8's edge types, as the snapshot's meta lists them. */
export type HeapEdgeKind = 'context' | 'element' | 'property' | 'internal' | 'hidden' | 'shortcut' | 'weak';

/** One step of a retainer path: the edge taken from the previous node, and the node it leads to. */
export interface RetainerStep {
  /** Property or variable name; the index for elements. */
  edge: string;
  kind: HeapEdgeKind;
  /** The node's class as the growth rows name it (closures as `name()`). */
  node: string;
  /** For a context edge: the script whose closure owns the context (file name only), when found. */
  context?: string;
}

/** Count and bytes of one (kind, class or series) at one boundary. */
export interface ClassCount {
  /**
   * The group the source puts it in, which says how much its name tells a reader: V8's node type (object,
   * closure, native, array, string, ...); Python `object` or `builtin`; JVM `object`, `jdk` or `array`; `gauge`.
   */
  kind: string;
  /** Constructor, `module.QualName`, Java class, or metric series (`name{label="value"}`). */
  name: string;
  count: number;
  bytes: number;
}

/** The counts of one process (or of a metrics page: pid null) at one boundary, as a source read them. */
export interface ProcessReading {
  pid: number | null;
  classes: ClassCount[];
  /** Bytes counted after a full GC; null where the source has no such total. */
  totalBytes: number | null;
  takeMs: number;
  readMs: number;
  nodeCount?: number;
  fileBytes?: number;
}

/** Every process's counts at one boundary. */
export interface Boundary {
  label: string;
  connections: number;
  readings: ProcessReading[];
}

/** A reading with its counts: what the pure diff works on. */
export interface ReadingData {
  summary: EvidenceReading;
  classes: ClassCount[];
}

/** How one class's count and bytes changed from the first reading to the last. */
export interface GrowthRow {
  name: string;
  kind: string;
  countFirst: number;
  countLast: number;
  countDelta: number;
  /** countDelta / connections made between the first and the last reading. */
  perConnection: number;
  bytesDelta: number;
  /** Bytes of one instance at the last reading (bytes / count). */
  bytesEach: number;
  /** Every round that made connections grew it by a similar amount per connection. */
  consistent: boolean;
  /**
   * It grew steadily past the limit, but by no more than the connections held open at once and a margin: a pool
   * sized by concurrency explains it, so it is not a suspect. Absent otherwise.
   */
  poolSized?: boolean;
  /** From a root to one instance created after the first reading, when one was looked for and found. */
  retainerPath: RetainerStep[] | null;
}

/** One process of the server tree as the evidence saw it. */
export interface EvidenceProcess {
  pid: number;
  /** Its executable's file name (node, python3.11, java, ...). */
  exe: string;
  /** Its counts are in every reading. */
  read: boolean;
  /** It held a connection on the server's port while the load ran. */
  heldConnections: boolean;
  /** Why it was not read, when it was not. */
  why?: string;
}

/** Everything one source showed, for checks and renderers. */
export interface Evidence {
  source: EvidenceSourceId;
  status: EvidenceStatus;
  reason?: string;
  /** The processes it found in the server tree (empty for a metrics page, which is not read per process). */
  processes: EvidenceProcess[];
  readings: EvidenceReading[];
  /** Rows that breach: per connection >= the limit, >= the minimum count, consistent, not ignored. */
  suspects: GrowthRow[];
  /** Largest growth (suspects first, then by bytes), at most TOP_GROWTH_ROWS. */
  topGrowth: GrowthRow[];
  /** The limit applied (max-retained-per-connection); null: off, growth reported but nothing breaches. */
  maxRetainedPerConnection: number | null;
  /** Class or series names left out on the user's word (heap-ignore, metrics-ignore). */
  ignored: string[];
  /** Least-squares slope of totalBytes against connections over all readings, in KiB per connection. */
  kbPerConnection: number | null;
  /** Its standard error; null with fewer than three readings. */
  standardErrorKb: number | null;
  /**
   * Every process that held connections was read: kbPerConnection stands for the server's memory trend. False
   * for a metrics page, whose figures are not taken after a full GC.
   */
  coversConnections: boolean;
  notes: string[];
}

/** Which figure judged the memory trend, and why that one. */
export interface MemoryJudge {
  by: MemoryJudgeId;
  /** Processes whose evidence was summed (0 when RSS judged). */
  processes: number;
  /** One sentence: what was read, or why RSS judged. */
  why: string;
  /** When RSS judged: how to get evidence for this server's runtime; null otherwise. */
  better: string | null;
}

/** At most this many growth rows go into the Report. */
export const TOP_GROWTH_ROWS = 10;

/** Evidence that says only why there is none. */
export function evidenceWithout(
  source: EvidenceSourceId,
  status: Exclude<EvidenceStatus, 'measured'>,
  reason: string,
  maxRetainedPerConnection: number | null,
  processes: EvidenceProcess[] = [],
): Evidence {
  return {
    source,
    status,
    reason,
    processes,
    readings: [],
    suspects: [],
    topGrowth: [],
    maxRetainedPerConnection,
    ignored: [],
    kbPerConnection: null,
    standardErrorKb: null,
    coversConnections: false,
    notes: [],
  };
}

/** How each source names itself in a sentence. */
export const SOURCE_NAMES: Record<EvidenceSourceId, string> = {
  'heap-snapshots': 'heap snapshots',
  'python-census': 'Python census',
  'class-histogram': 'JVM class histogram',
  metrics: 'metrics',
};

/** The evidence that found suspects first, then the rest: the one a cause line names. */
export function evidenceWithSuspects(evidence: readonly Evidence[] | undefined): Evidence | null {
  return evidence?.find((e) => e.status === 'measured' && e.suspects.length > 0) ?? null;
}

// Steps that only say how V8 stores something (a Map's backing array, an object's property store): a reader
// learns nothing from them, so the one-line form leaves them out unless they are the end of the path.
const STORAGE_NODES = /^(system \/ .*|\(array\)|\(object elements\)|\(object properties\)|\(internal array\)|)$/;

/**
 * A retainer path as one line: `(GC roots) → (Stack roots) → Object.SIGINT → shutdown() → Map sessions (context
 * of server.js) → Session`. Property and element edges are appended to the node that holds them; a context
 * variable is named with the script that owns the context.
 */
export function formatRetainerPath(path: readonly RetainerStep[]): string {
  return retainerPathParts(path).join(' → ');
}

/** The parts formatRetainerPath joins with arrows, root first. */
export function retainerPathParts(path: readonly RetainerStep[]): string[] {
  const parts: Array<{ label: string; storage: boolean }> = [];
  for (const step of path) {
    const holder = parts[parts.length - 1];
    if (step.kind === 'context') {
      if (holder?.label === 'system / Context') parts.pop();
      parts.push({ label: `${step.node} ${step.edge}${step.context ? ` (context of ${step.context})` : ''}`, storage: false });
      continue;
    }
    if (holder && !holder.storage && !holder.label.startsWith('(')) {
      if (step.kind === 'property' || step.kind === 'shortcut') holder.label += `.${step.edge}`;
      else if (step.kind === 'element') holder.label += `[${step.edge}]`;
    }
    parts.push({ label: step.node, storage: STORAGE_NODES.test(step.node) });
  }
  return parts.filter((p, i) => i === parts.length - 1 || !p.storage).map((p) => p.label);
}
