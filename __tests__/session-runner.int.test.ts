// The session runner on real connections to real servers: the protocol's opening, then the flow's steps; and a
// session that does not complete names the step and why (no reply, only other replies, a close, a refusal).

import { describe, expect, it } from 'vitest';
import { closeConnection, openConnection, type Target } from '../src/client/connection.js';
import { adapterFor, targetFor } from '../src/client/protocols/index.js';
import { compileSession, runSession } from '../src/client/session/runner.js';
import { parseSession } from '../src/config/session.js';
import type { ProtocolId } from '../src/client/protocols/adapter.js';
import { fixturePath, NODE, SOCKET_IO_PATH, testServers } from './helpers/test-server.js';

const { startShared } = testServers();

/** One server per fixture for the whole file: each test opens its own connection. */
const started = new Map<string, ReturnType<typeof startShared>>();
function fixture(name: string) {
  if (!started.has(name)) started.set(name, startShared(`${NODE} ${fixturePath(`sessions/${name}`)}`, { ready: 'port' }));
  return started.get(name)!;
}

function targetOf(url: string, protocol: ProtocolId): Target {
  return targetFor({ url, headers: {}, subprotocols: [], connectTimeoutMs: 3000, closeTimeoutMs: 1000 }, adapterFor(protocol));
}

/** One connection: open, run the session, close cleanly; the failure (or null) and how the close went. */
async function sessionOn(url: string, protocol: ProtocolId, yaml: string | null) {
  const script = compileSession(yaml === null ? null : parseSession(yaml, null), adapterFor(protocol));
  expect(script).not.toBeNull();
  const target = targetOf(url, protocol);
  const signal = new AbortController().signal;
  const opened = await openConnection(target, signal);
  if (!opened.ok) throw new Error(`no connection: ${opened.failure} ${opened.message}`);
  const running = await runSession(opened.ws, script!, target.closeTimeoutMs, signal);
  const closed = await closeConnection(opened.ws, 'clean', target.closeTimeoutMs);
  running.end();
  return { failure: running.failure, closed, describe: script!.describe };
}

describe('Socket.IO: the namespace connect, then emit with acknowledge and response', () => {
  it('completes a flow of events on the default namespace', async () => {
    const server = await fixture('socketio-presence-server.js');
    const flow = `
- emit: { channel: join, data: lobby }
  response: { channel: joined, match: { json: $.0.room, value: lobby } }
- emit: [chat, hello]
  acknowledge: { match: { json: $.0.ok, value: true } }
- think: 0.05
`;
    const result = await sessionOn(server.url(SOCKET_IO_PATH), 'socket.io', flow);
    expect(result.failure).toBeNull();
    expect(result.closed.clean).toBe(true);
    expect(result.describe).toBe('socket.io connect + 3 steps');
  });

  it('names the step whose acknowledgement did not carry what it should', async () => {
    const server = await fixture('socketio-presence-server.js');
    const result = await sessionOn(server.url(SOCKET_IO_PATH), 'socket.io', '- emit: [chat, hi]\n  acknowledge: { data: { ok: false } }');
    expect(result.failure).toMatchObject({ step: 'step 1 (emit chat)', kind: 'mismatch' });
    expect(result.failure!.why).toMatch(/^no acknowledgement carrying \{"ok":false\} within 1000 ms \(\d+ other messages?, the last: /);
  });

  it('names a namespace the server refuses', async () => {
    const server = await fixture('socketio-presence-server.js');
    const result = await sessionOn(server.url(SOCKET_IO_PATH), 'socket.io', '- emit: [hello]\n  namespace: /admin');
    expect(result.failure).toMatchObject({ step: 'step 1 (emit hello on /admin)', kind: 'refused' });
    expect(result.failure!.why).toContain('namespace /admin refused the connection: {"message":"Invalid namespace"}');
  });

  it('with no flow: the opening alone', async () => {
    const server = await fixture('socketio-presence-server.js');
    const result = await sessionOn(server.url(SOCKET_IO_PATH), 'socket.io', null);
    expect(result).toMatchObject({ failure: null, describe: 'socket.io connect' });
  });
});

describe('graphql-ws: connection_init, then a subscribe sent as JSON', () => {
  it('completes, waiting for the result the query returns', async () => {
    const server = await fixture('graphql-audit-server.js');
    const flow = `
- send:
    payload: { id: '1', type: subscribe, payload: { query: '{ hello }' } }
    match: [{ json: $.type, value: next }, { json: $.payload.data.hello, value: world }]
- wait: { match: { json: $.type, value: complete } }
`;
    const result = await sessionOn(server.url('/graphql'), 'graphql-ws', flow);
    expect(result.failure).toBeNull();
    expect(result.describe).toBe('graphql-ws connection_init + 2 steps');
  });
});

describe('raw JSON: send and wait for a matching reply', () => {
  it('completes the join the server answers', async () => {
    const server = await fixture('chat-join-server.js');
    const flow = '- send: { payload: { type: join, room: lobby }, match: { json: $.type, value: joined } }\n- send: hello';
    const result = await sessionOn(server.url('/'), 'raw', flow);
    expect(result).toMatchObject({ failure: null, describe: '2 steps' });
  });

  it('says which reply came instead of the one waited for', async () => {
    const server = await fixture('chat-join-server.js');
    const result = await sessionOn(server.url('/'), 'raw', '- send: { payload: hello, match: { json: $.type, value: joined } }');
    expect(result.failure).toEqual({
      step: 'step 1 (send hello)',
      kind: 'mismatch',
      why: 'no $.type = "joined" within 1000 ms (1 other message, the last: hello)',
    });
  });

  it('says when nothing came at all', async () => {
    const server = await fixture('chat-join-server.js');
    const started = performance.now();
    const result = await sessionOn(server.url('/'), 'raw', '- wait: { match: { regexp: never } }');
    expect(result.failure).toMatchObject({ kind: 'no-reply', why: 'no /never/ within 1000 ms (nothing else arrived)' });
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('says when the server closed instead of answering, at once rather than after the timeout', async () => {
    // graphql-ws closes a connection on a message that is not of its protocol (4400).
    const server = await fixture('graphql-audit-server.js');
    const started = performance.now();
    const result = await sessionOn(server.url('/graphql'), 'graphql-ws', '- send: { payload: hello, match: { json: $.type } }');
    expect(result.failure).toMatchObject({ step: 'step 1 (send hello)', kind: 'closed' });
    expect(result.failure!.why).toMatch(
      /^no \$\.type present: the server closed the connection \(code 4400 "Invalid message received"\) at \d+ ms/,
    );
    expect(performance.now() - started).toBeLessThan(900);
    expect(result.closed.clean).toBe(false);
  });

  it('fails a Socket.IO flow on a server that does not speak it, saying so', async () => {
    const server = await fixture('chat-join-server.js');
    const result = await sessionOn(server.url('/'), 'raw', '- emit: [join]');
    expect(result.failure).toEqual({
      step: 'step 1',
      kind: 'unsupported',
      why: "the session's emit steps need Socket.IO; the server speaks raw",
    });
  });
});
