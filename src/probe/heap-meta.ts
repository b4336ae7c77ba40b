// The layout of a .heapsnapshot, from its `snapshot` section: the field lists, the counts, and the empty graph of
// typed arrays sized by them that the reader fills.

import type { HeapGraph } from './heap-graph.js';

export interface Meta {
  nodeFields: string[];
  nodeTypes: string[];
  edgeFields: string[];
  edgeTypes: string[];
  nodeCount: number;
  edgeCount: number;
}

/** What the reader needs from the layout: the meta, the graph to fill, and where each wanted field is in a row. */
export interface Layout {
  meta: Meta;
  graph: HeapGraph;
  /** Per node field, the slot the reader stores it in (type, name, id, self_size, edge_count), or -1 to skip it. */
  nodeFieldSlot: Int8Array;
  /** Per edge field, the slot the reader stores it in (type, name_or_index, to_node), or -1 to skip it. */
  edgeFieldSlot: Int8Array;
}

/** Reads the `snapshot` section's JSON text; `newerThan`: mark the nodes whose id is above it (graph.newer). */
export function readLayout(text: string, newerThan: number | null): Layout {
  const snapshot = JSON.parse(text) as {
    meta?: { node_fields?: string[]; node_types?: unknown[]; edge_fields?: string[]; edge_types?: unknown[] };
    node_count?: number;
    edge_count?: number;
  };
  const m = snapshot.meta;
  const nodeTypes = m?.node_types?.[0];
  const edgeTypes = m?.edge_types?.[0];
  if (!m?.node_fields || !m.edge_fields || !Array.isArray(nodeTypes) || !Array.isArray(edgeTypes)) {
    throw new Error('not a heap snapshot: no field lists in snapshot.meta');
  }
  if (typeof snapshot.node_count !== 'number' || typeof snapshot.edge_count !== 'number') {
    throw new Error('not a heap snapshot: no node_count / edge_count');
  }
  const meta: Meta = {
    nodeFields: m.node_fields,
    edgeFields: m.edge_fields,
    nodeTypes: nodeTypes as string[],
    edgeTypes: edgeTypes as string[],
    nodeCount: snapshot.node_count,
    edgeCount: snapshot.edge_count,
  };
  const slots = (fields: string[], wanted: string[]): Int8Array => {
    const slot = new Int8Array(fields.length).fill(-1);
    wanted.forEach((name, k) => {
      const at = fields.indexOf(name);
      if (at === -1) throw new Error(`not a heap snapshot: no "${name}" field`);
      slot[at] = k;
    });
    return slot;
  };
  const nodeFieldSlot = slots(meta.nodeFields, ['type', 'name', 'id', 'self_size', 'edge_count']);
  const edgeFieldSlot = slots(meta.edgeFields, ['type', 'name_or_index', 'to_node']);
  if (meta.nodeTypes.length > 255 || meta.edgeTypes.length > 255) throw new Error('heap snapshot: more node or edge types than fit a byte');
  const graph: HeapGraph = {
    nodeCount: meta.nodeCount,
    edgeCount: meta.edgeCount,
    nodeTypes: meta.nodeTypes,
    edgeTypes: meta.edgeTypes,
    strings: [],
    stringCount: 0,
    nodeType: new Uint8Array(meta.nodeCount),
    nodeName: new Uint32Array(meta.nodeCount),
    pairs: { slot: new Map(), node: [], count: [], bytes: [] },
    maxObjectId: 0,
    newer: newerThan === null ? null : new Uint32Array(Math.ceil(meta.nodeCount / 32)),
    firstEdge: new Uint32Array(meta.nodeCount + 1),
    edgeType: new Uint8Array(meta.edgeCount),
    edgeNameOrIndex: new Uint32Array(meta.edgeCount),
    edgeTo: new Uint32Array(meta.edgeCount),
  };
  return { meta, graph, nodeFieldSlot, edgeFieldSlot };
}
