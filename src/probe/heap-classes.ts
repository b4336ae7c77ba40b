// Aggregates a heap graph per (node type, class name): counts and self sizes, with compiled code and feedback
// vectors left out (they grow with JIT warm-up, not with connections).

import type { HeapClassStat } from '../model/heap.js';
import { GROUPED_TYPES, type HeapGraph } from './heap-graph.js';

/**
 * Left out of the aggregation and of the heap total: V8's `code` node type (bytecode, scope infos, feedback
 * metadata and cells, shared function infos, constant pools, compiled code), `synthetic` nodes (the roots, no
 * size), and these names whatever their type, as V8 types some of them `hidden` (and older versions `array`):
 * feedback vectors and cells, `(compiled code)`, `system / Code` and its wrappers, bytecode arrays, and the
 * trusted-space metadata of functions (SharedFunctionInfoWrapper, ProtectedFixedArray, Trusted*, deoptimization
 * and uncompiled data), and weak lists (WeakArrayList holds nothing alive). All of them grow with JIT warm-up,
 * not with connections: on Node 24 a clean ws server gains one SharedFunctionInfoWrapper and one
 * ProtectedFixedArray per connection for its first ~60 connections, then a few per hundred.
 */
const EXCLUDED_SYSTEM = [
  'Code',
  'CodeWrapper',
  'CodeDataContainer',
  'InstructionStream',
  'BytecodeArray',
  'BytecodeWrapper',
  'Feedback\\w*',
  'ClosureFeedbackCellArray',
  'SharedFunctionInfo\\w*',
  'ProtectedFixedArray',
  'Trusted\\w*',
  'InterpreterData',
  'DeoptimizationData\\w*',
  'UncompiledData\\w*',
  'PreparseData',
  'ScopeInfo',
  'WeakArrayList',
];
const EXCLUDED_PARENTHESIZED = [
  'compiled code',
  'code',
  'code relocation info',
  'feedback vector',
  'feedback metadata',
  'shared function info',
];
export const EXCLUDED_NAMES = new RegExp(`^(system / (${EXCLUDED_SYSTEM.join('|')})|\\((${EXCLUDED_PARENTHESIZED.join('|')})\\))$`);

/** True for a node the aggregation leaves out (see EXCLUDED_NAMES). */
export function isExcludedNode(type: string, name: string): boolean {
  return type === 'code' || type === 'synthetic' || EXCLUDED_NAMES.test(name);
}

/** The class a node is counted under: its constructor or native type, or its type's group. */
export function className(type: string, name: string): string {
  const grouped = GROUPED_TYPES[type];
  if (grouped !== undefined) return grouped;
  if (type === 'array' && name === '') return '(array)';
  if (type === 'closure' && name === '') return '(anonymous)';
  return name;
}

/**
 * A number equal for nodes of the same class, to memoize per class without building strings: the type alone
 * for grouped types (a million distinct strings are one class: a key per name would cost a Map entry each),
 * else name index and type.
 */
export function classPairKeys(graph: HeapGraph): (node: number) => number {
  const types = graph.nodeTypes.length;
  const grouped = new Uint8Array(types);
  graph.nodeTypes.forEach((t, k) => (grouped[k] = GROUPED_TYPES[t] === undefined ? 0 : 1));
  return (node) => {
    const t = graph.nodeType[node]!;
    return grouped[t] === 1 ? -1 - t : graph.nodeName[node]! * types + t;
  };
}

/** One snapshot's aggregation. */
export interface HeapAggregate {
  classes: HeapClassStat[];
  /** Sum of self sizes of the nodes counted (code and feedback vectors left out). */
  totalBytes: number;
  /** Sum of self sizes left out. */
  excludedBytes: number;
  nodeCount: number;
  /**
   * The highest id of a JS object (object, closure, array): one with a higher id in a later snapshot was
   * allocated after this one. Native and synthetic nodes are left out: Node 20 gives the embedder's nodes ids
   * from another range (hundreds of millions), above every JS object made later.
   */
  maxNodeId: number;
}

/** Count and self size per (node type, class name), excluded nodes left out. */
export function aggregateHeap(graph: HeapGraph): HeapAggregate {
  const { nodeTypes, strings } = graph;
  // Memo of classPairKey -> class slot, -1 for excluded.
  const slotByPair = new Map<number, number>();
  const pairKey = classPairKeys(graph);
  const slotByGroup = new Map<string, number>();
  const classes: HeapClassStat[] = [];
  const slotOf = (type: string, name: string): number => {
    if (isExcludedNode(type, name)) return -1;
    const cls = className(type, name);
    const key = `${type}\u0000${cls}`;
    let slot = slotByGroup.get(key);
    if (slot === undefined) {
      slot = classes.length;
      classes.push({ nodeType: type, name: cls, count: 0, selfSize: 0 });
      slotByGroup.set(key, slot);
    }
    return slot;
  };
  let totalBytes = 0;
  let excludedBytes = 0;
  let maxNodeId = 0;
  const idTypes = new Uint8Array(nodeTypes.length);
  nodeTypes.forEach((t, k) => (idTypes[k] = t === 'object' || t === 'closure' || t === 'array' ? 1 : 0));
  for (let i = 0; i < graph.nodeCount; i++) {
    const size = graph.nodeSelfSize[i]!;
    const id = graph.nodeId[i]!;
    if (id > maxNodeId && idTypes[graph.nodeType[i]!] === 1) maxNodeId = id;
    const pair = pairKey(i);
    let slot = slotByPair.get(pair);
    if (slot === undefined) {
      slot = slotOf(nodeTypes[graph.nodeType[i]!] ?? 'unknown', strings[graph.nodeName[i]!] ?? '');
      slotByPair.set(pair, slot);
    }
    if (slot === -1) {
      excludedBytes += size;
      continue;
    }
    const cls = classes[slot]!;
    cls.count++;
    cls.selfSize += size;
    totalBytes += size;
  }
  return { classes, totalBytes, excludedBytes, nodeCount: graph.nodeCount, maxNodeId };
}

/** A node's aggregation key: `${node type}\u0000${class name}`, as HeapClassStat rows are told apart. */
export function nodeClassKey(graph: HeapGraph, node: number): string {
  const type = graph.nodeTypes[graph.nodeType[node]!] ?? 'unknown';
  return `${type}\u0000${className(type, graph.strings[graph.nodeName[node]!] ?? '')}`;
}
