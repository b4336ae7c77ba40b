// Retainer paths in a heap graph: the shortest way from a GC root to an instance of a class, in the edge names
// people read (property, context variable, Map entry).

import type { HeapEdgeKind, RetainerStep } from '../model/evidence.js';
import { className, nodeClassKey } from './heap-classes.js';
import type { HeapGraph } from './heap-graph.js';

/** How a node reads in a path: its class, closures as `name()`, synthetic roots by their name. */
export function nodeLabel(graph: HeapGraph, node: number): string {
  const type = graph.nodeTypes[graph.nodeType[node]!] ?? 'unknown';
  const name = graph.strings[graph.nodeName[node]!] ?? '';
  if (type === 'closure') return `${name || '(anonymous)'}()`;
  return className(type, name);
}

/** An edge's name: the string for named edges ('' for an index-like internal name, not kept), the index for elements and hidden edges. */
export function edgeName(graph: HeapGraph, edge: number): string {
  const kind = graph.edgeTypes[graph.edgeType[edge]!];
  const v = graph.edgeNameOrIndex[edge]!;
  return kind === 'element' || kind === 'hidden' ? String(v) : (graph.strings[v] ?? '');
}

/** Edge kinds a retainer path may follow: weak edges do not retain; hidden ones have no name a reader knows. */
const PATH_EDGE_KINDS = new Set(['context', 'element', 'property', 'internal', 'shortcut']);

/** Synthetic roots a path does not start from, as they hold objects only while the snapshot is written (see retainerPaths). */
const TRANSIENT_ROOTS = new Set(['(Handle scope)', '(Stack roots)']);

/**
 * The shortest path of named, non-weak edges from the synthetic root (through `(GC roots)`) to a node for which
 * `predicate` holds, by breadth-first search; null when none is reachable. The root itself is not a step.
 */
export function retainerPath(graph: HeapGraph, predicate: (node: number) => boolean): RetainerStep[] | null {
  return retainerPaths(graph, (node) => (predicate(node) ? 0 : -1), 1)[0] ?? null;
}

/** How retainerPaths picks the instance whose path it returns. */
export interface RetainerPathOptions {
  /**
   * first: the instance nearest a root (the shortest path). common: among the instances found (up to
   * MAX_CANDIDATES), one whose last SIGNATURE_DEPTH retainers are those most of them share, nearest a root among
   * those: a leak retains its instances all the same way, while the nearest one may be a buffer on the stack.
   */
  pick?: 'first' | 'common';
  /**
   * Follow V8's hidden edges too (what a native object holds for the engine): a last resort for an instance that
   * named edges do not reach, as in a cluster worker, whose connections come in through its IPC channel.
   */
  hidden?: boolean;
}

const MAX_CANDIDATES = 5000;
const SIGNATURE_DEPTH = 4;

/**
 * Paths to several targets in one breadth-first search: `classify` maps a node to a target index in
 * 0 .. targets - 1 (or -1). One pass over the graph however many suspects there are.
 */
export function retainerPaths(
  graph: HeapGraph,
  classify: (node: number) => number,
  targets: number,
  options: RetainerPathOptions = {},
): Array<RetainerStep[] | null> {
  const n = graph.nodeCount;
  const common = options.pick === 'common';
  const found: number[][] = Array.from({ length: targets }, () => []);
  if (n === 0 || targets === 0) return found.map(() => null);
  const followed = new Uint8Array(graph.edgeTypes.length);
  graph.edgeTypes.forEach((kind, k) => (followed[k] = PATH_EDGE_KINDS.has(kind) || (options.hidden === true && kind === 'hidden') ? 1 : 0));
  // parentEdge[i]: the edge that first reached node i, or UNSEEN / NO_PARENT (the root, transient roots). The
  // node an edge leaves is found from firstEdge when a path is built: 8 bytes a node for the whole search.
  const parentEdge = new Uint32Array(n).fill(UNSEEN);
  const queue = new Uint32Array(n);
  let head = 0;
  let tail = 0;
  let left = targets;
  queue[tail++] = 0;
  parentEdge[0] = NO_PARENT;
  // Handles that C++ code holds while the snapshot is taken keep an object for that moment only, and so does the
  // stack: Node writes the snapshot from a JS signal listener, whose frames reach process._events and every
  // listener in it. The synthetic roots come first in a snapshot.
  const synthetic = graph.nodeTypes.indexOf('synthetic');
  for (let node = 1; node < n && graph.nodeType[node] === synthetic; node++) {
    if (TRANSIENT_ROOTS.has(graph.strings[graph.nodeName[node]!] ?? '')) parentEdge[node] = NO_PARENT;
  }
  while (head < tail && (common || left > 0)) {
    const node = queue[head++]!;
    if (node !== 0) {
      const target = classify(node);
      if (target >= 0 && target < targets) {
        const list = found[target]!;
        if (list.length === 0) left--;
        if (list.length < (common ? MAX_CANDIDATES : 1)) list.push(node);
      }
    }
    const end = graph.firstEdge[node + 1]!;
    for (let e = graph.firstEdge[node]!; e < end; e++) {
      if (followed[graph.edgeType[e]!] === 0) continue;
      const to = graph.edgeTo[e]!;
      if (parentEdge[to] !== UNSEEN) continue;
      parentEdge[to] = e;
      queue[tail++] = to;
    }
  }
  return found.map((list) => {
    if (list.length === 0) return null;
    const chosen = common ? mostCommon(graph, list, parentEdge) : list[0]!;
    return pathTo(graph, chosen, parentEdge);
  });
}

const UNSEEN = 0xffffffff;
const NO_PARENT = 0xfffffffe;

/** The node whose edges include edge `e`: the last node whose first edge is at or before it. */
export function edgeOwner(graph: HeapGraph, e: number): number {
  const first = graph.firstEdge;
  let lo = 0;
  let hi = graph.nodeCount - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (first[mid]! <= e) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The first (nearest a root) of the candidates whose retainer signature is the most frequent. */
function mostCommon(graph: HeapGraph, candidates: readonly number[], parentEdge: Uint32Array): number {
  const tally = new Map<string, { count: number; first: number }>();
  for (const node of candidates) {
    const parts: string[] = [];
    for (let at = node, k = 0; parentEdge[at] !== NO_PARENT && k < SIGNATURE_DEPTH; k++) {
      const e = parentEdge[at]!;
      const kind = graph.edgeTypes[graph.edgeType[e]!];
      at = edgeOwner(graph, e);
      parts.push(`${nodeClassKey(graph, at)}|${kind}:${kind === 'element' ? '' : edgeName(graph, e)}`);
    }
    const key = parts.join('<');
    const entry = tally.get(key);
    if (entry) entry.count++;
    else tally.set(key, { count: 1, first: node });
  }
  let best = { count: 0, first: candidates[0]! };
  for (const entry of tally.values()) if (entry.count > best.count) best = entry;
  return best.first;
}

function pathTo(graph: HeapGraph, target: number, parentEdge: Uint32Array): RetainerStep[] {
  const steps: RetainerStep[] = [];
  for (let node = target; parentEdge[node] !== NO_PARENT;) {
    const e = parentEdge[node]!;
    const from = edgeOwner(graph, e);
    const kind = (graph.edgeTypes[graph.edgeType[e]!] ?? 'internal') as HeapEdgeKind;
    const step: RetainerStep = { edge: edgeName(graph, e), kind, node: nodeLabel(graph, node) };
    if (kind === 'context') {
      const script = contextScript(graph, from);
      if (script) step.context = script;
    }
    steps.push(step);
    node = from;
  }
  return steps.reverse();
}

/** The first edge of `node` named `name` (named kinds only); -1 when there is none. */
function namedEdge(graph: HeapGraph, node: number, names: readonly string[]): number {
  const end = graph.firstEdge[node + 1]!;
  for (let e = graph.firstEdge[node]!; e < end; e++) {
    const kind = graph.edgeTypes[graph.edgeType[e]!];
    if (kind === 'element' || kind === 'hidden') continue;
    if (names.includes(graph.strings[graph.edgeNameOrIndex[e]!] ?? '')) return e;
  }
  return -1;
}

/**
 * The file name of the script that owns a context: a closure whose `context` edge points at it, then that
 * closure's shared function info, then its script. One pass over the closures; null when none is found.
 */
export function contextScript(graph: HeapGraph, contextNode: number): string | null {
  const closureType = graph.nodeTypes.indexOf('closure');
  for (let i = 0; i < graph.nodeCount; i++) {
    if (graph.nodeType[i] !== closureType) continue;
    const c = namedEdge(graph, i, ['context']);
    if (c === -1 || graph.edgeTo[c] !== contextNode) continue;
    const shared = namedEdge(graph, i, ['shared']);
    if (shared === -1) continue;
    const script = namedEdge(graph, graph.edgeTo[shared]!, ['script', 'script_or_debug_info']);
    if (script === -1) continue;
    const name = graph.strings[graph.nodeName[graph.edgeTo[script]!]!] ?? '';
    if (name === '') continue;
    return name.split(/[\\/]/).filter(Boolean).pop() ?? name;
  }
  return null;
}
