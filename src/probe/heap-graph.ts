// The graph a .heapsnapshot file describes, as the reader stores it (typed arrays), and the node types whose names
// are their contents. Shared by the reader (heap-reader.ts), the aggregation (heap-classes.ts) and the retainer
// paths (heap-paths.ts).

/**
 * A snapshot's graph, in 9 bytes per node and 9 per edge. Node i's edges are firstEdge[i] ..
 * firstEdge[i + 1] - 1; edgeTo holds node indexes (the file's to_node is a field offset). Node 0 is the
 * synthetic root. Self sizes and ids are not kept per node: the reader sums the sizes per class pair as it
 * goes (`pairs`), and marks the nodes newer than a given id (`newer`).
 */
export interface HeapGraph {
  nodeCount: number;
  edgeCount: number;
  nodeTypes: readonly string[];
  edgeTypes: readonly string[];
  /**
   * The snapshot's string table: names are indexes into it. Only names are kept (see neededStrings): the
   * contents of string nodes, source texts and index-like internal edge names are holes (undefined).
   */
  strings: string[];
  /** Entries in the file's string table (the last kept one can come before the end). */
  stringCount: number;
  nodeType: Uint8Array;
  nodeName: Uint32Array;
  /** Count and summed self size per class pair key (classPairKey), and one node of each for its type and name. */
  pairs: PairTotals;
  /**
   * The highest id of a JS object (object, closure, array): one with a higher id in a later snapshot was
   * allocated after this one. Native and synthetic nodes are left out: Node 20 gives the embedder's nodes ids
   * from another range (hundreds of millions), above every JS object made later.
   */
  maxObjectId: number;
  /** A bit per node, set when its id is above the reader's `newerThan`; null when none was given. */
  newer: Uint32Array | null;
  firstEdge: Uint32Array;
  edgeType: Uint8Array;
  /** A string index for named edges; the index itself for element and hidden edges. */
  edgeNameOrIndex: Uint32Array;
  edgeTo: Uint32Array;
}

export interface PairTotals {
  /** Class pair key -> slot in the arrays below. */
  slot: Map<number, number>;
  /** The first node seen of each pair. */
  node: number[];
  count: number[];
  /** Sums of self sizes (a node above 2^53 bytes does not exist). */
  bytes: number[];
}

/**
 * A number equal for nodes of the same class, to sum per class without building strings: the type alone for
 * grouped types (a million distinct strings are one class: a key per name would cost a Map entry each), else
 * name index and type. `grouped[t]` is 1 for a grouped type index.
 */
export function classPairKey(type: number, name: number, types: number, grouped: Uint8Array): number {
  return grouped[type] === 1 ? -1 - type : name * types + type;
}

/** 1 at each index of `nodeTypes` that GROUPED_TYPES names. */
export function groupedTypeFlags(nodeTypes: readonly string[]): Uint8Array {
  const grouped = new Uint8Array(nodeTypes.length);
  nodeTypes.forEach((t, k) => (grouped[k] = GROUPED_TYPES[t] === undefined ? 0 : 1));
  return grouped;
}

/** True when node's id was above the reader's `newerThan`; every node counts as newer when none was given. */
export function isNewer(graph: HeapGraph, node: number): boolean {
  return graph.newer === null || ((graph.newer[node >>> 5]! >>> (node & 31)) & 1) === 1;
}

// Node types whose names are contents, not classes (a string's text, a regexp's source): one class each.
export const GROUPED_TYPES: Record<string, string> = {
  string: '(string)',
  'concatenated string': '(string)',
  'sliced string': '(string)',
  number: '(number)',
  regexp: '(regexp)',
  bigint: '(bigint)',
  symbol: '(symbol)',
};
