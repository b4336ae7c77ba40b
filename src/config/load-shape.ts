// The run's load as the Artillery export needs it: the settings of flapping and leak, the session, what connects.

import type { LoadShape } from '../model/session.js';
import type { Config } from './types.js';

/** The load `config` prescribes (header values left out: they are secrets). */
export function loadShapeOf(config: Config): LoadShape {
  const on = (id: 'flapping' | 'leak'): boolean => config.scenarios.includes(id);
  return {
    flapping: on('flapping') ? { cycles: config.flapping.cycles } : null,
    leak: on('leak') ? { clients: config.leak.clients, cycles: config.leak.cycles, abruptRatio: config.leak.abruptRatio } : null,
    holdMs: config.flapping.holdMs,
    pauseMs: config.flapping.pauseMs,
    closeTimeoutMs: config.client.closeTimeoutMs,
    subprotocols: config.client.subprotocols,
    headerNames: Object.keys(config.client.headers),
    protocolChoice: config.client.protocol,
    session: config.client.session,
  };
}
