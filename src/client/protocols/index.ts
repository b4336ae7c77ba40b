// The protocol adapters' public face: the registry, auto-detection and the session that speaks through an adapter.

export type { OpeningExchange, Probe, ProtocolAdapter, ProtocolId } from './adapter.js';
export { detectProtocol, type Detection } from './detect.js';
export { ADAPTERS, adapterFor, chosenAdapter, knownSubprotocols, targetFor } from './registry.js';
export { PROTOCOL_CHOICES, type ProtocolChoice } from '../../model/protocol.js';
export { ProtocolSession, closeText, type SessionClose } from './session.js';
