// The shape of a protocol adapter: what the gate must say and hear to hold a real session with a server.

/** The protocols the gate can speak on top of WebSocket. */
export type ProtocolId = 'raw' | 'socket.io' | 'graphql-ws';

/** What the server must send, and what we send, before the session counts as established. */
export interface OpeningExchange {
  /** A message the server sends first, unasked (Engine.IO's open packet); absent when the client speaks first. */
  greeting?: { describe: string; matches: (text: string) => boolean };
  /** What we send once the greeting (if any) has arrived. */
  send: string;
  /** The server's acknowledgement of `send`. */
  ack: { describe: string; matches: (text: string) => boolean };
  /** Why the server refused the session, when `text` is a refusal (Socket.IO's connect error); null otherwise. */
  refusal?: (text: string) => string | null;
}

/** A message every stock server of the protocol answers, and what counts as its answer. */
export interface Probe {
  message: string;
  /** For the report: what was sent and what answers it. */
  describe: string;
  answers: (reply: string) => boolean;
  /** What to send after the answer to leave the server as it was (null: nothing), before the next probe. */
  after?: (reply: string) => string | null;
}

/**
 * A protocol adapter: pure data and functions over message text (the I/O lives in session.ts), so each one
 * is tested without a socket.
 */
export interface ProtocolAdapter {
  readonly id: ProtocolId;
  /** Subprotocols to offer in the handshake, besides the ones the user set. */
  readonly subprotocols: readonly string[];
  /** The exchange that opens a session; null when the connection is the session. */
  readonly opening: OpeningExchange | null;
  /** The reply to a server keep-alive message, or null when `text` is not one (it is then a message for us). */
  keepAlive(text: string): string | null;
  /** The message recovery sends when the user set none; null: the user's (default) message is sent. */
  readonly probe: Probe | null;
}

/** Parses `text` as a JSON object, or null. */
export function jsonObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
