// The registry of hostile cases: one line each, in the order they run. The scenario knows cases only through it.

import type { HostileCaseId } from '../../model/hostile.js';
import type { HostileCase } from './case.js';
import {
  binaryMessage,
  fragmentedControl,
  hugeLengthClaim,
  invalidCloseCode,
  invalidUtf8,
  orphanContinuation,
  oversizedControl,
  reservedBits,
  unknownOpcode,
  unmaskedFrame,
} from './malformed-frames.js';
import { oversizedMessage } from './oversized-message.js';
import { pingFlood } from './ping-flood.js';
import { garbageHandshake, slowHandshake } from './stalled-handshakes.js';

/**
 * Every case by id. The ids (and their order) are the Report's vocabulary, in model/hostile.ts: a case missing
 * here, or one the model does not name, is a type error.
 */
export const HOSTILE_CASES: Readonly<Record<HostileCaseId, HostileCase>> = {
  'invalid-utf8': invalidUtf8,
  'reserved-bits': reservedBits,
  'unknown-opcode': unknownOpcode,
  'unmasked-frame': unmaskedFrame,
  'fragmented-control': fragmentedControl,
  'oversized-control': oversizedControl,
  'orphan-continuation': orphanContinuation,
  'invalid-close-code': invalidCloseCode,
  'binary-message': binaryMessage,
  'oversized-message': oversizedMessage,
  'huge-length-claim': hugeLengthClaim,
  'ping-flood': pingFlood,
  'slow-handshake': slowHandshake,
  'garbage-handshake': garbageHandshake,
};

export type { CaseObservation, HostileCase, HostileSpec } from './case.js';
