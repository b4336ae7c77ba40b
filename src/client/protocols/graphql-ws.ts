// The graphql-ws adapter: the graphql-transport-ws subprotocol, connection_init/ack, ping/pong messages.

import { GRAPHQL_TRANSPORT_WS } from '../../model/protocol.js';
import { jsonObject, type ProtocolAdapter } from './adapter.js';

export { GRAPHQL_TRANSPORT_WS };

/** The `type` of a graphql-transport-ws message, or null when `text` is not one. */
export function messageType(text: string): string | null {
  const message = jsonObject(text);
  return message && typeof message.type === 'string' ? message.type : null;
}

/** graphql-ws: the protocol's own ping is answered by the server with a pong, no schema needed. */
export const graphqlWs: ProtocolAdapter = {
  id: 'graphql-ws',
  subprotocols: [GRAPHQL_TRANSPORT_WS],
  opening: {
    send: JSON.stringify({ type: 'connection_init' }),
    ack: { describe: 'connection_ack', matches: (text) => messageType(text) === 'connection_ack' },
  },
  keepAlive: (text) => (messageType(text) === 'ping' ? JSON.stringify({ type: 'pong' }) : null),
  probe: {
    message: JSON.stringify({ type: 'ping', payload: { from: 'ws-resilience-gate' } }),
    describe: 'a graphql-ws ping message, answered by a pong message',
    answers: (reply) => messageType(reply) === 'pong',
  },
};
