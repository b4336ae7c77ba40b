// Reads V8 .heapsnapshot files as a stream into typed arrays (the text is never held whole: real heaps reach
// hundreds of MB). What the graph means is read by heap-classes.ts (per class) and heap-paths.ts (retainers).

import { open } from 'node:fs/promises';
import { classPairKey, groupedTypeFlags, type HeapGraph } from './heap-graph.js';
import { readLayout, type Meta } from './heap-meta.js';
import { CLOSE_BRACE, CLOSE_BRACKET, COLON, NINE, OPEN_BRACE, OPEN_BRACKET, QUOTE, ValueScanner, ZERO } from './heap-json.js';
import { StringTableReader } from './heap-strings.js';

export type { HeapGraph } from './heap-graph.js';

/** The file ended before the snapshot did: V8 is probably still writing it. */
export class IncompleteSnapshotError extends Error {
  constructor(what: string) {
    super(`heap snapshot incomplete: ${what}`);
    this.name = 'IncompleteSnapshotError';
  }
}

const MODE_TOP = 0; // between top-level keys
const MODE_KEY = 1; // inside a top-level key
const MODE_COLON = 2; // after a key, before its value
const MODE_SCAN = 3; // inside a value that is captured (snapshot) or skipped (trace_tree, locations, ...)
const MODE_INTS_OPEN = 4; // before the '[' of nodes or edges
const MODE_INTS = 5;
const MODE_STRINGS_OPEN = 6; // before the '[' of strings
const MODE_STRINGS = 7; // inside the string table
const MODE_DONE = 8;
const MODE_START = 9; // before the opening '{'

/**
 * A push parser for the documented .heapsnapshot layout: `snapshot` (meta and counts) is captured and JSON-parsed,
 * `nodes` and `edges` are tokenized straight into typed arrays, `strings` one string at a time, and every other
 * section (trace_function_infos, trace_tree, samples, locations) is skipped without being kept.
 */
export class HeapSnapshotParser {
  private mode = MODE_START;
  private key = '';
  private section = '';
  // MODE_SCAN
  private scanner: ValueScanner | null = null;
  // MODE_INTS
  private value = 0;
  private inNumber = false;
  private fieldIndex = 0;
  private row = 0;
  // MODE_STRINGS
  private strings: StringTableReader | null = null;
  private meta: Meta | null = null;
  private graph: HeapGraph | null = null;
  // MODE_INTS in nodes: the current row's id and self size, summed into graph.pairs at its end.
  private rowId = 0;
  private rowSize = 0;
  private groupedType: Uint8Array = new Uint8Array(0);
  private objectType: Uint8Array = new Uint8Array(0);
  private nodeFieldCount = 0;
  private edgeFieldCount = 0;
  private nodeFieldSlot: Int8Array = new Int8Array(0);
  private edgeFieldSlot: Int8Array = new Int8Array(0);
  private seen = new Set<string>();

  /** `newerThan`: mark the nodes whose id is above it (graph.newer), as instances allocated since that snapshot. */
  constructor(private readonly options: { newerThan?: number | null } = {}) {}

  /** Feeds the next chunk of the file. */
  write(chunk: Uint8Array): void {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let i = 0;
    const n = buf.length;
    while (i < n) {
      switch (this.mode) {
        case MODE_START:
          i = this.skipSpace(buf, i);
          if (i < n) {
            if (buf[i] !== OPEN_BRACE) throw new Error('not a heap snapshot: it does not start with an object');
            this.mode = MODE_TOP;
            i++;
          }
          break;
        case MODE_TOP:
          i = this.top(buf, i);
          break;
        case MODE_KEY: {
          const end = buf.indexOf(QUOTE, i);
          if (end === -1) {
            this.key += buf.toString('latin1', i, n);
            i = n;
          } else {
            this.key += buf.toString('latin1', i, end);
            this.mode = MODE_COLON;
            i = end + 1;
          }
          break;
        }
        case MODE_COLON:
          i = this.skipSpace(buf, i);
          if (i < n) {
            if (buf[i] !== COLON) throw new Error(`not a heap snapshot: no ':' after "${this.key}"`);
            i++;
            this.startValue();
          }
          break;
        case MODE_SCAN:
          i = this.scanner!.read(buf, i);
          if (this.scanner!.done) this.finishScan();
          break;
        case MODE_INTS_OPEN:
        case MODE_STRINGS_OPEN:
          i = this.skipSpace(buf, i);
          if (i < n) {
            if (buf[i] !== OPEN_BRACKET) throw new Error(`not a heap snapshot: "${this.section}" is not an array`);
            this.mode = this.mode === MODE_INTS_OPEN ? MODE_INTS : MODE_STRINGS;
            i++;
          }
          break;
        case MODE_INTS:
          i = this.section === 'nodes' ? this.nodes(buf, i) : this.edges(buf, i);
          break;
        case MODE_STRINGS:
          i = this.strings!.read(buf, i);
          if (this.strings!.done) this.mode = MODE_TOP;
          break;
        case MODE_DONE:
          i = this.skipSpace(buf, i);
          if (i < n) throw new Error('not a heap snapshot: text after the closing brace');
          break;
      }
    }
  }

  /** The graph, once the whole file was written; throws IncompleteSnapshotError when it ended early. */
  end(): HeapGraph {
    if (this.mode !== MODE_DONE) throw new IncompleteSnapshotError(`the file ends inside "${this.section || this.key || 'the start'}"`);
    for (const needed of ['snapshot', 'nodes', 'edges', 'strings']) {
      if (!this.seen.has(needed)) throw new Error(`not a heap snapshot: no "${needed}" section`);
    }
    const graph = this.graph!;
    if (graph.stringCount === 0) throw new Error('not a heap snapshot: an empty string table');
    return graph;
  }

  private skipSpace(buf: Buffer, i: number): number {
    while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x0a || buf[i] === 0x0d || buf[i] === 0x09)) i++;
    return i;
  }

  private top(buf: Buffer, i: number): number {
    for (; i < buf.length; i++) {
      const c = buf[i]!;
      if (c === QUOTE) {
        this.key = '';
        this.mode = MODE_KEY;
        return i + 1;
      }
      if (c === CLOSE_BRACE) {
        this.mode = MODE_DONE;
        return i + 1;
      }
    }
    return i;
  }

  private startValue(): void {
    const key = this.key;
    this.section = key;
    this.seen.add(key);
    if ((key === 'nodes' || key === 'edges' || key === 'strings') && !this.meta) {
      throw new Error(`not a heap snapshot: "${key}" before "snapshot"`);
    }
    if (key === 'nodes' || key === 'edges') {
      this.fieldIndex = 0;
      this.row = 0;
      this.inNumber = false;
      this.value = 0;
      this.mode = MODE_INTS_OPEN;
    } else if (key === 'strings') {
      this.strings = new StringTableReader(this.graph!, this.seen.has('nodes') && this.seen.has('edges'));
      this.mode = MODE_STRINGS_OPEN;
    } else {
      this.scanner = new ValueScanner(key === 'snapshot');
      this.mode = MODE_SCAN;
    }
  }

  private finishScan(): void {
    const captured = this.scanner!.captured();
    if (captured !== null) this.readMeta(captured);
    this.scanner = null;
    this.mode = MODE_TOP;
  }

  private readMeta(text: string): void {
    const layout = readLayout(text, this.options.newerThan ?? null);
    this.meta = layout.meta;
    this.graph = layout.graph;
    this.nodeFieldSlot = layout.nodeFieldSlot;
    this.edgeFieldSlot = layout.edgeFieldSlot;
    this.nodeFieldCount = layout.meta.nodeFields.length;
    this.edgeFieldCount = layout.meta.edgeFields.length;
    this.groupedType = groupedTypeFlags(layout.meta.nodeTypes);
    this.objectType = new Uint8Array(layout.meta.nodeTypes.map((t) => (t === 'object' || t === 'closure' || t === 'array' ? 1 : 0)));
  }

  // The two integer loops dominate the reading time: one byte at a time, no allocation.
  private nodes(buf: Buffer, i: number): number {
    const g = this.graph!;
    const slot = this.nodeFieldSlot;
    const fields = this.nodeFieldCount;
    const n = buf.length;
    let value = this.value;
    let inNumber = this.inNumber;
    let field = this.fieldIndex;
    let row = this.row;
    let rowId = this.rowId;
    let rowSize = this.rowSize;
    for (; i < n; i++) {
      const c = buf[i]!;
      if (c >= ZERO && c <= NINE) {
        value = value * 10 + (c - ZERO);
        inNumber = true;
        continue;
      }
      if (inNumber) {
        if (row >= g.nodeCount) throw new Error(`heap snapshot: more nodes than node_count ${g.nodeCount}`);
        switch (slot[field]) {
          case 0:
            g.nodeType[row] = value;
            break;
          case 1:
            g.nodeName[row] = value;
            break;
          case 2:
            rowId = value;
            break;
          case 3:
            rowSize = value;
            break;
          case 4:
            g.firstEdge[row + 1] = value;
            break;
        }
        if (++field === fields) {
          this.endNodeRow(row, rowId, rowSize);
          field = 0;
          row++;
        }
        value = 0;
        inNumber = false;
      }
      if (c === CLOSE_BRACKET) {
        if (row !== g.nodeCount || field !== 0) throw new Error(`heap snapshot: ${row} nodes, node_count says ${g.nodeCount}`);
        const first = g.firstEdge;
        for (let k = 1; k <= g.nodeCount; k++) first[k] = first[k]! + first[k - 1]!;
        if (first[g.nodeCount] !== g.edgeCount)
          throw new Error(`heap snapshot: nodes own ${first[g.nodeCount]} edges, edge_count says ${g.edgeCount}`);
        this.mode = MODE_TOP;
        this.inNumber = false;
        this.value = 0;
        return i + 1;
      }
    }
    this.value = value;
    this.inNumber = inNumber;
    this.fieldIndex = field;
    this.row = row;
    this.rowId = rowId;
    this.rowSize = rowSize;
    return n;
  }

  /** Sums a node's self size into its class pair and notes its id: neither is kept per node. */
  private endNodeRow(row: number, id: number, size: number): void {
    const g = this.graph!;
    const type = g.nodeType[row]!;
    const key = classPairKey(type, g.nodeName[row]!, g.nodeTypes.length, this.groupedType);
    const pairs = g.pairs;
    let slot = pairs.slot.get(key);
    if (slot === undefined) {
      slot = pairs.node.length;
      pairs.slot.set(key, slot);
      pairs.node.push(row);
      pairs.count.push(0);
      pairs.bytes.push(0);
    }
    pairs.count[slot]! += 1;
    pairs.bytes[slot]! += size;
    if (this.objectType[type] === 1 && id > g.maxObjectId) g.maxObjectId = id;
    if (g.newer !== null && id > this.options.newerThan!) g.newer[row >>> 5]! |= 1 << (row & 31);
  }

  private edges(buf: Buffer, i: number): number {
    const g = this.graph!;
    const slot = this.edgeFieldSlot;
    const fields = this.edgeFieldCount;
    const nodeFields = this.nodeFieldCount;
    const n = buf.length;
    let value = this.value;
    let inNumber = this.inNumber;
    let field = this.fieldIndex;
    let row = this.row;
    for (; i < n; i++) {
      const c = buf[i]!;
      if (c >= ZERO && c <= NINE) {
        value = value * 10 + (c - ZERO);
        inNumber = true;
        continue;
      }
      if (inNumber) {
        if (row >= g.edgeCount) throw new Error(`heap snapshot: more edges than edge_count ${g.edgeCount}`);
        switch (slot[field]) {
          case 0:
            g.edgeType[row] = value;
            break;
          case 1:
            g.edgeNameOrIndex[row] = value;
            break;
          case 2:
            if (value % nodeFields !== 0 || value / nodeFields >= g.nodeCount)
              throw new Error(`heap snapshot: edge ${row} points at no node (${value})`);
            g.edgeTo[row] = value / nodeFields;
            break;
        }
        if (++field === fields) {
          field = 0;
          row++;
        }
        value = 0;
        inNumber = false;
      }
      if (c === CLOSE_BRACKET) {
        if (row !== g.edgeCount || field !== 0) throw new Error(`heap snapshot: ${row} edges, edge_count says ${g.edgeCount}`);
        this.mode = MODE_TOP;
        this.inNumber = false;
        this.value = 0;
        return i + 1;
      }
    }
    this.value = value;
    this.inNumber = inNumber;
    this.fieldIndex = field;
    this.row = row;
    return n;
  }
}

/** Parses a whole snapshot held in memory (tests, small files). */
export function parseHeapSnapshot(text: string | Uint8Array, options: { newerThan?: number | null } = {}): HeapGraph {
  const parser = new HeapSnapshotParser(options);
  parser.write(typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
  return parser.end();
}

/** Streams a .heapsnapshot file into a HeapGraph, 1 MB at a time. */
export async function readHeapSnapshot(
  path: string,
  options: { signal?: AbortSignal; newerThan?: number | null } = {},
): Promise<HeapGraph> {
  const parser = new HeapSnapshotParser({ newerThan: options.newerThan ?? null });
  // One buffer, reused: a stream's fresh chunk per MB would leave hundreds of MB of garbage for the GC to find
  // on a large file, all of it counted in the peak RSS. The parser copies what it keeps.
  const buffer = Buffer.allocUnsafe(1 << 20);
  const file = await open(path, 'r');
  try {
    for (;;) {
      options.signal?.throwIfAborted();
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      parser.write(buffer.subarray(0, bytesRead));
    }
  } finally {
    await file.close();
  }
  return parser.end();
}
