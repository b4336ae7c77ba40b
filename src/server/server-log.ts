// Captures what the server prints: everything to a log file, the last lines in memory for the report.

import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';

const MAX_LINE_CHARS = 4096;

export class ServerLog {
  private readonly lines: string[] = [];
  private partial = '';
  private readonly file: WriteStream;

  constructor(
    readonly path: string,
    private readonly keepLines = 200,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    // Only the user's: a server's output can hold what its snapshots would (tokens, user data).
    this.file = createWriteStream(path, { flags: 'w', mode: 0o600 });
    // A full disk must not crash the gate; the in-memory tail still works.
    this.file.on('error', () => {});
  }

  /** Feeds a stream of the server's output into the log. */
  attach(stream: Readable | null): void {
    stream?.on('data', (chunk: Buffer) => this.write(chunk));
  }

  write(chunk: Buffer | string): void {
    this.file.write(chunk);
    const parts = (this.partial + chunk.toString('utf8')).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    if (this.partial.length > MAX_LINE_CHARS) {
      this.push(this.partial);
      this.partial = '';
    }
    for (const line of parts) this.push(line);
  }

  private push(line: string): void {
    this.lines.push(line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}… [line cut]` : line);
    if (this.lines.length > this.keepLines) this.lines.shift();
  }

  /** The last lines printed, including an unfinished last line. */
  tail(n = this.keepLines): string[] {
    const all = this.partial === '' ? this.lines : [...this.lines, this.partial];
    return all.slice(-n);
  }

  /** Flushes and closes the file. */
  close(): Promise<void> {
    return new Promise((resolve) => this.file.end(resolve));
  }
}
