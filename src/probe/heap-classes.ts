// Aggregates a heap graph per (node type, class name): counts and self sizes, with compiled code and feedback
// vectors left out (they grow with JIT warm-up, not with connections).

import type { ClassCount } from '../model/evidence.js';
import { classPairKey, groupedTypeFlags, GROUPED_TYPES, type HeapGraph } from './heap-graph.js';

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

/** The class pair key of each node (classPairKey), for memos per class. */
export function classPairKeys(graph: HeapGraph): (node: number) => number {
  const types = graph.nodeTypes.length;
  const grouped = groupedTypeFlags(graph.nodeTypes);
  return (node) => classPairKey(graph.nodeType[node]!, graph.nodeName[node]!, types, grouped);
}

/** One snapshot's aggregation. */
export interface HeapAggregate {
  classes: ClassCount[];
  /** Sum of self sizes of the nodes counted (code and feedback vectors left out). */
  totalBytes: number;
  /** Sum of self sizes left out. */
  excludedBytes: number;
  nodeCount: number;
  /** The highest id of a JS object (HeapGraph.maxObjectId): a later snapshot's nodes above it are newer. */
  maxNodeId: number;
}

/** Count and self size per (node type, class name), excluded nodes left out: the reader's sums per class pair, named. */
export function aggregateHeap(graph: HeapGraph): HeapAggregate {
  const { nodeTypes, strings, pairs } = graph;
  const slotByGroup = new Map<string, number>();
  const classes: ClassCount[] = [];
  let totalBytes = 0;
  let excludedBytes = 0;
  for (let p = 0; p < pairs.node.length; p++) {
    const node = pairs.node[p]!;
    const type = nodeTypes[graph.nodeType[node]!] ?? 'unknown';
    const name = strings[graph.nodeName[node]!] ?? '';
    const bytes = pairs.bytes[p]!;
    if (isExcludedNode(type, name)) {
      excludedBytes += bytes;
      continue;
    }
    const cls = className(type, name);
    const key = `${type}\u0000${cls}`;
    let slot = slotByGroup.get(key);
    if (slot === undefined) {
      slot = classes.length;
      classes.push({ kind: type, name: cls, count: 0, bytes: 0 });
      slotByGroup.set(key, slot);
    }
    classes[slot]!.count += pairs.count[p]!;
    classes[slot]!.bytes += bytes;
    totalBytes += bytes;
  }
  return { classes, totalBytes, excludedBytes, nodeCount: graph.nodeCount, maxNodeId: graph.maxObjectId };
}

/** A node's aggregation key: `${node type}\u0000${class name}`, as ClassCount rows are told apart. */
export function nodeClassKey(graph: HeapGraph, node: number): string {
  const type = graph.nodeTypes[graph.nodeType[node]!] ?? 'unknown';
  return `${type}\u0000${className(type, graph.strings[graph.nodeName[node]!] ?? '')}`;
}
