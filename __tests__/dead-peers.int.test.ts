// Dead peers against real servers: clients go silent through the fault proxy (no FIN, no RST); a server without a
// heartbeat keeps them open past the timeout and the watch after it, one with a heartbeat (ws, Socket.IO, gorilla's
// chat example) reaps every one: in time, or later than the limit, which the check tells apart. The heartbeats are
// scaled to seconds; the real defaults (gorilla's 60 s against 90 s) are in docs/faults.md.

import type WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadPeerReapingCheck } from '../src/analysis/checks-faults.js';
import { runDeadPeers, watchMsFor } from '../src/scenarios/dead-peers.js';
import { buildGoFixture, type GoBuild } from './helpers/go-build.js';
import { NODE, SOCKET_IO_PATH, examplePath, fixturePath, testServers, type TestServer } from './helpers/test-server.js';
import { requireTool } from './helpers/tools.js';

const { start } = testServers();

const CLIENTS = 5;

/**
 * Socket.IO over a raw WebSocket: send `40` (connect to the main namespace) and wait for the server's `40{sid}`.
 * The open packet `0{...}` may arrive with the 101 response, before this runs: `40` does not have to wait for it.
 */
function engineIoGreeting(ws: WebSocket, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error('no Socket.IO connect reply within 5 s')), 5000);
    function finish(err?: Error): void {
      clearTimeout(timer);
      ws.off('message', onMessage);
      signal.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve();
    }
    function onMessage(data: WebSocket.RawData): void {
      if (String(data).startsWith('40')) finish();
    }
    function onAbort(): void {
      finish(new Error('aborted'));
    }
    ws.on('message', onMessage);
    ws.send('40');
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

describe('dead peers', () => {
  it('a server without a heartbeat keeps every silent client open past the timeout and the watch after it', async () => {
    const running = await start(`${NODE} ${examplePath('heartbeat/no-heartbeat.js')}`);
    const started = performance.now();
    const timeoutMs = 2000;
    const spec = { clients: CLIENTS, timeoutMs, lingering: running.lingering };
    const result = await runDeadPeers(spec, running.target, new AbortController().signal);
    const elapsed = performance.now() - started;
    expect(result).toMatchObject({ silenced: CLIENTS, reaped: 0, reapedLate: 0, stillOpen: CLIENTS, stoppedEarly: false });
    expect(result.watchedMs).toBe(watchMsFor(timeoutMs));
    expect(result.perClient.every((c) => c.gaveUpAfterMs === null && c.closeFrameAfterMs === null && c.tcpClosedAfterMs === null)).toBe(
      true,
    );
    // The server's side, read from /proc independently of the proxy: all still ESTABLISHED at the end of the watch.
    expect(result.serverSideOpen).toBe(CLIENTS);
    expect(elapsed).toBeGreaterThanOrEqual(watchMsFor(timeoutMs) - 5);
    expect(elapsed).toBeLessThan(watchMsFor(timeoutMs) * 3);
    const check = deadPeerReapingCheck(result);
    expect(check.outcome).toBe('fail');
    expect(check.detail).toBe(
      `${CLIENTS} dead connections not reaped within 4 s: no heartbeat; ` +
        'add a ping/pong heartbeat that closes a peer whose pong does not come',
    );
    // The scenario closed its clients and proxy: the server's side lets go of them too.
    await expect.poll(() => running.lingering(), { timeout: 5000 }).toBe(0);
  });

  it('a ws server with a 1 s heartbeat reaps every silent client within two intervals', async () => {
    const running = await start(`${NODE} ${examplePath('heartbeat/heartbeat.js')}`, { env: { HEARTBEAT_MS: '1000' } });
    const result = await runDeadPeers(
      { clients: CLIENTS, timeoutMs: 8000, lingering: running.lingering },
      running.target,
      new AbortController().signal,
    );
    expect(result).toMatchObject({ silenced: CLIENTS, reaped: CLIENTS, stillOpen: 0, serverSideOpen: 0 });
    // A ping is sent within one interval of going silent, the sweep after it terminates: 1–2 s; never at once.
    for (const c of result.perClient) {
      expect(c.reapedAfterMs).toBeGreaterThan(300);
      expect(c.reapedAfterMs).toBeLessThan(3000 * 2);
    }
    expect(result.durationMs).toBeLessThan(8000);
    expect(deadPeerReapingCheck(result).outcome).toBe('pass');
    // terminate(): no close frame, the TCP connection closes at once.
    for (const c of result.perClient) expect(c.tcpClosedAfterMs).toBe(c.reapedAfterMs);
    console.log(`ws heartbeat 1 s: ${JSON.stringify(result.perClient)}`);
  });

  it('Socket.IO with a short pingInterval/pingTimeout reaps every silent client', async () => {
    const running = await start(`${NODE} ${fixturePath('socketio-short-ping.js')}`, {
      env: { PING_INTERVAL_MS: '500', PING_TIMEOUT_MS: '500' },
      path: SOCKET_IO_PATH,
    });
    const result = await runDeadPeers(
      { clients: CLIENTS, timeoutMs: 8000, greet: engineIoGreeting, lingering: running.lingering },
      running.target,
      new AbortController().signal,
    );
    expect(result.connectFailures).toEqual({});
    expect(result).toMatchObject({ silenced: CLIENTS, reaped: CLIENTS, stillOpen: 0 });
    // Engine.IO closes with a close frame after pingInterval + pingTimeout; ws then waits 30 s for the reply
    // before it drops the TCP connection, so the close frame is what reaps it here.
    for (const c of result.perClient) {
      expect(c.closeFrameAfterMs).not.toBeNull();
      expect(c.reapedAfterMs).toBeLessThan(1000 * 3);
    }
    console.log(`socket.io 500+500 ms: ${JSON.stringify(result.perClient)}`);
  });

  it('stops when the run is cancelled, and still closes everything', async () => {
    const running = await start(`${NODE} ${examplePath('heartbeat/no-heartbeat.js')}`);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 500);
    const started = performance.now();
    const result = await runDeadPeers({ clients: 3, timeoutMs: 60_000 }, running.target, controller.signal);
    clearTimeout(timer);
    expect(performance.now() - started).toBeLessThan(500 * 3 + 2000);
    expect(result).toMatchObject({ silenced: 3, stillOpen: 3, stoppedEarly: true });
    expect(deadPeerReapingCheck(result).outcome).toBe('not-measured');
    await expect.poll(() => running.lingering(), { timeout: 5000 }).toBe(0);
  });
});

describe.skipIf(requireTool('go-gorilla'))("gorilla/websocket's chat example (its heartbeat: pongWait, pings at 9/10 of it)", () => {
  let chat: GoBuild | null = null;
  beforeAll(() => {
    chat = buildGoFixture('__tests__/fixtures/gorilla-chat', 'chat');
  });
  afterAll(() => chat?.remove());

  /** The example as its README runs it, `-addr` from the PORT the gate sets, pongWait scaled to `pongWaitMs`. */
  const startChat = (pongWaitMs: number): Promise<TestServer> =>
    start(`${JSON.stringify(chat!.binary)} -addr=127.0.0.1:$PORT`, { env: { PONG_WAIT_MS: String(pongWaitMs) }, path: '/ws' });

  it('reaped within a limit that clears its heartbeat with a margin: passes (60 s against the default 90 s, scaled)', async () => {
    const running = await startChat(2000);
    const result = await runDeadPeers({ clients: CLIENTS, timeoutMs: 3000 }, running.target, new AbortController().signal);
    expect(result).toMatchObject({ silenced: CLIENTS, reaped: CLIENTS, reapedLate: 0, stillOpen: 0 });
    // The read deadline expires pongWait after the last read (the handshake): the TCP connection closes then.
    for (const c of result.perClient) {
      expect(c.tcpClosedAfterMs).toBeGreaterThan(1500);
      expect(c.reapedAfterMs).toBeLessThan(3000);
    }
    expect(deadPeerReapingCheck(result)).toMatchObject({
      outcome: 'pass',
      measured: expect.stringMatching(/^5\/5 reaped \(slowest 2\.\d s\)$/),
    });
    console.log(`gorilla chat, pongWait 2 s, limit 3 s: ${JSON.stringify(result.perClient)}`);
  });

  it('a heartbeat slower than the limit: fails saying when it did reap them, not "no heartbeat" (90 s against 60 s, scaled)', async () => {
    const running = await startChat(3000);
    const result = await runDeadPeers({ clients: CLIENTS, timeoutMs: 2000 }, running.target, new AbortController().signal);
    expect(result).toMatchObject({ silenced: CLIENTS, reaped: 0, reapedLate: CLIENTS, stillOpen: 0 });
    for (const c of result.perClient) expect(c.gaveUpAfterMs).toBeGreaterThan(2000);
    const check = deadPeerReapingCheck(result);
    expect(check.outcome).toBe('fail');
    expect(check.detail).toMatch(/^5 dead connections reaped after 3\.\d s(–3\.\d s)?, later than the 2 s limit: /);
    expect(check.detail).toMatch(/: shorten the heartbeat \(ping interval plus pong timeout\) or raise dead-peer-timeout-s$/);
    // It stopped watching once the last one went, long before the bounded watch ended.
    expect(result.durationMs).toBeLessThan(watchMsFor(2000) + 2000);
    console.log(`gorilla chat, pongWait 3 s, limit 2 s: ${check.measured}; ${check.detail}`);
  });
});
