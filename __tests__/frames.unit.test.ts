// Frame bytes checked by hand against RFC 6455 (section 5.2's bit layout and section 5.7's examples), the reader
// fed in every possible split, and the opening handshake's text (section 1.3's key example).

import { describe, expect, it } from 'vitest';
import {
  INVALID_UTF8,
  LARGEST_LENGTH,
  OPCODE,
  FrameReader,
  closeFrame,
  frame,
  frameHeader,
  malformed,
  maskBytes,
  parseClosePayload,
  pingFrame,
} from '../src/client/frames.js';
import { acceptFor, handshakeProblem, parseResponseHead, upgradeRequest } from '../src/client/handshake.js';

/** The masking key of RFC 6455 section 5.7's examples. */
const KEY = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);
const hex = (b: Buffer): string => b.toString('hex');
/** The payload of a masked client frame whose header is `headerSize` bytes long (key included). */
const unmasked = (f: Buffer, headerSize: number): Buffer => maskBytes(f.subarray(headerSize), f.subarray(headerSize - 4, headerSize));

describe('frame writer: the examples of RFC 6455 section 5.7', () => {
  it('a single-frame unmasked text message "Hello"', () => {
    expect(hex(frame({ opcode: OPCODE.text, mask: false, payload: 'Hello' }))).toBe('810548656c6c6f');
  });

  it('a single-frame masked text message "Hello"', () => {
    expect(hex(frame({ opcode: OPCODE.text, maskKey: KEY, payload: 'Hello' }))).toBe('818537fa213d7f9f4d5158');
  });

  it('a fragmented unmasked text message', () => {
    expect(hex(frame({ opcode: OPCODE.text, fin: false, mask: false, payload: 'Hel' }))).toBe('010348656c');
    expect(hex(frame({ opcode: OPCODE.continuation, mask: false, payload: 'lo' }))).toBe('80026c6f');
  });

  it('an unmasked ping and a masked pong, "Hello" each', () => {
    expect(hex(frame({ opcode: OPCODE.ping, mask: false, payload: 'Hello' }))).toBe('890548656c6c6f');
    expect(hex(frame({ opcode: OPCODE.pong, maskKey: KEY, payload: 'Hello' }))).toBe('8a8537fa213d7f9f4d5158');
  });

  it('256 bytes and 64 KiB of binary data in the 16-bit and the 64-bit length forms', () => {
    expect(hex(frame({ opcode: OPCODE.binary, mask: false, payload: Buffer.alloc(256) }).subarray(0, 4))).toBe('827e0100');
    expect(hex(frame({ opcode: OPCODE.binary, mask: false, payload: Buffer.alloc(65536) }).subarray(0, 10))).toBe('827f0000000000010000');
  });
});

describe('frame writer: lengths at the boundaries of the three forms', () => {
  const cases: Array<[number, string]> = [
    [0, '8200'],
    [125, '827d'],
    [126, '827e007e'],
    [65535, '827effff'],
    [65536, '827f0000000000010000'],
  ];
  for (const [length, expected] of cases) {
    it(`${length} bytes`, () => {
      const header = frameHeader({ opcode: OPCODE.binary }, length, null);
      expect(hex(header)).toBe(expected);
    });
  }

  it('the mask bit and the key follow the length', () => {
    expect(hex(frameHeader({ opcode: OPCODE.binary }, 126, KEY))).toBe('82fe007e37fa213d');
  });

  it('lengthOverride writes a claim the payload does not keep', () => {
    expect(hex(frame({ opcode: OPCODE.binary, mask: false, payload: 'ab', lengthOverride: 1000 }))).toBe('827e03e86162');
  });

  it('refuses lengths beyond 64 bits and keys that are not 4 bytes', () => {
    expect(() => frameHeader({ opcode: OPCODE.binary }, 2n ** 64n, null)).toThrow(RangeError);
    expect(() => frame({ opcode: OPCODE.text, maskKey: Buffer.alloc(3) })).toThrow(RangeError);
  });
});

describe('the malformed frames, bit by bit', () => {
  it('invalid UTF-8: a final masked text frame whose payload a fatal decoder rejects at ED A0 80', () => {
    const f = malformed.invalidUtf8Text(KEY);
    expect(f[0]).toBe(0x81);
    expect(f[1]).toBe(0x80 | INVALID_UTF8.length);
    const payload = unmasked(f, 6);
    expect(payload.equals(INVALID_UTF8)).toBe(true);
    expect(hex(payload)).toContain('eda080');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(payload)).toThrow(TypeError);
  });

  it('reserved bits: RSV1, RSV2 and RSV3 set on a final text frame (0x80 | 0x70 | 0x1)', () => {
    const f = malformed.reservedBits(KEY);
    expect(f[0]).toBe(0xf1);
    expect(unmasked(f, 6).toString()).toBe('reserved');
  });

  it('unknown opcode: 0x3 on a final frame', () => {
    expect(malformed.unknownOpcode(KEY)[0]).toBe(0x83);
  });

  it('unmasked: MASK bit clear, no key, the payload in clear', () => {
    const f = malformed.unmaskedText();
    expect(f[1]! & 0x80).toBe(0);
    expect(f.subarray(2).toString()).toBe('unmasked');
  });

  it('fragmented control: a ping (0x9) with FIN clear', () => {
    const f = malformed.fragmentedPing(KEY);
    expect(f[0]).toBe(0x09);
    expect(unmasked(f, 6).toString()).toBe('fragment');
  });

  it('oversized control: a final ping of 126 bytes, so in the 16-bit length form', () => {
    const f = malformed.oversizedPing(KEY);
    expect(hex(f.subarray(0, 8))).toBe('89fe007e37fa213d');
    expect(f.length).toBe(2 + 2 + 4 + 126);
  });

  it('continuation without a start: opcode 0 with FIN set', () => {
    expect(malformed.orphanContinuation(KEY)[0]).toBe(0x80);
  });

  it('invalid close code: a close frame whose payload is 999 (0x03e7), below every allowed range', () => {
    const f = malformed.invalidCloseCode(KEY);
    expect(hex(f.subarray(0, 2))).toBe('8882');
    expect(hex(unmasked(f, 6))).toBe('03e7');
  });

  it('huge length claim: only a 14-byte header, 64-bit form, 2^63 - 1 (most significant bit clear)', () => {
    const f = malformed.hugeLengthHeader(KEY);
    expect(hex(f)).toBe('82ff7fffffffffffffff37fa213d');
    expect(f.readBigUInt64BE(2)).toBe(LARGEST_LENGTH);
  });

  it('a random masking key when none is given', () => {
    const a = pingFrame('x');
    const b = pingFrame('x');
    expect(a[1]).toBe(0x81);
    expect(unmasked(a, 6).toString()).toBe('x');
    // 1 in 2^32 to be equal by chance.
    expect(a.subarray(2, 6).equals(b.subarray(2, 6))).toBe(false);
  });
});

describe('frame reader', () => {
  /** What a server might send: a text frame, a pong, a 300-byte binary frame and a close with a reason. */
  const stream = Buffer.concat([
    frame({ opcode: OPCODE.text, mask: false, payload: 'hi' }),
    frame({ opcode: OPCODE.pong, mask: false, payload: 'p1' }),
    frame({ opcode: OPCODE.binary, mask: false, payload: Buffer.alloc(300, 7) }),
    frame({ opcode: OPCODE.close, mask: false, payload: Buffer.from([0x03, 0xea, 0x62, 0x61, 0x64]) }),
  ]);
  const summary = (frames: ReturnType<FrameReader['push']>) => frames.map((f) => `${f.opcode}:${f.length}:${f.payload.length}`);

  it('reads the same four frames however the stream is split in two', () => {
    const whole = summary(new FrameReader().push(stream));
    expect(whole).toEqual(['1:2:2', '10:2:2', '2:300:300', '8:5:5']);
    for (let at = 0; at <= stream.length; at++) {
      const reader = new FrameReader();
      const frames = [...reader.push(stream.subarray(0, at)), ...reader.push(stream.subarray(at))];
      expect(summary(frames), `split at ${at}`).toEqual(whole);
    }
  });

  it('reads it fed one byte at a time, and the close frame says 1002 "bad"', () => {
    const reader = new FrameReader();
    const frames = [...stream].flatMap((byte) => reader.push(Buffer.from([byte])));
    expect(summary(frames)).toEqual(['1:2:2', '10:2:2', '2:300:300', '8:5:5']);
    expect(parseClosePayload(frames[3]!.payload)).toEqual({ code: 1002, reason: 'bad' });
    expect(reader.dataBytes).toBe(302);
  });

  it('keeps at most keepBytes of a payload and counts the rest', () => {
    const reader = new FrameReader(10);
    const big = frame({ opcode: OPCODE.binary, mask: false, payload: Buffer.alloc(70_000, 1) });
    const frames = [...reader.push(big.subarray(0, 30_000)), ...reader.push(big.subarray(30_000))];
    expect(frames).toHaveLength(1);
    expect(frames[0]).toMatchObject({ length: 70_000, fin: true });
    expect(frames[0]!.payload.length).toBe(10);
    expect(reader.dataBytes).toBe(70_000);
  });

  it('unmasks a masked frame (servers must not mask, but the reader does not choke on it)', () => {
    const [f] = new FrameReader().push(frame({ opcode: OPCODE.text, maskKey: KEY, payload: 'Hello' }));
    expect(f).toMatchObject({ masked: true, opcode: OPCODE.text });
    expect(f!.payload.toString()).toBe('Hello');
  });

  it('reports RSV bits and a FIN-less frame as they are', () => {
    const [f] = new FrameReader().push(frame({ opcode: OPCODE.text, fin: false, rsv1: true, mask: false, payload: 'x' }));
    expect(f).toMatchObject({ fin: false, rsv: 4 });
  });

  it('stops at a length it cannot hold, and says why', () => {
    const reader = new FrameReader();
    expect(reader.push(malformed.hugeLengthHeader(KEY))).toEqual([]);
    expect(reader.error).toMatch(/claims 9223372036854775807 bytes/);
    expect(reader.push(frame({ opcode: OPCODE.text, mask: false, payload: 'x' }))).toEqual([]);
  });

  it('a close frame without a payload is code 1005', () => {
    expect(parseClosePayload(Buffer.alloc(0))).toEqual({ code: 1005, reason: '' });
    expect(parseClosePayload(unmasked(closeFrame(1000, 'bye', KEY), 6))).toEqual({ code: 1000, reason: 'bye' });
  });
});

describe('opening handshake text', () => {
  it('computes the Sec-WebSocket-Accept of RFC 6455 section 1.3', () => {
    expect(acceptFor('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('writes the request line with path and query, the required headers, subprotocols and the user headers', () => {
    const text = upgradeRequest('ws://127.0.0.1:8080/socket.io/?EIO=4&transport=websocket', 'a2V5', ['chat', 'v2'], {
      Authorization: 'Bearer t',
    });
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('GET /socket.io/?EIO=4&transport=websocket HTTP/1.1');
    expect(lines).toContain('Host: 127.0.0.1:8080');
    expect(lines).toContain('Upgrade: websocket');
    expect(lines).toContain('Connection: Upgrade');
    expect(lines).toContain('Sec-WebSocket-Key: a2V5');
    expect(lines).toContain('Sec-WebSocket-Version: 13');
    expect(lines).toContain('Sec-WebSocket-Protocol: chat, v2');
    expect(lines).toContain('Authorization: Bearer t');
    expect(text.endsWith('\r\n\r\n')).toBe(true);
    expect(upgradeRequest('wss://[::1]:9/', 'k', [], {})).not.toContain('Sec-WebSocket-Protocol');
  });

  const response = (status: string, headers: string[]): Buffer =>
    Buffer.from(`HTTP/1.1 ${status}\r\n${headers.join('\r\n')}\r\n\r\n`, 'latin1');
  const good = (accept: string, extra: string[] = []): Buffer =>
    response('101 Switching Protocols', ['Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${accept}`, ...extra]);
  const key = 'dGhlIHNhbXBsZSBub25jZQ==';

  it('waits for the blank line, then keeps what follows it as frames', () => {
    const bytes = Buffer.concat([good(acceptFor(key)), Buffer.from([0x81, 0x00])]);
    expect(parseResponseHead(bytes.subarray(0, 20))).toBeNull();
    const head = parseResponseHead(bytes)!;
    expect(head.status).toBe(101);
    expect(hex(head.rest)).toBe('8100');
    expect(handshakeProblem(head, key, [])).toBeNull();
  });

  it('judges what does not complete the handshake', () => {
    expect(handshakeProblem(parseResponseHead(good('wrong'))!, key, [])).toMatch(/Accept does not match/);
    expect(handshakeProblem(parseResponseHead(response('403 Forbidden', []))!, key, [])).toBe('HTTP 403 instead of 101');
    expect(handshakeProblem(parseResponseHead(good(acceptFor(key), ['Sec-WebSocket-Protocol: x']))!, key, ['y'])).toMatch(/not offered/);
    expect(handshakeProblem(parseResponseHead(good(acceptFor(key), ['Sec-WebSocket-Protocol: y']))!, key, ['x', 'y'])).toBeNull();
  });

  it('joins repeated headers and throws on what is not HTTP', () => {
    const head = parseResponseHead(response('200 OK', ['Via: a', 'via: b']))!;
    expect(head.headers['via']).toBe('a, b');
    expect(() => parseResponseHead(Buffer.from('SSH-2.0-OpenSSH\r\n'))).toThrow(/did not answer HTTP/);
    expect(() => parseResponseHead(Buffer.from('HTTP/1.1 abc\r\n\r\n'))).toThrow(/not an HTTP status line/);
  });
});

describe('FrameReader without keeping payloads (the dead-peers scenario reads what the proxy swallows)', () => {
  it('finds the close frame behind a large message, whatever the chunk boundaries', () => {
    const stream = Buffer.concat([
      frame({ opcode: OPCODE.ping, mask: false, payload: Buffer.alloc(4) }),
      frame({ opcode: OPCODE.text, mask: false, payload: Buffer.alloc(70_000, 1) }),
      frame({ opcode: OPCODE.close, mask: false, payload: Buffer.from([0x03, 0xe8]) }),
    ]);
    for (const size of [1, 3, 1000, stream.length]) {
      const reader = new FrameReader(0);
      const opcodes: number[] = [];
      for (let offset = 0; offset < stream.length; offset += size)
        opcodes.push(...reader.push(stream.subarray(offset, offset + size)).map((f) => f.opcode));
      expect(opcodes, `chunks of ${size}`).toEqual([OPCODE.ping, OPCODE.text, OPCODE.close]);
    }
  });
});
