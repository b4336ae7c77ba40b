// The HTTP/1.1 opening handshake of RFC 6455 section 4 as text (pure): the request we write and the response we judge.

import { createHash, randomBytes } from 'node:crypto';

/** The GUID of RFC 6455 section 1.3, appended to the key before hashing. */
const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** Responses longer than this without their blank line are not a handshake. */
export const MAX_RESPONSE_HEAD = 16 * 1024;

/** A fresh Sec-WebSocket-Key: 16 random bytes, base64 (section 4.1). */
export function newKey(): string {
  return randomBytes(16).toString('base64');
}

/** The Sec-WebSocket-Accept a server must answer for `key` (section 4.2.2). */
export function acceptFor(key: string): string {
  return createHash('sha1')
    .update(key + WS_GUID)
    .digest('base64');
}

/** The GET request that opens a WebSocket at `url`, offering `subprotocols` and carrying the user's `headers`. */
export function upgradeRequest(url: string, key: string, subprotocols: string[], headers: Record<string, string>): string {
  const u = new URL(url);
  const path = `${u.pathname || '/'}${u.search}`;
  const lines = [
    `GET ${path} HTTP/1.1`,
    `Host: ${u.host}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${key}`,
    'Sec-WebSocket-Version: 13',
  ];
  if (subprotocols.length > 0) lines.push(`Sec-WebSocket-Protocol: ${subprotocols.join(', ')}`);
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** The head of the server's HTTP response. */
export interface ResponseHead {
  status: number;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Bytes after the blank line: the first frames. */
  rest: Buffer;
}

/**
 * The status and headers of an HTTP response at the start of `data`; null while the blank line has not
 * arrived. Throws when it is not HTTP or the head exceeds MAX_RESPONSE_HEAD.
 */
export function parseResponseHead(data: Buffer): ResponseHead | null {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) {
    if (data.length >= 5 && !data.subarray(0, 5).equals(Buffer.from('HTTP/'))) throw new Error('the server did not answer HTTP');
    if (data.length > MAX_RESPONSE_HEAD) throw new Error(`no end of the response head within ${MAX_RESPONSE_HEAD} bytes`);
    return null;
  }
  const [statusLine = '', ...lines] = data.subarray(0, end).toString('latin1').split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!match) throw new Error(`not an HTTP status line: ${JSON.stringify(statusLine.slice(0, 80))}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { status: Number(match[1]), headers, rest: data.subarray(end + 4) };
}

/** Why a response does not complete the handshake for `key` and the offered subprotocols; null when it does. */
export function handshakeProblem(head: ResponseHead, key: string, subprotocols: string[]): string | null {
  if (head.status !== 101) return `HTTP ${head.status} instead of 101`;
  if ((head.headers['upgrade'] ?? '').toLowerCase() !== 'websocket') return "no 'Upgrade: websocket' header";
  if (!/\bupgrade\b/i.test(head.headers['connection'] ?? '')) return "no 'Connection: Upgrade' header";
  if (head.headers['sec-websocket-accept'] !== acceptFor(key)) return 'Sec-WebSocket-Accept does not match the key';
  const protocol = head.headers['sec-websocket-protocol'];
  if (protocol !== undefined && !subprotocols.includes(protocol))
    return `the server chose subprotocol '${protocol}', which was not offered`;
  return null;
}
