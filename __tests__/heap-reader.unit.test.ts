// The streaming heap snapshot reader on a snapshot written by hand: layout, chunking, aggregation, retainer paths.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatRetainerPath } from '../src/model/evidence.js';
import { aggregateHeap, classPairKeys, className, isExcludedNode } from '../src/probe/heap-classes.js';
import { isNewer } from '../src/probe/heap-graph.js';
import { edgeOwner, retainerPath } from '../src/probe/heap-paths.js';
import {
  HeapSnapshotParser,
  IncompleteSnapshotError,
  parseHeapSnapshot,
  readHeapSnapshot,
  type HeapGraph,
} from '../src/probe/heap-reader.js';

const TINY = join(import.meta.dirname, 'fixtures/tiny.heapsnapshot');
const tinyBytes = readFileSync(TINY);

function classOf(graph: HeapGraph, node: number): string {
  return graph.strings[graph.nodeName[node]!]!;
}

describe('HeapSnapshotParser', () => {
  it('reads nodes, edges and strings into typed arrays, whatever the extra fields and sections', () => {
    const g = parseHeapSnapshot(tinyBytes);
    expect(g.nodeCount).toBe(16);
    expect(g.edgeCount).toBe(13);
    expect(Array.from(g.firstEdge)).toEqual([0, 1, 2, 5, 7, 8, 9, 11, 11, 11, 11, 11, 11, 12, 12, 13, 13]);
    expect(classOf(g, 8)).toBe('Session');
    expect(g.nodeTypes[g.nodeType[15]!]).toBe('native');
    // Self sizes are summed per class pair as the nodes are read; ids give the highest object id and, asked, the newer nodes.
    expect(g.pairs.bytes[g.pairs.slot.get(classPairKeys(g)(15))!]).toBe(20480);
    expect(g.maxObjectId).toBe(103);
    expect(g.newer).toBeNull();
    const since101 = parseHeapSnapshot(tinyBytes, { newerThan: 101 });
    const newer = Array.from({ length: since101.nodeCount }, (_, node) => node).filter((node) => isNewer(since101, node));
    expect(newer.filter((node) => classOf(since101, node) === 'Session')).toEqual([8]);
    // Edge 3 is Object -weak-> Session(101): to_node 42 is field offset 7 * 6.
    expect(g.edgeTypes[g.edgeType[3]!]).toBe('weak');
    expect(g.edgeTo[3]).toBe(7);
    expect(g.strings[11]).toBe('Holder "quoted"\nname é');
    expect(g.stringCount).toBe(24);
    // Names only: the contents of string nodes are not kept; a script's name (a code node) is.
    expect(g.strings[8]).toBeUndefined();
    expect(g.strings[10]).toBe('file:///srv/app/server.js');
  });

  it('gives the same graph fed one byte at a time (tokens split across every chunk boundary)', () => {
    const whole = parseHeapSnapshot(tinyBytes);
    const parser = new HeapSnapshotParser();
    for (let i = 0; i < tinyBytes.length; i++) parser.write(tinyBytes.subarray(i, i + 1));
    const split = parser.end();
    expect(split.strings).toEqual(whole.strings);
    expect(split.nodeName).toEqual(whole.nodeName);
    expect(split.pairs).toEqual(whole.pairs);
    expect(split.maxObjectId).toBe(whole.maxObjectId);
    expect(split.edgeTo).toEqual(whole.edgeTo);
    expect(split.edgeNameOrIndex).toEqual(whole.edgeNameOrIndex);
  });

  it('keeps the name of an internal edge unless it is an index', () => {
    // Node 6's hidden edge to the bytecode array becomes an internal edge named "47", as V8 names a large array's slots.
    const text = tinyBytes.toString('utf8').replace(',1,1,48,4,2,54', ',1,1,48,3,23,54').replace('"weakly"', '"47"');
    const g = parseHeapSnapshot(text);
    expect(g.strings[23]).toBeUndefined();
    expect(g.strings[18]).toBe('table');
    const path = retainerPath(g, (node) => classOf(g, node) === 'system / BytecodeArray');
    expect(path?.at(-1)).toEqual({ edge: '', kind: 'internal', node: 'system / BytecodeArray' });
  });

  it('streams a file', async () => {
    const g = await readHeapSnapshot(TINY);
    expect(g.nodeCount).toBe(16);
  });

  it('says a file that ends early is incomplete, and refuses what is not a snapshot', () => {
    for (const cut of [10, 600, 900, tinyBytes.length - 2]) {
      expect(() => parseHeapSnapshot(tinyBytes.subarray(0, cut))).toThrow(IncompleteSnapshotError);
    }
    expect(() => parseHeapSnapshot('[1,2,3]')).toThrow(/not a heap snapshot/);
    expect(() => parseHeapSnapshot('{"nodes":[1]}')).toThrow(/before "snapshot"/);
    const wrongCount = tinyBytes.toString('utf8').replace('"edge_count":13', '"edge_count":14');
    expect(() => parseHeapSnapshot(wrongCount)).toThrow(/edge_count/);
  });
});

describe('aggregateHeap', () => {
  it('counts per (node type, class), groups strings, leaves out code and synthetic nodes', () => {
    const agg = aggregateHeap(parseHeapSnapshot(tinyBytes));
    const find = (type: string, name: string) => agg.classes.find((c) => c.kind === type && c.name === name);
    expect(find('object', 'Session')).toEqual({ kind: 'object', name: 'Session', count: 2, bytes: 80 });
    expect(find('string', '(string)')).toEqual({ kind: 'string', name: '(string)', count: 2, bytes: 44 });
    expect(find('array', '(array)')?.count).toBe(1);
    expect(find('native', 'system / JSArrayBufferData')?.bytes).toBe(20480);
    expect(agg.classes.some((c) => c.kind === 'code' || c.kind === 'synthetic')).toBe(false);
    expect(agg.excludedBytes).toBe(500 + 64 + 80);
    expect(agg.totalBytes).toBe(40 + 32 + 48 + 32 + 100 + 80 + 44 + 56 + 20480);
    expect(agg.maxNodeId).toBe(103);
  });

  it('excludes compiled code and feedback vectors by name too, as older V8 types some of them hidden', () => {
    expect(isExcludedNode('hidden', 'system / FeedbackVector')).toBe(true);
    expect(isExcludedNode('array', '(compiled code)')).toBe(true);
    expect(isExcludedNode('hidden', 'system / Code')).toBe(true);
    expect(isExcludedNode('code', 'anything')).toBe(true);
    expect(isExcludedNode('object', 'Session')).toBe(false);
    expect(isExcludedNode('native', 'system / JSArrayBufferData')).toBe(false);
    expect(className('concatenated string', 'ab')).toBe('(string)');
    expect(className('closure', '')).toBe('(anonymous)');
  });
});

describe('retainerPath', () => {
  it('finds the node that owns an edge, nodes without edges between', () => {
    const graph = parseHeapSnapshot(tinyBytes);
    const owners = Array.from({ length: graph.edgeCount }, (_, e) => edgeOwner(graph, e));
    expect(owners).toEqual([0, 1, 2, 2, 2, 3, 3, 4, 5, 6, 6, 12, 14]);
  });

  const g = parseHeapSnapshot(tinyBytes);

  it('finds the shortest path over non-weak edges, and names the context variable with its script', () => {
    const path = retainerPath(g, (node) => classOf(g, node) === 'Session');
    // The weakly held Session (id 101) is two edges from the roots, yet not retained: the path ends at id 103.
    expect(path).toEqual([
      { edge: '1', kind: 'element', node: '(GC roots)' },
      { edge: '0', kind: 'element', node: 'Object' },
      { edge: 'app', kind: 'property', node: 'handler()' },
      { edge: 'context', kind: 'internal', node: 'system / Context' },
      { edge: 'sessions', kind: 'context', node: 'Map', context: 'server.js' },
      { edge: 'table', kind: 'internal', node: '(array)' },
      { edge: '1', kind: 'element', node: 'Session' },
    ]);
    expect(formatRetainerPath(path!)).toBe('(GC roots) → Object.app → handler() → Map sessions (context of server.js) → Session');
  });

  it('starts no path at a root that holds objects only while the snapshot is written: the stack, handle scopes', () => {
    // Object (node 2), the only way from (GC roots) to the Sessions, made the synthetic root (Stack roots): Node
    // writes a snapshot from a JS signal listener, whose frames reach process._events for that moment only.
    const text = JSON.parse(tinyBytes.toString('utf8')) as { nodes: number[]; strings: string[] };
    const fields = 6;
    text.strings.push('(Stack roots)');
    text.nodes[2 * fields] = 9; // synthetic
    text.nodes[2 * fields + 1] = text.strings.length - 1;
    const viaStack = parseHeapSnapshot(JSON.stringify(text));
    expect(classOf(viaStack, 2)).toBe('(Stack roots)');
    expect(retainerPath(viaStack, (node) => classOf(viaStack, node) === 'Session')).toBeNull();
    text.strings[text.strings.length - 1] = '(Strong roots)';
    const viaStrong = parseHeapSnapshot(JSON.stringify(text));
    expect(retainerPath(viaStrong, (node) => classOf(viaStrong, node) === 'Session')?.at(-1)?.node).toBe('Session');
  });

  it('follows a predicate on ids (an instance allocated after an earlier snapshot) and returns null when unreachable', () => {
    const since101 = parseHeapSnapshot(tinyBytes, { newerThan: 101 });
    const path = retainerPath(since101, (node) => classOf(since101, node) === 'Session' && isNewer(since101, node));
    expect(path?.at(-1)?.node).toBe('Session');
    // Node 7 is the Session with id 101, held only weakly.
    expect(retainerPath(g, (node) => node === 7)).toBeNull();
    // Reached only through a hidden edge: no path of named edges.
    expect(retainerPath(g, (node) => classOf(g, node) === 'system / BytecodeArray')).toBeNull();
    const buffer = retainerPath(g, (node) => classOf(g, node) === 'system / JSArrayBufferData');
    expect(formatRetainerPath(buffer!)).toBe('(GC roots) → Object.extra → Holder "quoted"\nname é.store → system / JSArrayBufferData');
  });
});
