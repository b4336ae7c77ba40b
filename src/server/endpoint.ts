// The server's address: picking a free port, and asking whether anything already listens there.

import { createServer, connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PinnedAddress } from '../client/connection.js';
import { findPortOwner } from './port-owner.js';
import { commandLine, processGroupOf } from './process-tree.js';

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

/** A process a start command left behind: it listens on the gate's port outside the group the gate stops. */
export interface Detached {
  address: string;
  /** Null when the owner of the port cannot be found (another user's process, no lsof). */
  pid: number | null;
  command: string;
}

/** How long the port is watched after a start command exited 0 before ready: a server it detached binds within it. */
export const DETACHED_WATCH_MS = 2000;
const DETACHED_POLL_MS = 50;

/**
 * After the start command exited 0 before the first handshake: what begins listening on the URL's port within
 * `watchMs`, unless it belongs to `launchedGroup` (a job the command put in the background, which teardown ends with
 * its group). Null when nothing listens by then, or the run stops (`signal`).
 */
export async function detachedListener(
  url: string,
  launchedGroup: number,
  signal: AbortSignal,
  watchMs = DETACHED_WATCH_MS,
): Promise<Detached | null> {
  const deadline = performance.now() + watchMs;
  for (;;) {
    const address = await existingListener(url);
    if (address !== null) {
      const pid = await findPortOwner(portOf(url)).catch(() => null);
      if (pid !== null && (await processGroupOf(pid)) === launchedGroup) return null;
      return { address, pid, command: pid === null ? '' : await commandLine(pid).catch(() => '') };
    }
    if (performance.now() >= deadline || signal.aborted) return null;
    await sleep(DETACHED_POLL_MS, undefined, { signal }).catch(() => undefined);
  }
}

/** The sentence for a detached server, added to the start-up failure's: who it is, that it runs on, what to do. */
export function detachedText(detached: Detached): string {
  const named = detached.pid !== null ? `pid ${detached.pid}${detached.command ? ` (${detached.command})` : ''}` : null;
  const who = named ?? 'a process the gate could not identify';
  const stop = detached.pid !== null ? `stop it yourself (kill ${detached.pid})` : `stop what listens on ${detached.address} yourself`;
  return (
    `${who} then began listening on ${detached.address}: the command detached it from the process group the gate ` +
    `stops, so it was neither tested nor stopped and is still running; ${stop}, and start the server in the ` +
    'foreground of server-command (exec it, without setsid or &)'
  );
}
