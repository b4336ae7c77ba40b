// Reads V8 .heapsnapshot files as a stream into typed arrays (the text is never held whole: real heaps reach
// hundreds of MB). What the graph means is read by heap-classes.ts (per class) and heap-paths.ts (retainers).

import { open } from 'node:fs/promises';
import { classPairKey, groupedTypeFlags, type HeapGraph } from './heap-graph.js';

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
const MODE_STRINGS = 7; // between strings
const MODE_STRING = 8; // inside one string of the string table
const MODE_DONE = 9;
const MODE_START = 10; // before the opening '{'

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const ZERO = 0x30;
const NINE = 0x39;

interface Meta {
  nodeFields: string[];
  nodeTypes: string[];
  edgeFields: string[];
  edgeTypes: string[];
  nodeCount: number;
  edgeCount: number;
}

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
  private depth = 0;
  private inString = false;
  private escaped = false;
  private capture: Buffer[] | null = null;
  // MODE_INTS
  private value = 0;
  private inNumber = false;
  private fieldIndex = 0;
  private row = 0;
  // MODE_STRING
  private token: Buffer[] = [];
  private tokenEscaped = false;
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
  /** 1 for each string index a class, edge or script name uses; null (all needed) when strings come first. */
  private neededStrings: Uint8Array | null = null;

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
          i = this.scan(buf, i);
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
          i = this.betweenStrings(buf, i);
          break;
        case MODE_STRING:
          i = this.inToken(buf, i);
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
      this.neededStrings = this.seen.has('nodes') && this.seen.has('edges') ? neededStrings(this.graph!) : null;
      this.mode = MODE_STRINGS_OPEN;
    } else {
      this.depth = 0;
      this.inString = false;
      this.escaped = false;
      this.capture = key === 'snapshot' ? [] : null;
      this.mode = MODE_SCAN;
    }
  }

  /** A JSON value of any shape, followed to its end; kept only for `snapshot`. */
  private scan(buf: Buffer, i: number): number {
    const start = i;
    const n = buf.length;
    for (; i < n; i++) {
      const c = buf[i]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) this.inString = false;
        continue;
      }
      if (c === QUOTE) this.inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth === 0) {
          this.capture?.push(Buffer.from(buf.subarray(start, i + 1)));
          this.finishScan();
          return i + 1;
        }
      } else if (this.depth === 0 && (c === 0x2c || c === CLOSE_BRACE)) {
        // A scalar value at the top level ends at the next separator, which belongs to the top level.
        this.capture?.push(Buffer.from(buf.subarray(start, i)));
        this.finishScan();
        return i;
      }
    }
    this.capture?.push(Buffer.from(buf.subarray(start, n)));
    return n;
  }

  private finishScan(): void {
    if (this.capture) this.readMeta(Buffer.concat(this.capture).toString('utf8'));
    this.capture = null;
    this.mode = MODE_TOP;
  }

  private readMeta(text: string): void {
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
    this.nodeFieldSlot = slots(meta.nodeFields, ['type', 'name', 'id', 'self_size', 'edge_count']);
    this.edgeFieldSlot = slots(meta.edgeFields, ['type', 'name_or_index', 'to_node']);
    this.nodeFieldCount = meta.nodeFields.length;
    this.edgeFieldCount = meta.edgeFields.length;
    if (meta.nodeTypes.length > 255 || meta.edgeTypes.length > 255)
      throw new Error('heap snapshot: more node or edge types than fit a byte');
    this.meta = meta;
    this.groupedType = groupedTypeFlags(meta.nodeTypes);
    this.objectType = new Uint8Array(meta.nodeTypes.map((t) => (t === 'object' || t === 'closure' || t === 'array' ? 1 : 0)));
    const newerThan = this.options.newerThan ?? null;
    this.graph = {
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

  private betweenStrings(buf: Buffer, i: number): number {
    for (; i < buf.length; i++) {
      const c = buf[i]!;
      if (c === QUOTE) {
        this.token = [];
        this.tokenEscaped = false;
        this.escaped = false;
        this.mode = MODE_STRING;
        return i + 1;
      }
      if (c === CLOSE_BRACKET) {
        this.mode = MODE_TOP;
        return i + 1;
      }
    }
    return i;
  }

  private inToken(buf: Buffer, i: number): number {
    const start = i;
    const n = buf.length;
    for (; i < n; i++) {
      const c = buf[i]!;
      if (this.escaped) {
        this.escaped = false;
      } else if (c === BACKSLASH) {
        this.escaped = true;
        this.tokenEscaped = true;
      } else if (c === QUOTE) {
        const graph = this.graph!;
        const index = graph.stringCount++;
        const need = this.neededStrings === null ? STRING_KEEP : (this.neededStrings[index] ?? STRING_SKIP);
        const part = buf.subarray(start, i);
        if (need === STRING_KEEP || (need === STRING_KEEP_UNLESS_INDEX && !allDigits(this.token, part))) {
          const bytes = this.token.length === 0 ? part : Buffer.concat([...this.token, part]);
          const text = bytes.toString('utf8');
          graph.strings[index] = this.tokenEscaped ? (JSON.parse(`"${text}"`) as string) : text;
        }
        this.token = [];
        this.mode = MODE_STRINGS;
        return i + 1;
      }
    }
    // A string that goes on in the next chunk: copied, since the stream may reuse its buffer.
    if (this.neededStrings === null || (this.neededStrings[this.graph!.stringCount] ?? STRING_SKIP) !== STRING_SKIP)
      this.token.push(Buffer.from(buf.subarray(start, n)));
    return n;
  }
}

/** neededStrings values: not kept; kept; kept unless all digits (the name of an internal edge only). */
const STRING_SKIP = 0;
const STRING_KEEP = 1;
const STRING_KEEP_UNLESS_INDEX = 2;

/**
 * Which strings the graph uses as names: of nodes of every type but strings, numbers, regexps, bigints and
 * symbols (their names are their contents, counted as one class each), and of named edges. The others (source
 * texts, every string value on the heap: most of the table in a real app) are read as '' without being kept.
 * Internal edges of a large array are named by their index ("0" ... "290000"): a name used only by internal
 * edges is kept unless it is all digits, which says nothing in a path.
 */
function neededStrings(graph: HeapGraph): Uint8Array {
  const groupedType = groupedTypeFlags(graph.nodeTypes);
  let max = 0;
  for (let i = 0; i < graph.nodeCount; i++) if (graph.nodeName[i]! > max) max = graph.nodeName[i]!;
  for (let e = 0; e < graph.edgeCount; e++) if (graph.edgeNameOrIndex[e]! > max) max = graph.edgeNameOrIndex[e]!;
  const needed = new Uint8Array(max + 1);
  const edgeNeed = new Uint8Array(graph.edgeTypes.length);
  graph.edgeTypes.forEach(
    (t, k) => (edgeNeed[k] = t === 'element' || t === 'hidden' ? STRING_SKIP : t === 'internal' ? STRING_KEEP_UNLESS_INDEX : STRING_KEEP),
  );
  for (let e = 0; e < graph.edgeCount; e++) {
    const need = edgeNeed[graph.edgeType[e]!]!;
    const at = graph.edgeNameOrIndex[e]!;
    if (need > STRING_SKIP && needed[at] !== STRING_KEEP) needed[at] = need;
  }
  for (let i = 0; i < graph.nodeCount; i++) if (groupedType[graph.nodeType[i]!] === 0) needed[graph.nodeName[i]!] = STRING_KEEP;
  needed[0] = STRING_KEEP;
  return needed;
}

/** True when a string token (its earlier chunks and its last) is all ASCII digits, and not empty. */
function allDigits(parts: readonly Buffer[], last: Buffer): boolean {
  const digits = (part: Buffer): boolean => {
    for (let i = 0; i < part.length; i++) if (part[i]! < ZERO || part[i]! > NINE) return false;
    return true;
  };
  return parts.every(digits) && digits(last) && parts.reduce((n, p) => n + p.length, last.length) > 0;
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
