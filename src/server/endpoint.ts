// The server's address: picking a free port, and asking whether anything already listens there.

import { createServer, connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PinnedAddress } from '../client/connection.js';
import { findPortOwner } from './port-owner.js';

/** Hosts to try for a URL host: `localhost` may be served on either loopback family. */
export function candidateAddresses(hostname: string): Array<{ host: string; pinned?: PinnedAddress }> {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost') {
    return [
      { host: '127.0.0.1', pinned: { address: '127.0.0.1', family: 4 } },
      { host: '::1', pinned: { address: '::1', family: 6 } },
    ];
  }
  return [{ host }];
}

/** A port that was free on loopback a moment ago (the server binds it right after). */
export function pickFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Replaces port 0 in a ws:// URL with `port`. */
export function withPort(url: string, port: number): string {
  const u = new URL(url);
  u.port = String(port);
  return u.toString();
}

/** The port a ws:// or wss:// URL connects to (80 or 443 when it names none). */
export function portOf(url: string): number {
  const u = new URL(url);
  if (u.port !== '') return Number(u.port);
  return u.protocol === 'wss:' ? 443 : 80;
}

/** True when a TCP connection to host:port succeeds within timeoutMs. */
export function tcpAnswers(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (answered: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answered);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The address already answering on the URL's port, or null when none does. */
export async function existingListener(url: string): Promise<string | null> {
  const u = new URL(url);
  const port = portOf(url);
  for (const { host } of candidateAddresses(u.hostname)) {
    if (await tcpAnswers(host, port)) return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  }
  return null;
}

/** Something that still listens on the URL's port after teardown: where, and the pid when it can be found. */
export interface LeftListening {
  address: string;
  pid: number | null;
}

/** How long a killed server may take to let go of its port before the gate says it left the tree. */
const RELEASE_WAIT_MS = 1000;

/**
 * After teardown: what still listens on the URL's port, or null. A server that left the launched tree (setsid,
 * a daemon mode, a double fork, a start script that backgrounds it) escapes the tree's teardown but not this.
 */
export async function listenerAfterTeardown(
  url: string,
  platform: NodeJS.Platform = process.platform,
  releaseWaitMs = RELEASE_WAIT_MS,
): Promise<LeftListening | null> {
  // A server killed a moment ago still holds its port until its last thread has exited: not one that left.
  const deadline = performance.now() + releaseWaitMs;
  let address = await existingListener(url);
  while (address !== null && performance.now() < deadline) {
    await sleep(50);
    address = await existingListener(url);
  }
  if (address === null) return null;
  const pid = await findPortOwner(portOf(url), platform).catch(() => null);
  return { address, pid };
}

/** The sentence for a server still listening after teardown (launch mode: the gate started it, so it must be gone). */
export function leftListeningText(left: LeftListening): string {
  const who = left.pid !== null ? `pid ${left.pid}` : 'a process the gate could not identify';
  return (
    `${who} still listens on ${left.address} after teardown: the server left the process tree the gate started ` +
    `(setsid, a daemon mode, or a start script that backgrounds it), so it was not stopped; keep the server in the ` +
    `foreground of server-command${left.pid !== null ? `, and stop it yourself (kill ${left.pid})` : ''}`
  );
}
