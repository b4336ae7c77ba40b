// The sentences start-up ends with: what the server answered, its likely cause, and the input that fixes it.

import type { HttpAnswer } from '../client/connection.js';
import { answeredWithoutTls } from '../client/tls.js';

/** Failures seen while waiting, by key (`http-404`, `reset`, ...): the last text of each and how often. */
export type FailureCounts = Map<string, { text: string; n: number }>;

/** Where Socket.IO serves its WebSocket transport: the path a hang-up or a 404 most often means. */
const SOCKET_IO_PATH = '/socket.io/?EIO=4&transport=websocket';

/** `code 4406 "Subprotocol not acceptable"`. */
export function closeWords(close: { code: number; reason: string }): string {
  return `code ${close.code}${close.reason ? ` ${JSON.stringify(close.reason.slice(0, 200))}` : ' (no reason given)'}`;
}

/** A subprotocol-looking name (a dot, dash, digit or underscore in it) after "protocol" in `text`, or null. */
function namedSubprotocol(text: string): string | null {
  const after = /protocols?\b([^\n]{0,60})/i.exec(text)?.[1] ?? '';
  return after.match(/[A-Za-z][A-Za-z0-9]*[._+-][A-Za-z0-9._+-]*|[A-Za-z]+\d[A-Za-z0-9._+-]*/)?.[0] ?? null;
}

/** The subprotocol a refusal names (in its Sec-WebSocket-Protocol header or its body), or null. */
export function askedSubprotocol(response: HttpAnswer): string | null {
  if (response.protocolHeader) return response.protocolHeader.trim();
  const named = /(?:sub-?)?protocols?\b[^:\n]{0,40}?:\s*["'`]?([A-Za-z0-9][A-Za-z0-9._+-]*(?:\s*,\s*[A-Za-z0-9][A-Za-z0-9._+-]*)*)/i.exec(
    response.body,
  );
  return named?.[1] ?? null;
}

/** Why a server closes every connection right away, from its close code and reason, with the input that fixes it. */
function closeCause(close: { code: number; reason: string }, offered: readonly string[]): string {
  if (close.code === 4406 || close.code === 1002 || /protocol/i.test(close.reason)) {
    const named = namedSubprotocol(close.reason);
    if (named && !offered.includes(named)) return `it wants the subprotocol ${named}: set subprotocols: ${named}`;
    return offered.length > 0
      ? `it does not accept the subprotocols offered (${offered.join(', ')}): set subprotocols to the one it expects`
      : 'it wants a subprotocol: offer it with subprotocols (graphql-transport-ws for graphql-ws), or set protocol: auto';
  }
  if (close.code === 1008 || close.code === 4401 || close.code === 4403 || /auth|token|forbidden|credential/i.test(close.reason)) {
    return 'it refuses the client: add the credentials it expects with headers';
  }
  return "check the server's log for why";
}

/** Why a server answers every handshake with an HTTP error, with the input that fixes it. */
function httpCause(status: number, body: string, response: HttpAnswer | undefined, path: string, offered: readonly string[]): string {
  const asked = response ? askedSubprotocol(response) : null;
  if (asked || (status === 400 && /protocol/i.test(body))) {
    const which = asked ? `: it asks for ${asked}; set subprotocols: ${asked}` : ': offer the one it expects with subprotocols';
    const refused = offered.length > 0 ? ` (offered: ${offered.join(', ')})` : '';
    return `it requires a subprotocol${refused}${which}`;
  }
  if (status === 404 || status === 410) {
    return `the path ${path} is likely wrong; check the URL's path (Socket.IO listens on ${SOCKET_IO_PATH})`;
  }
  if (status === 401 || status === 403 || status === 407) {
    return 'it wants credentials; add them with headers (for example Authorization: Bearer …) or check the ones given';
  }
  if (status === 400 || status === 426) {
    const none = offered.length === 0 ? 'none was offered' : `offered: ${offered.join(', ')}`;
    return `it rejects the handshake; it may require a subprotocol (${none}; set subprotocols), a header, or another path`;
  }
  return `waiting will not change a ${status}`;
}

/**
 * The sentence for a definite answer that repeated: what the server said and its likely cause (wrong path,
 * missing credentials, a subprotocol it requires, a server that closes every connection right away, or one
 * that hangs up on every upgrade request).
 */
export function definiteFailureText(
  url: string,
  offered: readonly string[],
  outcome: { response?: HttpAnswer; close?: { code: number; reason: string }; key: string; text?: string },
  seen: { attempts: number; overMs: number },
): string {
  const over = `${seen.attempts} attempts over ${(seen.overMs / 1000).toFixed(1)} s`;
  const path = new URL(url).pathname + new URL(url).search;
  if (outcome.close) {
    return (
      `the server accepts the WebSocket handshake at ${url} but closes every connection right away (${closeWords(outcome.close)}; ` +
      `${over}): ${closeCause(outcome.close, offered)}`
    );
  }
  if (outcome.key === 'reset') {
    const said = outcome.text ? `; ${outcome.text}` : '';
    return (
      `the server takes the TCP connection at ${url} but hangs up on every WebSocket upgrade request (${over}${said}): ` +
      `the path ${path} is likely wrong (Socket.IO listens on ${SOCKET_IO_PATH})`
    );
  }
  const response = outcome.response;
  const status = response?.status ?? Number(/^http-(\d{3})$/.exec(outcome.key)?.[1] ?? 0);
  const body = response?.body.replace(/\s+/g, ' ').trim() ?? '';
  const said = body ? ` ${JSON.stringify(body.slice(0, 120))}` : '';
  const cause = httpCause(status, body, response, path, offered);
  return `the server answered HTTP ${status}${said} to every WebSocket handshake at ${url} (${over}): ${cause}`;
}

/**
 * `most frequent: reset: socket hang up (290 of 293)`, from the counted (not budget-cut) failures. Refusals are
 * what a server that is still starting gives: once any attempt got further, the summary is about those attempts.
 */
export function failureSummary(counts: FailureCounts): string {
  const answered = [...counts.entries()].filter(([key]) => key !== 'refused');
  const pool = answered.length > 0 ? answered.map(([, entry]) => entry) : [...counts.values()];
  let top: { text: string; n: number } | null = null;
  let total = 0;
  for (const entry of pool) {
    total += entry.n;
    if (!top || entry.n > top.n) top = entry;
  }
  if (!top) return 'no attempt completed';
  const refused = answered.length > 0 ? (counts.get('refused')?.n ?? 0) : 0;
  const before = refused > 0 ? `, after ${refused} refused while the port was not yet listening` : '';
  return `most frequent: ${top.text} (${top.n} of ${total}${before})${summaryHint(top.text)}`;
}

/** What the most frequent failure suggests, when it suggests something. */
function summaryHint(failure: string): string {
  if (failure.startsWith('reset')) {
    const socketIo = `Socket.IO listens on ${SOCKET_IO_PATH}`;
    return `; the server takes the TCP connection but hangs up on the upgrade request: likely a wrong path (${socketIo})`;
  }
  if (failure.startsWith('refused')) return '; nothing listens on the port: check the port and that the server binds 127.0.0.1';
  if (failure.startsWith('timeout')) return '; the server takes the TCP connection but never answers the upgrade request';
  return '';
}

/** The sentence for a server command that exited before the server accepted a handshake. */
export function exitBeforeReadyText(exit: { code: number | null; signal: string | null }): string {
  if (exit.signal) return `the server was killed by signal ${exit.signal} before accepting a handshake`;
  if (exit.code === 0) {
    return (
      'the server command exited (code 0) before accepting a handshake: the server command must keep running in the foreground (no ' +
      'trailing &, nohup, setsid or daemon mode)'
    );
  }
  return `the server crashed before accepting a handshake (exit code ${exit.code})`;
}

/** Why a wss:// handshake failed, with what to change. */
export function tlsFailureText(url: string, message: string, code: string | undefined): string {
  const hint = answeredWithoutTls(code)
    ? 'the server does not speak TLS on this port: use a ws:// URL'
    : 'set ca-file to the PEM file of the CA that signed its certificate, or insecure-tls: true for a loopback test server';
  return `the TLS handshake with ${url} failed: ${message} (${hint})`;
}
