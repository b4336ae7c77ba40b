// The adapters by id, the `protocol` setting's values, and a target that offers an adapter's subprotocols.

import type { ProtocolChoice } from '../../model/protocol.js';
import type { Target } from '../connection.js';
import type { ProtocolAdapter, ProtocolId } from './adapter.js';
import { graphqlWs } from './graphql-ws.js';
import { raw } from './raw.js';
import { socketIo } from './socket-io.js';

/** Every adapter, by id. Adding a protocol = one file and one line here. */
export const ADAPTERS: Readonly<Record<ProtocolId, ProtocolAdapter>> = {
  raw,
  'socket.io': socketIo,
  'graphql-ws': graphqlWs,
};

/** The adapter of `id`. */
export function adapterFor(id: ProtocolId): ProtocolAdapter {
  return ADAPTERS[id];
}

/** The adapter of an explicit `protocol` choice; null for `auto` (call detectProtocol). */
export function chosenAdapter(choice: ProtocolChoice): ProtocolAdapter | null {
  return choice === 'auto' ? null : ADAPTERS[choice];
}

/** Subprotocols some adapter offers: what auto-detection tries on a server that wants one. */
export function knownSubprotocols(): string[] {
  return [...new Set(Object.values(ADAPTERS).flatMap((a) => a.subprotocols))];
}

/** `target` offering the adapter's subprotocols after the user's own (no duplicates). */
export function targetFor(target: Target, adapter: ProtocolAdapter): Target {
  const subprotocols = [...new Set([...target.subprotocols, ...adapter.subprotocols])];
  return subprotocols.length === target.subprotocols.length ? target : { ...target, subprotocols };
}
