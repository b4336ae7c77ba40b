// Our own opening handshake against real servers: frames both ways, subprotocols and headers offered, refusals
// classified like the ws client's, every wait bounded, and wss:// with the target's trust settings.

import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Target } from '../src/client/connection.js';
import { OPCODE, closeFrame, frame, pingFrame } from '../src/client/frames.js';
import { RawOpenError, RawSocket, openRaw } from '../src/client/raw-socket.js';
import { pickFreePort } from '../src/server/endpoint.js';
import { ECHO_SERVER, FAULTY_SERVER } from './helpers/gate-run.js';
import { selfSignedCert } from './helpers/certificate.js';
import { NODE, fixturePath, testServers } from './helpers/test-server.js';

const { start: startServer } = testServers();

const echo = `${NODE} ${JSON.stringify(ECHO_SERVER)}`;
const faulty = `${NODE} ${JSON.stringify(FAULTY_SERVER)}`;

/** Our ESTABLISHED connections to `port` on IPv4 loopback, per /proc/net/tcp (remote port in hex, state 01). */
function establishedTo(port: number): number {
  const rows = readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1);
  const remote = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return rows.filter((row) => {
    const [, , rem, st] = row.trim().split(/\s+/);
    return rem?.endsWith(remote) && st === '01';
  }).length;
}

/** The RawOpenError an open fails with. */
async function openError(target: Target): Promise<RawOpenError> {
  try {
    const raw = await openRaw(target);
    raw.destroy();
  } catch (err) {
    expect(err).toBeInstanceOf(RawOpenError);
    return err as RawOpenError;
  }
  throw new Error('the handshake succeeded');
}

describe('raw connection to a ws echo server', () => {
  it('echoes a text frame, answers a ping and completes the closing handshake', async () => {
    const { target } = await startServer(echo);
    const raw = await openRaw(target);
    try {
      expect(raw.protocol).toBeNull();
      expect(establishedTo(Number(new URL(target.url).port))).toBe(1);
      raw.write(frame({ opcode: OPCODE.text, payload: 'hello' }));
      expect(await raw.waitUntil(() => raw.reader.dataBytes === 5, 2000)).toBe(true);
      raw.write(pingFrame('p-1'));
      expect(await raw.waitUntil(() => raw.pongs === 1, 2000)).toBe(true);
      expect(raw.lastPong!.toString()).toBe('p-1');
      raw.write(closeFrame(1000, 'done'));
      expect(await raw.waitUntil(() => raw.closeInfo !== null && raw.ended, 2000)).toBe(true);
      expect(raw.closeInfo).toEqual({ code: 1000, reason: 'done' });
    } finally {
      raw.destroy();
    }
    expect(raw.socket.destroyed).toBe(true);
  });
});

describe('what the handshake offers, and refusals', () => {
  it('offers the subprotocols: accepted when it offers the one required, HTTP 400 otherwise', async () => {
    const { target } = await startServer(faulty, { env: { REQUIRE_PROTOCOL: 'chat.v2' }, target: { subprotocols: ['chat.v2'] } });
    const raw = await openRaw({ ...target, subprotocols: ['chat.v1', 'chat.v2'] });
    expect(raw.protocol).toBe('chat.v2');
    raw.destroy();
    const refused = await openError({ ...target, subprotocols: ['chat.v1'] });
    expect(refused).toMatchObject({ failure: 'http-400', httpStatus: 400 });
  });

  it("sends the user's headers: accepted with the token, HTTP 401 without", async () => {
    const { target } = await startServer(faulty, {
      env: { REQUIRE_HEADER: 'X-Token: s3cret' },
      target: { headers: { 'X-Token': 's3cret' } },
    });
    const raw = await openRaw(target);
    raw.destroy();
    expect(await openError({ ...target, headers: {} })).toMatchObject({ failure: 'http-401', httpStatus: 401 });
  });

  it('gives up after its timeout when the server never answers the upgrade', async () => {
    const { target } = await startServer(faulty, { env: { NO_UPGRADE_REPLY: '1' }, ready: 'port' });
    const start = performance.now();
    const err = await openError({ ...target, connectTimeoutMs: 300 });
    const elapsed = performance.now() - start;
    expect(err.failure).toBe('timeout');
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(2000);
    // The socket was destroyed: nothing of ours is still connected to the server.
    expect(establishedTo(Number(new URL(target.url).port))).toBe(0);
  });

  it('is refused on a port nobody listens on', async () => {
    const port = await pickFreePort();
    const target: Target = { url: `ws://127.0.0.1:${port}/`, headers: {}, subprotocols: [], connectTimeoutMs: 1000, closeTimeoutMs: 1000 };
    expect((await openError(target)).failure).toBe('refused');
    await expect(RawSocket.connect(target)).rejects.toMatchObject({ failure: 'refused' });
  });

  it('stops at once when aborted', async () => {
    const { target } = await startServer(faulty, { env: { NO_UPGRADE_REPLY: '1' }, ready: 'port' });
    const controller = new AbortController();
    const start = performance.now();
    setTimeout(() => controller.abort(), 100);
    await expect(openRaw({ ...target, connectTimeoutMs: 5000 }, { signal: controller.signal })).rejects.toMatchObject({
      failure: 'aborted',
    });
    expect(performance.now() - start).toBeLessThan(1500);
    expect(establishedTo(Number(new URL(target.url).port))).toBe(0);
  });
});

describe('wss:// with a self-signed certificate', () => {
  let cert = '';
  let key = '';
  let dir = '';
  beforeAll(() => ({ cert, key, dir } = selfSignedCert()));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('completes the handshake with insecure-tls or the CA trusted, and is refused (tls) otherwise', async () => {
    const { target } = await startServer(`${NODE} ${fixturePath('wss-echo-server.js')}`, {
      scheme: 'wss',
      env: { TLS_CERT: cert, TLS_KEY: key },
      target: { rejectUnauthorized: false },
    });
    const raw = await openRaw(target);
    try {
      raw.write(pingFrame('over tls'));
      expect(await raw.waitUntil(() => raw.pongs === 1, 2000)).toBe(true);
      expect(raw.lastPong!.toString()).toBe('over tls');
    } finally {
      raw.destroy();
    }
    const { rejectUnauthorized: _ignored, ...strict } = target;
    const trusted = await openRaw({ ...strict, ca: readFileSync(cert, 'utf8') });
    trusted.destroy();
    expect((await openError(strict)).failure).toBe('tls');
  });
});
