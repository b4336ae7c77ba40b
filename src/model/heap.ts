// The heap evidence a Report carries for Node servers: snapshot summaries, growth per constructor, suspects with
// their retainer paths, heap per connection; plus how a retainer path reads as one line.

/** measured: snapshots were taken and compared; skipped: wanted but not possible (reason says why); off: the user
 * turned it off; n/a: not a Node server, or a platform where the snapshot signal cannot be confirmed. */
export type HeapEvidenceStatus = 'measured' | 'skipped' | 'off' | 'n/a';

/** One heap snapshot, taken after a full GC at a phase boundary. */
export interface HeapSnapshotSummary {
  /** Where in the run: `after-warmup`, `after-round-1`, ..., `after-cooldown`. */
  label: string;
  /** Connections the gate had made when the snapshot was taken. */
  connections: number;
  /** Sum of self sizes, code and feedback vectors left out (they grow with JIT warm-up, not with connections). */
  heapBytes: number;
  /** Nodes in the snapshot (all of them, excluded ones too). */
  nodeCount: number;
  /** From the signal to a complete file. */
  snapshotMs: number;
  /** Streaming the file into typed arrays and aggregating it. */
  readMs: number;
  /** Size of the .heapsnapshot file. */
  fileBytes: number;
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

/** Count and self size of one (node type, class name) in one snapshot. */
export interface HeapClassStat {
  /** V8's node type: object, closure, native, array, string, hidden, ... */
  nodeType: string;
  /** Constructor or native type name; grouped types read `(string)`, `(number)`, `(array)`, `(regexp)`. */
  name: string;
  count: number;
  selfSize: number;
}

/** A snapshot's summary with its aggregation: what the pure heap diff works on. */
export interface HeapSnapshotData {
  summary: HeapSnapshotSummary;
  classes: HeapClassStat[];
}

/** How one constructor's count and bytes changed from the first snapshot to the last. */
export interface HeapGrowthRow {
  name: string;
  nodeType: string;
  countFirst: number;
  countLast: number;
  countDelta: number;
  /** countDelta / connections made between the first and the last snapshot. */
  perConnection: number;
  bytesDelta: number;
  /** Self size of one instance at the last snapshot (bytes / count). */
  bytesEach: number;
  /** Every round that made connections grew it by a similar amount per connection. */
  consistent: boolean;
  /**
   * It grew steadily past the limit, but by no more than the connections held open at once and a margin: a pool
   * sized by concurrency explains it, so it is not a suspect. Absent otherwise.
   */
  poolSized?: boolean;
  /** From a GC root to one instance created after the first snapshot, when one was looked for and found. */
  retainerPath: RetainerStep[] | null;
}

/** Everything the heap snapshots showed, for checks and renderers. */
export interface HeapEvidence {
  status: HeapEvidenceStatus;
  reason?: string;
  snapshots: HeapSnapshotSummary[];
  /** Rows that breach: per connection >= the limit, >= the minimum count, consistent, not ignored. */
  suspects: HeapGrowthRow[];
  /** Largest growth (suspects first, then by bytes), at most TOP_GROWTH_ROWS. */
  topGrowth: HeapGrowthRow[];
  /** The limit applied (max-retained-per-connection); null: off, growth reported but nothing breaches. */
  maxRetainedPerConnection: number | null;
  /** Constructor names left out on the user's word (heap-ignore). */
  ignored: string[];
  /** Least-squares slope of heapBytes against connections over all snapshots, in KB per connection. */
  heapKbPerConnection: number | null;
  /** Its standard error; null with fewer than three snapshots. */
  standardErrorKb: number | null;
  notes: string[];
}

/** At most this many growth rows go into the Report. */
export const TOP_GROWTH_ROWS = 10;

/** Evidence that says only why there is none. */
export function heapEvidenceWithout(
  status: Exclude<HeapEvidenceStatus, 'measured'>,
  reason: string,
  maxRetainedPerConnection: number | null,
): HeapEvidence {
  return {
    status,
    reason,
    snapshots: [],
    suspects: [],
    topGrowth: [],
    maxRetainedPerConnection,
    ignored: [],
    heapKbPerConnection: null,
    standardErrorKb: null,
    notes: [],
  };
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
