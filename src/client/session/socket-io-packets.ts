// Socket.IO v5 packets on Engine.IO v4's message type (`4`): namespace connect, event, ack. Pure text in, text out.

/** A Socket.IO packet the session reads: its type, namespace ('' for the default), ack id and JSON data. */
export interface SocketIoPacket {
  type: 'connect' | 'disconnect' | 'event' | 'ack' | 'connect-error' | 'other';
  namespace: string;
  id: number | null;
  data: unknown;
}

const TYPES: Record<string, SocketIoPacket['type']> = { '0': 'connect', '1': 'disconnect', '2': 'event', '3': 'ack', '4': 'connect-error' };

/** `40/chat,`: connect to a namespace ('' is the default one, which the adapter's opening connects). */
export function connectPacket(namespace: string): string {
  return `40${prefix(namespace)}`;
}

/** `42/chat,7["event",…args]`: an event, with an ack id when an acknowledgement is awaited. */
export function eventPacket(namespace: string, event: string, args: readonly unknown[], ackId: number | null): string {
  return `42${prefix(namespace)}${ackId ?? ''}${JSON.stringify([event, ...args])}`;
}

function prefix(namespace: string): string {
  return namespace === '' ? '' : `${namespace},`;
}

/** Reads an Engine.IO message as a Socket.IO packet; null when it is none (a heartbeat, binary, not Socket.IO). */
export function parsePacket(text: string): SocketIoPacket | null {
  if (text.length < 2 || text[0] !== '4') return null;
  const type = TYPES[text[1]!] ?? 'other';
  let rest = text.slice(2);
  // Binary packets (`45-`, `46-`) carry attachments the session does not read.
  if (/^\d+-/.test(rest)) return { type: 'other', namespace: '', id: null, data: undefined };
  let namespace = '';
  if (rest.startsWith('/')) {
    const comma = rest.indexOf(',');
    namespace = comma === -1 ? rest : rest.slice(0, comma);
    rest = comma === -1 ? '' : rest.slice(comma + 1);
  }
  const digits = /^\d+/.exec(rest);
  const id = digits ? Number(digits[0]) : null;
  if (digits) rest = rest.slice(digits[0].length);
  let data: unknown;
  try {
    data = rest === '' ? undefined : (JSON.parse(rest) as unknown);
  } catch {
    return null;
  }
  return { type, namespace: namespace === '/' ? '' : namespace, id, data };
}

/** An event packet's name and arguments, or null when the packet is no event. */
export function eventOf(packet: SocketIoPacket): { event: string; args: unknown[] } | null {
  if (packet.type !== 'event' || !Array.isArray(packet.data) || typeof packet.data[0] !== 'string') return null;
  return { event: packet.data[0], args: packet.data.slice(1) };
}
