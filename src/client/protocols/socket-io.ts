// The Socket.IO adapter: Engine.IO v4 on its WebSocket transport, the default namespace, Engine.IO heartbeats.

import { jsonObject, type ProtocolAdapter } from './adapter.js';

/**
 * The namespace recovery asks for. A stock server answers a connect to a namespace it does not know with a
 * connect error (`44/ns,{"message":"Invalid namespace"}`), and one with dynamic namespaces with a connect
 * (`40/ns,{"sid":...}`): either reply comes from the Socket.IO layer itself and runs none of the application's
 * handlers. An event with an ack id (`421["x"]`) would not do: a server without a handler for it never acks.
 */
export const PROBE_NAMESPACE = '/ws-resilience-gate';

/** Engine.IO's open packet: `0` followed by the handshake JSON with the session id and heartbeat settings. */
export function isEngineIoOpen(text: string): boolean {
  if (!text.startsWith('0{')) return false;
  const open = jsonObject(text.slice(1));
  return open !== null && typeof open.sid === 'string' && typeof open.pingInterval === 'number';
}

/** Socket.IO v4 over Engine.IO v4 (URL `/socket.io/?EIO=4&transport=websocket`). */
export const socketIo: ProtocolAdapter = {
  id: 'socket.io',
  subprotocols: [],
  opening: {
    greeting: { describe: 'the Engine.IO open packet 0{"sid":…}', matches: isEngineIoOpen },
    send: '40',
    ack: { describe: 'the connect ack 40{"sid":…} of the default namespace', matches: (text) => /^40\{/.test(text) },
    refusal: (text) => (/^44(\{|$)/.test(text) ? `the default namespace refused the connection: ${text.slice(2, 200)}` : null),
  },
  // Engine.IO v4: the server pings (`2`), the client must pong (`3`) within pingTimeout or be dropped.
  keepAlive: (text) => (text === '2' ? '3' : null),
  probe: {
    message: `40${PROBE_NAMESPACE},`,
    describe: `a connect to namespace ${PROBE_NAMESPACE} (40${PROBE_NAMESPACE},), answered by its connect or connect error`,
    answers: (reply) => reply.startsWith(`40${PROBE_NAMESPACE},`) || reply.startsWith(`44${PROBE_NAMESPACE},`),
    // A server with dynamic namespaces connected us: leave the namespace, or the next probe is a duplicate connect,
    // which Socket.IO answers by closing the whole connection.
    after: (reply) => (reply.startsWith(`40${PROBE_NAMESPACE},`) ? `41${PROBE_NAMESPACE},` : null),
  },
};
