// The graph a .heapsnapshot file describes, as the reader stores it (typed arrays), and the node types whose names
// are their contents. Shared by the reader (heap-reader.ts), the aggregation (heap-classes.ts) and the retainer
// paths (heap-paths.ts).

/**
 * A snapshot's graph, in 17 bytes per node and 9 per edge. Node i's edges are firstEdge[i] ..
 * firstEdge[i + 1] - 1; edgeTo holds node indexes (the file's to_node is a field offset). Node 0 is the
 * synthetic root.
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
  nodeId: Uint32Array;
  /** Self sizes; one above 4 GiB - 1 (a single ArrayBuffer that large) reads as 4 GiB - 1. */
  nodeSelfSize: Uint32Array;
  firstEdge: Uint32Array;
  edgeType: Uint8Array;
  /** A string index for named edges; the index itself for element and hidden edges. */
  edgeNameOrIndex: Uint32Array;
  edgeTo: Uint32Array;
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
