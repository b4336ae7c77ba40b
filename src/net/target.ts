// Where the proxy relays to, and the client target that reaches the server through it.

import { isIP } from 'node:net';
import type { Target } from '../client/connection.js';

/** The server's address for the proxy: the loopback address readiness pinned, else the URL's host. */
export function upstreamOf(target: Target): { host: string; port: number } {
  const url = new URL(target.url);
  const host = target.pinned?.address ?? url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port !== '' ? Number(url.port) : url.protocol === 'wss:' ? 443 : 80;
  return { host, port };
}

/**
 * The target through a proxy on 127.0.0.1:`proxyPort`. A host name stays in the URL (TLS checks the certificate
 * and sends SNI for it, the Host header names it) and is pinned to 127.0.0.1; an IP literal becomes 127.0.0.1.
 */
export function proxiedTarget(target: Target, proxy: { port: number }): Target {
  const url = new URL(target.url);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  url.port = String(proxy.port);
  const { pinned: _pinned, ...rest } = target;
  if (isIP(host) !== 0) {
    url.hostname = '127.0.0.1';
    return { ...rest, url: url.toString() };
  }
  return { ...rest, url: url.toString(), pinned: { address: '127.0.0.1', family: 4 } };
}
