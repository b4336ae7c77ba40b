// RFC 6455 frames as bytes (pure): a writer that can break every rule on purpose, and a reader for what a server sends.

import { randomBytes } from 'node:crypto';

/** Opcodes of RFC 6455 section 5.2; 0x3-0x7 and 0xB-0xF are reserved. */
export const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

/** Control frames carry at most this many payload bytes (RFC 6455 section 5.5). */
export const MAX_CONTROL_PAYLOAD = 125;

/** The largest length the 64-bit form may claim: its most significant bit must be 0 (section 5.2). */
export const LARGEST_LENGTH = 2n ** 63n - 1n;

/** What to write: every header field, right or wrong on purpose. */
export interface FrameSpec {
  /** Default true. */
  fin?: boolean;
  rsv1?: boolean;
  rsv2?: boolean;
  rsv3?: boolean;
  opcode: number;
  /** Default true: a client must mask every frame; false writes the payload in clear. */
  mask?: boolean;
  /** The 4-byte masking key; a random one when absent. */
  maskKey?: Buffer;
  payload?: Buffer | string;
  /** The length written in the header instead of the payload's, for a frame that claims more than it carries. */
  lengthOverride?: number | bigint;
}

/** The header of a frame (with its masking key, if masked) for a payload of `length` bytes. */
export function frameHeader(spec: FrameSpec, length: number | bigint, maskKey: Buffer | null): Buffer {
  const len = BigInt(length);
  if (len < 0n || len > 2n ** 64n - 1n) throw new RangeError(`a frame length must fit 64 bits, got ${len}`);
  const lengthBytes = len <= 125n ? 0 : len <= 0xffffn ? 2 : 8;
  const header = Buffer.alloc(2 + lengthBytes + (maskKey ? 4 : 0));
  header[0] =
    ((spec.fin ?? true) ? 0x80 : 0) | (spec.rsv1 ? 0x40 : 0) | (spec.rsv2 ? 0x20 : 0) | (spec.rsv3 ? 0x10 : 0) | (spec.opcode & 0x0f);
  const lengthField = lengthBytes === 0 ? Number(len) : lengthBytes === 2 ? 126 : 127;
  header[1] = (maskKey ? 0x80 : 0) | lengthField;
  if (lengthBytes === 2) header.writeUInt16BE(Number(len), 2);
  if (lengthBytes === 8) header.writeBigUInt64BE(len, 2);
  if (maskKey) maskKey.copy(header, 2 + lengthBytes, 0, 4);
  return header;
}

/** XORs `data` with the key as if it started `offset` bytes into the payload; returns a new buffer. */
export function maskBytes(data: Buffer, key: Buffer, offset = 0): Buffer {
  const out = Buffer.allocUnsafe(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i]! ^ key[(offset + i) & 3]!;
  return out;
}

/** One whole frame: header, masking key and (masked) payload. */
export function frame(spec: FrameSpec): Buffer {
  const payload = typeof spec.payload === 'string' ? Buffer.from(spec.payload, 'utf8') : (spec.payload ?? Buffer.alloc(0));
  const key = (spec.mask ?? true) ? (spec.maskKey ?? randomBytes(4)) : null;
  if (key && key.length !== 4) throw new RangeError(`a masking key has 4 bytes, got ${key.length}`);
  const header = frameHeader(spec, spec.lengthOverride ?? payload.length, key);
  return Buffer.concat([header, key ? maskBytes(payload, key) : payload]);
}

/** A close frame's payload: the code as 2 bytes, then the UTF-8 reason. */
export function closePayload(code: number, reason = ''): Buffer {
  const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
  payload.writeUInt16BE(code, 0);
  payload.write(reason, 2, 'utf8');
  return payload;
}

/** A valid close frame from a client. */
export function closeFrame(code: number, reason = '', maskKey?: Buffer): Buffer {
  return frame({ opcode: OPCODE.close, payload: closePayload(code, reason), ...(maskKey ? { maskKey } : {}) });
}

/** A valid ping from a client. */
export function pingFrame(payload: Buffer | string, maskKey?: Buffer): Buffer {
  return frame({ opcode: OPCODE.ping, payload, ...(maskKey ? { maskKey } : {}) });
}

/**
 * Text that is not UTF-8: "κόσμε" followed by ED A0 80, the encoding of the surrogate U+D800, which
 * UTF-8 forbids (RFC 3629 section 3; Autobahn case 6.4.x uses the same kind of sequence).
 */
export const INVALID_UTF8 = Buffer.concat([Buffer.from('κόσμε', 'utf8'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('edited', 'utf8')]);

/** The malformed frames of the hostile scenario, each breaking one rule of RFC 6455. */
export const malformed = {
  /** A text frame whose payload is not UTF-8: the server must fail with 1007 (section 8.1). */
  invalidUtf8Text: (maskKey?: Buffer): Buffer => frame({ opcode: OPCODE.text, payload: INVALID_UTF8, ...(maskKey ? { maskKey } : {}) }),
  /** RSV1-3 set although no extension was negotiated: fail the connection (section 5.2). */
  reservedBits: (maskKey?: Buffer): Buffer =>
    frame({ opcode: OPCODE.text, rsv1: true, rsv2: true, rsv3: true, payload: 'reserved', ...(maskKey ? { maskKey } : {}) }),
  /** Opcode 0x3, reserved for future non-control frames: fail the connection (section 5.2). */
  unknownOpcode: (maskKey?: Buffer): Buffer => frame({ opcode: 0x3, payload: 'opcode 3', ...(maskKey ? { maskKey } : {}) }),
  /** A client frame without a mask: the server must close the connection (section 5.1). */
  unmaskedText: (): Buffer => frame({ opcode: OPCODE.text, mask: false, payload: 'unmasked' }),
  /** A ping with FIN clear: control frames must not be fragmented (section 5.5). */
  fragmentedPing: (maskKey?: Buffer): Buffer =>
    frame({ opcode: OPCODE.ping, fin: false, payload: 'fragment', ...(maskKey ? { maskKey } : {}) }),
  /** A ping with 126 payload bytes (the 16-bit length form): more than a control frame may carry (section 5.5). */
  oversizedPing: (maskKey?: Buffer): Buffer =>
    frame({ opcode: OPCODE.ping, payload: Buffer.alloc(MAX_CONTROL_PAYLOAD + 1, 0x2a), ...(maskKey ? { maskKey } : {}) }),
  /** A continuation frame with no message started: fail the connection (section 5.4). */
  orphanContinuation: (maskKey?: Buffer): Buffer =>
    frame({ opcode: OPCODE.continuation, payload: 'orphan', ...(maskKey ? { maskKey } : {}) }),
  /** A close frame with code 999, outside every range section 7.4 allows. */
  invalidCloseCode: (maskKey?: Buffer): Buffer => closeFrame(999, '', maskKey),
  /** Only the header of a binary frame claiming 2^63 - 1 bytes: no server can buffer that (section 10.4). */
  hugeLengthHeader: (maskKey?: Buffer): Buffer => frameHeader({ opcode: OPCODE.binary }, LARGEST_LENGTH, maskKey ?? randomBytes(4)),
} as const;

/** A frame as the reader saw it. Payloads beyond the reader's `keepBytes` are counted, not kept. */
export interface ReadFrame {
  fin: boolean;
  /** RSV1-3 as a 3-bit number (4 = RSV1). */
  rsv: number;
  opcode: number;
  masked: boolean;
  /** The payload length the header claimed (and that was read). */
  length: number;
  /** The payload, unmasked, cut at `keepBytes`. */
  payload: Buffer;
}

/** What a close frame said. */
export interface CloseInfo {
  /** 1005 when the close frame carried no code (section 7.1.5). */
  code: number;
  reason: string;
}

/** The code and reason of a close frame's payload. */
export function parseClosePayload(payload: Buffer): CloseInfo {
  if (payload.length < 2) return { code: 1005, reason: '' };
  return { code: payload.readUInt16BE(0), reason: payload.subarray(2).toString('utf8') };
}

type Header = { fin: boolean; rsv: number; opcode: number; masked: boolean; length: number; maskKey: Buffer | null; size: number };

/** Parses a frame header at the start of `data`: null when more bytes are needed. */
export function parseHeader(data: Buffer): Header | null {
  if (data.length < 2) return null;
  const b0 = data[0]!;
  const b1 = data[1]!;
  const masked = (b1 & 0x80) !== 0;
  let length = b1 & 0x7f;
  let size = 2;
  if (length === 126) {
    if (data.length < 4) return null;
    length = data.readUInt16BE(2);
    size = 4;
  } else if (length === 127) {
    if (data.length < 10) return null;
    const big = data.readBigUInt64BE(2);
    if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`a frame claims ${big} bytes`);
    length = Number(big);
    size = 10;
  }
  if (masked && data.length < size + 4) return null;
  const maskKey = masked ? Buffer.from(data.subarray(size, size + 4)) : null;
  if (masked) size += 4;
  return { fin: (b0 & 0x80) !== 0, rsv: (b0 >> 4) & 0x7, opcode: b0 & 0x0f, masked, length, maskKey, size };
}

const EMPTY = Buffer.alloc(0);

/**
 * Reads frames from a byte stream that arrives in arbitrary pieces. Keeps at most `keepBytes` of each
 * payload, so a server echoing a 16 MiB message costs the reader nothing. After a header it cannot
 * read (a length beyond 2^53), `error` is set and the rest of the stream is ignored.
 */
export class FrameReader {
  /** Why the stream stopped being readable; null while it reads. */
  error: string | null = null;
  /** Payload bytes of data frames (text, binary, continuation) seen so far, kept or not. */
  dataBytes = 0;
  private head: Buffer = EMPTY;
  private current: (Header & { remaining: number; kept: Buffer[]; keptBytes: number }) | null = null;

  constructor(private readonly keepBytes = 4096) {}

  /** Feeds the next piece of the stream; returns the frames it completed. */
  push(chunk: Buffer): ReadFrame[] {
    const frames: ReadFrame[] = [];
    let data = this.head.length > 0 ? Buffer.concat([this.head, chunk]) : chunk;
    this.head = EMPTY;
    while (this.error === null) {
      if (!this.current) {
        if (data.length === 0) break;
        let header: Header | null;
        try {
          header = parseHeader(data);
        } catch (err) {
          this.error = (err as Error).message;
          break;
        }
        if (!header) {
          this.head = Buffer.from(data);
          break;
        }
        this.current = { ...header, remaining: header.length, kept: [], keptBytes: 0 };
        data = data.subarray(header.size);
      }
      const current = this.current;
      const take = Math.min(current.remaining, data.length);
      const keep = Math.min(take, this.keepBytes - current.keptBytes);
      if (keep > 0) {
        const offset = current.length - current.remaining;
        const piece = data.subarray(0, keep);
        current.kept.push(current.maskKey ? maskBytes(piece, current.maskKey, offset) : Buffer.from(piece));
        current.keptBytes += keep;
      }
      if (current.opcode < 0x8) this.dataBytes += take;
      current.remaining -= take;
      data = data.subarray(take);
      if (current.remaining > 0) break;
      const { fin, rsv, opcode, masked, length, kept } = current;
      frames.push({ fin, rsv, opcode, masked, length, payload: Buffer.concat(kept) });
      this.current = null;
    }
    return frames;
  }
}
