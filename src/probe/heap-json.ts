// The bytes of JSON the heap snapshot reader looks for, and a scanner that follows one JSON value of any shape to
// its end, keeping it or not, across chunks.

export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;
export const COLON = 0x3a;
export const COMMA = 0x2c;
export const ZERO = 0x30;
export const NINE = 0x39;

/** Follows a value from its first byte to its end; `keep`: its text is kept (the `snapshot` section's meta). */
export class ValueScanner {
  /** The value ended. */
  done = false;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private readonly kept: Buffer[] | null;

  constructor(keep: boolean) {
    this.kept = keep ? [] : null;
  }

  /** The value's text when kept, once done; null when not kept. */
  captured(): string | null {
    return this.kept === null ? null : Buffer.concat(this.kept).toString('utf8');
  }

  /** Reads from `i`; returns where it stopped: the end of the chunk, or just after the value (a scalar's separator is left). */
  read(buf: Buffer, i: number): number {
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
        if (this.depth === 0) return this.end(buf, start, i + 1);
      } else if (this.depth === 0 && (c === COMMA || c === CLOSE_BRACE)) {
        // A scalar value at the top level ends at the next separator, which belongs to the top level.
        return this.end(buf, start, i);
      }
    }
    this.kept?.push(Buffer.from(buf.subarray(start, n)));
    return n;
  }

  private end(buf: Buffer, start: number, end: number): number {
    this.kept?.push(Buffer.from(buf.subarray(start, end)));
    this.done = true;
    return end;
  }
}
