// The raw adapter: plain WebSocket messages, no opening exchange, no keep-alive of its own.

import type { ProtocolAdapter } from './adapter.js';

/** Plain WebSocket: recovery sends the configured message and judges it by `expect`. */
export const raw: ProtocolAdapter = {
  id: 'raw',
  subprotocols: [],
  opening: null,
  keepAlive: () => null,
  probe: null,
};
