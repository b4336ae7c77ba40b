// The `protocol` input: which protocol the gate speaks on top of WebSocket (pure parser, for the integrator to wire in).

import { ConfigError } from './types.js';

/** `auto` (detected from what the server does) or an adapter id. */
export const PROTOCOL_CHOICES = ['auto', 'raw', 'socket.io', 'graphql-ws'] as const;
export type ProtocolChoice = (typeof PROTOCOL_CHOICES)[number];

/** Parses the `protocol` input (case-insensitive; `socketio` and `socket-io` are read as socket.io). */
export function parseProtocol(text: string): ProtocolChoice {
  const value = text.trim().toLowerCase();
  if (value === '') return 'auto';
  const spelled = value === 'socketio' || value === 'socket-io' ? 'socket.io' : value;
  const choice = PROTOCOL_CHOICES.find((c) => c === spelled);
  if (!choice) throw new ConfigError('protocol', text, `one of ${PROTOCOL_CHOICES.join(', ')}`);
  return choice;
}
