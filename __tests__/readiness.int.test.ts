// Start-up against real servers: definite answers end it early with their likely cause; budget-cut attempts are not "last".

import { describe, expect, it } from 'vitest';
import type { Target } from '../src/client/connection.js';
import { knownSubprotocols } from '../src/client/protocols/index.js';
import { NotReadyError, waitForHandshake, type ReadinessOptions } from '../src/server/readiness.js';
import { SERVERS, testServers } from './helpers/test-server.js';

const { start } = testServers();
/** Started once its port takes TCP: the handshake is what is under test. */
const launch = (which: keyof typeof SERVERS, env: Record<string, string> = {}) => start(SERVERS[which], { env, ready: 'port' });

function targetOf(url: string, extra: Partial<Target> = {}): Target {
  return { url, headers: {}, subprotocols: [], connectTimeoutMs: 2000, closeTimeoutMs: 1000, ...extra };
}

/** Readiness with a 30 s budget (the default startup-timeout-s): it must end long before, with a NotReadyError. */
async function notReady(target: Target, options: Partial<ReadinessOptions> = {}) {
  const started = performance.now();
  const error = await waitForHandshake(target, { timeoutMs: 30_000, signal: new AbortController().signal, ...options }).then(
    () => null,
    (err: unknown) => err,
  );
  const elapsedMs = performance.now() - started;
  expect(error).toBeInstanceOf(NotReadyError);
  return { error: error as NotReadyError, elapsedMs };
}

describe('definite answers end start-up within 5 s, naming the likely cause', () => {
  it('a wrong path (404)', async () => {
    const server = await launch('strict', { WS_PATH: '/ws' });
    const { error, elapsedMs } = await notReady(targetOf(server.url('/')));
    console.log(`404: ${error.message} (${Math.round(elapsedMs)} ms)`);
    expect(error.kind).toBe('http');
    expect(error.message).toMatch(/answered HTTP 404 "Not Found" to every WebSocket handshake .*the path \/ is likely wrong/);
    expect(elapsedMs).toBeLessThan(5000);
    // The right path is ready at once: the rule did not misjudge the server.
    await expect(
      waitForHandshake(targetOf(server.url('/ws')), { timeoutMs: 5000, signal: new AbortController().signal }),
    ).resolves.toMatchObject({
      attempts: 1,
    });
  });

  it('a missing auth header (401)', async () => {
    const server = await launch('strict', { REQUIRE_TOKEN: 'sesame' });
    const { error, elapsedMs } = await notReady(targetOf(server.url()));
    console.log(`401: ${error.message} (${Math.round(elapsedMs)} ms)`);
    expect(error.message).toMatch(/HTTP 401 "Unauthorized" .*it wants credentials; add them with headers/);
    expect(elapsedMs).toBeLessThan(5000);
    const withHeader = targetOf(server.url(), { headers: { Authorization: 'Bearer sesame' } });
    await expect(waitForHandshake(withHeader, { timeoutMs: 5000, signal: new AbortController().signal })).resolves.toBeTruthy();
  });

  it('a missing subprotocol that the server names (400 "Subprotocol required: chat.v2")', async () => {
    const server = await launch('strict', { REQUIRE_PROTOCOL: 'chat.v2' });
    const { error, elapsedMs } = await notReady(targetOf(server.url()));
    console.log(`400 named: ${error.message} (${Math.round(elapsedMs)} ms)`);
    expect(error.message).toMatch(/HTTP 400 .*it requires a subprotocol: it asks for chat\.v2; set subprotocols: chat\.v2/);
    expect(elapsedMs).toBeLessThan(5000);
  });

  it('a missing subprotocol that the server does not name (400, empty body)', async () => {
    const server = await launch('faulty', { REQUIRE_PROTOCOL: 'chat.v2' });
    const { error, elapsedMs } = await notReady(targetOf(server.url()));
    expect(error.message).toMatch(/HTTP 400 to every .*it may require a subprotocol \(none was offered; set subprotocols\)/);
    expect(elapsedMs).toBeLessThan(5000);
  });

  it('graphql-ws without its subprotocol: closes every connection right away with 4406, and says so', async () => {
    const server = await launch('graphqlWs');
    const { error, elapsedMs } = await notReady(targetOf(server.url('/graphql')));
    console.log(`4406: ${error.message} (${Math.round(elapsedMs)} ms)`);
    expect(error.kind).toBe('closes-at-once');
    expect(error.message).toMatch(/closes every connection right away \(code 4406 "Subprotocol not acceptable"; .*it wants a subprotocol/);
    expect(elapsedMs).toBeLessThan(5000);
  });

  it('graphql-ws with the known subprotocols as fallback (protocol: auto): ready, offering graphql-transport-ws', async () => {
    const server = await launch('graphqlWs');
    const ready = await waitForHandshake(targetOf(server.url('/graphql')), {
      timeoutMs: 10_000,
      signal: new AbortController().signal,
      fallbackSubprotocols: knownSubprotocols(),
    });
    expect(ready.target.subprotocols).toEqual(['graphql-transport-ws']);
    expect(ready.note).toMatch(/4406 "Subprotocol not acceptable" without a subprotocol; it accepted graphql-transport-ws/);
  });

  it('a server that closes every connection at once with its own code and reason', async () => {
    const server = await launch('strict', { CLOSE_AT_ONCE: '4000' });
    const { error, elapsedMs } = await notReady(targetOf(server.url()), { fallbackSubprotocols: knownSubprotocols() });
    expect(error.message).toMatch(/closes every connection right away \(code 4000 "Go away"; \d+ attempts/);
    expect(elapsedMs).toBeLessThan(5000);
  });
});

describe('what is not a definite answer', () => {
  it.each([
    ['closes every connection with 1011 (a server fault)', { CLOSE_WITH: '1011' }],
    ['drops every connection without a close frame', { DROP_AFTER_MS: '5' }],
  ])('a server that %s is ready: the scenarios measure that', async (_name, faults) => {
    const server = await launch('faulty', faults);
    const ready = await waitForHandshake(targetOf(server.url()), { timeoutMs: 10_000, signal: new AbortController().signal });
    expect(ready.attempts).toBe(1);
  });
});

describe('the failure summary when the budget runs out', () => {
  it('the most frequent real failure (socket hang up), not the attempt cut by the budget', async () => {
    const server = await launch('socketIo');
    // Hang-ups never count as definite here, so the budget runs out and the summary speaks.
    const { error } = await notReady(targetOf(server.url('/')), { timeoutMs: 3000, definiteAttempts: 1000 });
    expect(error.kind).toBe('timeout');
    expect(error.message).toMatch(/within 3 s \(\d+ attempts; most frequent: reset: socket hang up \(\d+ of \d+\); .*likely a wrong path/);
    expect(error.message).not.toMatch(/most frequent: timeout/);
  });
});

describe('a server that hangs up on every upgrade once its port is open', () => {
  it('Socket.IO at the root: start-up ends in a few seconds with the whole hint, not after the 30 s budget', async () => {
    const server = await launch('socketIo');
    const { error, elapsedMs } = await notReady(targetOf(server.url('/')));
    console.log(`socket.io at /: ${error.message} (${Math.round(elapsedMs)} ms)`);
    expect(error.kind).toBe('hangs-up');
    expect(error.message).toMatch(/takes the TCP connection at ws:\/\/127\.0\.0\.1:\d+\/ but hangs up on every WebSocket upgrade request/);
    expect(error.message).toMatch(/\(\d+ attempts over \d\.\d s; reset: socket hang up\): the path \/ is likely wrong/);
    expect(error.message).toMatch(/\(Socket\.IO listens on \/socket\.io\/\?EIO=4&transport=websocket\)$/);
    expect(elapsedMs).toBeLessThan(10_000);
  });

  it('a server whose WebSocket handler comes up a moment after its port opens is still waited for', async () => {
    // Node hangs up on an upgrade nobody handles: for the first 1.5 s this server does exactly that.
    const server = await launch('faulty', { UPGRADE_AFTER_MS: '1500' });
    const ready = await waitForHandshake(targetOf(server.url()), { timeoutMs: 10_000, signal: new AbortController().signal });
    expect(ready.afterMs).toBeGreaterThan(1000);
  });
});

describe('protocol detection never breaks a server that wants its own subprotocol', () => {
  // As a ws server with handleProtocols: it refuses any other subprotocol (the client then fails with "Server sent
  // no subprotocol") and closes a connection without one with 1002.
  const env = { CLOSE_WITHOUT_PROTOCOL: 'chat.v1', REQUIRE_TOKEN: 'sesame' };
  const headers = { Authorization: 'Bearer sesame' };

  it('without the subprotocol: ends within seconds, naming the close reason and the subprotocols input', async () => {
    const server = await launch('strict', env);
    const { error, elapsedMs } = await notReady(targetOf(server.url(), { headers }), { fallbackSubprotocols: knownSubprotocols() });
    console.log(`chat.v1: ${error.message} (${Math.round(elapsedMs)} ms)`);
    expect(error.kind).toBe('closes-at-once');
    expect(error.message).toMatch(/closes every connection right away \(code 1002 "subprotocol chat\.v1 required"; \d+ attempts /);
    expect(error.message).toMatch(/: it wants the subprotocol chat\.v1: set subprotocols: chat\.v1 /);
    expect(error.message).toMatch(/\(offered graphql-transport-ws as well: error: Server sent no subprotocol\)$/);
    expect(elapsedMs).toBeLessThan(5000);
  });

  it('with it: ready at the first attempt, offering only what the user set', async () => {
    const server = await launch('strict', env);
    const ready = await waitForHandshake(targetOf(server.url(), { headers, subprotocols: ['chat.v1'] }), {
      timeoutMs: 5000,
      signal: new AbortController().signal,
      fallbackSubprotocols: [],
    });
    expect(ready).toMatchObject({ attempts: 1, target: { subprotocols: ['chat.v1'] } });
  });
});
