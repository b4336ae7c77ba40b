// The protocol input's choices: `auto` (detected from what the server does) or the id of an adapter the client
// speaks (src/client/protocols/). Here, below both, so the client need not read the configuration's types.

export const PROTOCOL_CHOICES = ['auto', 'raw', 'socket.io', 'graphql-ws'] as const;
export type ProtocolChoice = (typeof PROTOCOL_CHOICES)[number];

/** The subprotocol of the graphql-ws library (not the older subscriptions-transport-ws `graphql-ws`). */
export const GRAPHQL_TRANSPORT_WS = 'graphql-transport-ws';
