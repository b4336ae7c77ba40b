// The single-frame cases: one frame that breaks one rule of RFC 6455 (or, for binary-message, a valid frame a
// text-only handler may not expect), then a ping whose pong shows the server read past it.

import { frame, malformed, OPCODE } from '../../client/frames.js';
import { now } from '../../model/clock.js';
import type { HostileCaseId } from '../../model/hostile.js';
import { closedOrDropped, closedWith, type CaseObservation, type FrameCase } from './case.js';
import { awaitReaction } from './reaction.js';

/**
 * A case that writes `bytes` and waits for the reaction. `probe` false: nothing may follow the frame (a close
 * frame), or a ping would only be read as more payload (a length claim).
 */
function singleFrame(
  id: HostileCaseId,
  title: string,
  expected: string,
  bytes: () => Buffer,
  matchesRfc: (o: CaseObservation) => boolean,
  probe = true,
): FrameCase {
  return {
    id,
    kind: 'frame',
    title,
    expected,
    matchesRfc,
    async run(raw, { timeoutMs, signal }) {
      const start = now();
      raw.write(bytes());
      return awaitReaction(raw, start, probe, timeoutMs, signal);
    },
  };
}

/** Where the RFC names 1002: failing the connection without a close frame is only a SHOULD (7.1.7), so a drop is a mismatch. */
const close1002 = (o: CaseObservation): boolean => closedWith(o, 1002);

export const invalidUtf8 = singleFrame(
  'invalid-utf8',
  'text frame with invalid UTF-8',
  'close 1007 (section 8.1)',
  () => malformed.invalidUtf8Text(),
  (o) => closedWith(o, 1007),
);
export const reservedBits = singleFrame(
  'reserved-bits',
  'RSV1-3 set without an extension',
  'close 1002 (section 5.2)',
  () => malformed.reservedBits(),
  close1002,
);
export const unknownOpcode = singleFrame(
  'unknown-opcode',
  'reserved opcode 0x3',
  'close 1002 (section 5.2)',
  () => malformed.unknownOpcode(),
  close1002,
);
// "MUST close the connection", and "MAY send a Close frame with a status code of 1002": any close meets the MUST
// (faye-websocket closes with 1003; the code is in the case's details).
export const unmaskedFrame = singleFrame(
  'unmasked-frame',
  'unmasked client frame',
  'close (1002 suggested) or drop (section 5.1)',
  () => malformed.unmaskedText(),
  closedOrDropped,
);
export const fragmentedControl = singleFrame(
  'fragmented-control',
  'ping with FIN clear',
  'close 1002 (section 5.5)',
  () => malformed.fragmentedPing(),
  close1002,
);
export const oversizedControl = singleFrame(
  'oversized-control',
  'ping with 126 payload bytes',
  'close 1002 (section 5.5)',
  () => malformed.oversizedPing(),
  close1002,
);
export const orphanContinuation = singleFrame(
  'orphan-continuation',
  'continuation without a start',
  'close 1002 (section 5.4)',
  () => malformed.orphanContinuation(),
  close1002,
);
export const invalidCloseCode = singleFrame(
  'invalid-close-code',
  'close frame with code 999',
  'close 1002 (section 7.4)',
  () => malformed.invalidCloseCode(),
  close1002,
  false,
);
/**
 * A valid binary message of four bytes. RFC 6455 lets a text-only endpoint refuse it with 1003 (7.4.1); a handler
 * that reads only text and fails on it (FastAPI's `receive_text()` raises KeyError 'text') shows as a 1011 or a
 * drop here, and as a broken session after it.
 */
export const binaryMessage = singleFrame(
  'binary-message',
  'binary message (4 bytes)',
  'take it, or close 1003 if only text is accepted (section 7.4.1)',
  () => frame({ opcode: OPCODE.binary, payload: Buffer.from([0x00, 0xff, 0x10, 0x80]) }),
  (o) => o.outcome === 'kept-open' || (o.outcome === 'closed' && o.code !== 1011 && o.code !== 1006),
);
export const hugeLengthClaim = singleFrame(
  'huge-length-claim',
  'header claiming 2^63 - 1 bytes',
  'close 1009 or drop (section 10.4)',
  () => malformed.hugeLengthHeader(),
  closedOrDropped,
  false,
);
