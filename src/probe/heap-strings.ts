// The string table of a .heapsnapshot, read one string at a time: only the strings the graph uses as names are
// kept (source texts and string values, most of a real app's table, are read as '' without being kept).

import { groupedTypeFlags, type HeapGraph } from './heap-graph.js';
import { BACKSLASH, CLOSE_BRACKET, NINE, QUOTE, ZERO } from './heap-json.js';

/** Reads the strings array after its '[' into graph.strings, chunk by chunk, until its ']'. */
export class StringTableReader {
  /** The table's closing ']' was read. */
  done = false;
  private inString = false;
  private token: Buffer[] = [];
  private tokenEscaped = false;
  private escaped = false;
  private readonly needed: Uint8Array | null;

  /** `namesKnown`: the nodes and edges came first, so only the strings they name are kept; otherwise all are. */
  constructor(
    private readonly graph: HeapGraph,
    namesKnown: boolean,
  ) {
    this.needed = namesKnown ? neededStrings(graph) : null;
  }

  /** Reads from `i`; returns where it stopped: the end of the chunk, or just after the table's ']'. */
  read(buf: Buffer, i: number): number {
    while (i < buf.length && !this.done) i = this.inString ? this.inToken(buf, i) : this.between(buf, i);
    return i;
  }

  private between(buf: Buffer, i: number): number {
    for (; i < buf.length; i++) {
      const c = buf[i]!;
      if (c === QUOTE) {
        this.token = [];
        this.tokenEscaped = false;
        this.escaped = false;
        this.inString = true;
        return i + 1;
      }
      if (c === CLOSE_BRACKET) {
        this.done = true;
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
        const graph = this.graph;
        const index = graph.stringCount++;
        const need = this.needed === null ? STRING_KEEP : (this.needed[index] ?? STRING_SKIP);
        const part = buf.subarray(start, i);
        if (need === STRING_KEEP || (need === STRING_KEEP_UNLESS_INDEX && !allDigits(this.token, part))) {
          const bytes = this.token.length === 0 ? part : Buffer.concat([...this.token, part]);
          const text = bytes.toString('utf8');
          graph.strings[index] = this.tokenEscaped ? (JSON.parse(`"${text}"`) as string) : text;
        }
        this.token = [];
        this.inString = false;
        return i + 1;
      }
    }
    // A string that goes on in the next chunk: copied, since the stream may reuse its buffer.
    if (this.needed === null || (this.needed[this.graph.stringCount] ?? STRING_SKIP) !== STRING_SKIP)
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
