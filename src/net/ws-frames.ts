// Reads the opcodes of WebSocket frames from a byte stream that starts at a frame boundary (pure), so the proxy
// can tell a close frame in traffic it swallows from a ping.

export const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

/** Tracks frame boundaries across chunks: feed it bytes, get the opcodes of the frames whose header it completed. */
export class FrameScanner {
  /** Bytes of the current frame still to skip (its payload). */
  private skip = 0;
  /** A header cut between two chunks. */
  private partial: Buffer = Buffer.alloc(0);

  /** Opcodes of the frames whose header is in `chunk` (or completed by it), in order. */
  push(chunk: Buffer): number[] {
    const opcodes: number[] = [];
    let data = this.partial.length > 0 ? Buffer.concat([this.partial, chunk]) : chunk;
    this.partial = Buffer.alloc(0);
    for (;;) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, data.length);
        this.skip -= n;
        data = data.subarray(n);
      }
      if (data.length === 0) return opcodes;
      const header = frameHeader(data);
      if (header === null) {
        this.partial = Buffer.from(data);
        return opcodes;
      }
      opcodes.push(header.opcode);
      data = data.subarray(header.headerBytes);
      this.skip = header.payloadBytes;
    }
  }
}

/** Opcode, header size and payload size of the frame at the start of `data`; null when the header is incomplete. */
export function frameHeader(data: Buffer): { opcode: number; headerBytes: number; payloadBytes: number } | null {
  if (data.length < 2) return null;
  const opcode = data[0]! & 0x0f;
  const masked = (data[1]! & 0x80) !== 0;
  const len7 = data[1]! & 0x7f;
  let headerBytes = 2;
  let payloadBytes = len7;
  if (len7 === 126) {
    if (data.length < 4) return null;
    payloadBytes = data.readUInt16BE(2);
    headerBytes = 4;
  } else if (len7 === 127) {
    if (data.length < 10) return null;
    payloadBytes = Number(data.readBigUInt64BE(2));
    headerBytes = 10;
  }
  if (masked) headerBytes += 4;
  if (data.length < headerBytes) return null;
  return { opcode, headerBytes, payloadBytes };
}
