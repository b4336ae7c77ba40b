// Protocol detection and recovery against real servers over loopback: Socket.IO, graphql-ws, hocuspocus, ws, Python.

import { describe, expect, it } from 'vitest';
import { closeConnection, openConnection, type Target } from '../src/client/connection.js';
import { adapterFor, detectProtocol, knownSubprotocols } from '../src/client/protocols/index.js';
import type { Expect } from '../src/config/types.js';
import { recoveryPassed, runRecovery, type RecoverySpec } from '../src/scenarios/recovery.js';
import { waitForHandshake } from '../src/server/readiness.js';
import { SERVERS, SOCKET_IO_PATH, testServers } from './helpers/test-server.js';

const { start } = testServers();
/** Started once its port takes TCP: readiness and detection are what is under test. */
const launch = (which: keyof typeof SERVERS) => start(SERVERS[which], { ready: 'port' });

function targetOf(url: string): Target {
  return { url, headers: {}, subprotocols: [], connectTimeoutMs: 2000, closeTimeoutMs: 1000 };
}

/** The gate's defaults: 3 pings, 5 messages of the default text, expect none, a 1 s hold; the user set nothing. */
const DEFAULTS: RecoverySpec = {
  pings: 3,
  messages: 5,
  holdMs: 1000,
  message: 'ws-resilience-gate test message',
  expect: { kind: 'none' },
  messageIsDefault: true,
};

/** As the run will do it: readiness (with the known subprotocols as fallback), detection, recovery. */
async function detectAndRecover(url: string, spec: RecoverySpec = DEFAULTS) {
  const signal = new AbortController().signal;
  const ready = await waitForHandshake(targetOf(url), { timeoutMs: 10_000, signal, fallbackSubprotocols: knownSubprotocols() });
  const detection = await detectProtocol(ready.target, { signal });
  const recovery = await runRecovery(spec, detection.target, signal, adapterFor(detection.id));
  return { ready, detection, recovery };
}

const line = (r: Awaited<ReturnType<typeof detectAndRecover>>['recovery']): string =>
  `pings ${r.pongsReceived}/${r.pingsSent}, messages ${r.messagesAnswered}/${r.messagesSent} (${r.expect}), ` +
  `held ${r.heldMs} ms, closed cleanly ${r.closedCleanly}, problems ${JSON.stringify(r.problems)}, notes ${JSON.stringify(r.notes ?? [])}`;

describe('detectProtocol and recovery at defaults, real servers', () => {
  it('Socket.IO: detected from the Engine.IO open packet; the namespace probe is answered', async () => {
    const server = await launch('socketIo');
    const { detection, recovery } = await detectAndRecover(server.url(SOCKET_IO_PATH));
    console.log(`socket.io: ${detection.id} (${detection.why}); recovery: ${line(recovery)}`);
    expect(detection.id).toBe('socket.io');
    expect(detection.why).toMatch(/Engine\.IO open packet/);
    expect(recovery).toMatchObject({ protocol: 'socket.io', pongsReceived: 3, messagesSent: 5, messagesAnswered: 5, closedCleanly: true });
    expect(recovery.problems).toEqual([]);
    expect(recoveryPassed(recovery)).toBe(true);
  });

  it('Socket.IO with dynamic namespaces: the probe namespace connects, is left, and every probe is answered', async () => {
    const server = await launch('socketIoDynamic');
    const { detection, recovery } = await detectAndRecover(server.url(SOCKET_IO_PATH));
    expect(detection.id).toBe('socket.io');
    expect(recovery).toMatchObject({ pongsReceived: 3, messagesSent: 5, messagesAnswered: 5, closedCleanly: true, problems: [] });
  });

  it('graphql-ws given only the URL: the 4406 close leads to graphql-transport-ws; ping messages get pongs', async () => {
    const server = await launch('graphqlWs');
    const { ready, detection, recovery } = await detectAndRecover(server.url('/graphql'));
    console.log(`graphql-ws: ${detection.id} (${detection.why}); ready note: ${ready.note}; recovery: ${line(recovery)}`);
    expect(detection.id).toBe('graphql-ws');
    expect(detection.target.subprotocols).toEqual(['graphql-transport-ws']);
    expect(recovery).toMatchObject({ protocol: 'graphql-ws', pongsReceived: 3, messagesAnswered: 5, closedCleanly: true });
    expect(recoveryPassed(recovery)).toBe(true);
  });

  it('graphql-ws detection works without readiness offering anything (attach mode, first contact)', async () => {
    const server = await launch('graphqlWs');
    const detection = await detectProtocol(targetOf(server.url('/graphql')), { signal: new AbortController().signal });
    expect(detection.id).toBe('graphql-ws');
    expect(detection.why).toMatch(/4406 "Subprotocol not acceptable".*graphql-transport-ws/);
  });

  it.each([
    ['ws echo', 'echo'],
    ['Python websockets', 'python'],
  ] as const)('%s: raw; the default messages are answered', async (_name, which) => {
    const server = await launch(which);
    const { detection, recovery } = await detectAndRecover(server.url());
    expect(detection.id).toBe('raw');
    expect(detection.target.subprotocols).toEqual([]);
    expect(recovery).toMatchObject({ protocol: 'raw', pongsReceived: 3, messagesAnswered: 5, closedCleanly: true });
    expect(recoveryPassed(recovery)).toBe(true);
  });

  it.each([
    ['the 4401 fixture', 'strict'],
    ['hocuspocus', 'hocuspocus'],
  ] as const)('%s: closes with 4401 "Unauthorized" on the default text: responsive, a note, a pass', async (name, which) => {
    const server = await launch(which);
    const { detection, recovery } = await detectAndRecover(server.url());
    console.log(`${name}: ${detection.id} (${detection.why}); recovery: ${line(recovery)}`);
    expect(detection.id).toBe('raw');
    expect(recovery.pongsReceived).toBe(3);
    expect(recovery.serverClose).toMatchObject({ code: 4401, reason: 'Unauthorized' });
    // Closed right after the first message: the hold did not run out, and nothing was counted as an answer.
    expect(recovery.messagesSent).toBe(1);
    expect(recovery.messagesAnswered).toBe(0);
    expect(recovery.heldMs).toBeLessThan(DEFAULTS.holdMs / 3);
    expect(recovery.messagesJudged).toBe(false);
    expect(recovery.problems).toEqual([]);
    expect(recovery.notes?.join('\n')).toMatch(
      /\(code 4401\) with reason "Unauthorized", \d+ ms after the gate's default .*set protocol .* or message and expect/,
    );
    expect(recoveryPassed(recovery)).toBe(true);
  });
});

describe('recovery with a message the user set: judged strictly', () => {
  const userSet = (message: string, expect: Expect): RecoverySpec => ({ ...DEFAULTS, message, expect, messageIsDefault: false });

  it('the 4401 server fails with the code and reason, and the close time is when it came', async () => {
    const server = await launch('strict');
    const { recovery } = await detectAndRecover(server.url(), userSet('subscribe', { kind: 'any' }));
    console.log(`4401 server, message set: ${line(recovery)}`);
    expect(recoveryPassed(recovery)).toBe(false);
    expect(recovery.messagesAnswered).toBe(0);
    expect(recovery.problems.join('\n')).toMatch(
      /closed the connection \(code 4401\) with reason "Unauthorized", \d+ ms after message 1 was sent/,
    );
    // The wait for a reply ended with the close, not after connect-timeout (2000 ms).
    expect(recovery.heldMs).toBeLessThan(2000 / 3);
    expect(recovery.serverClose!.atMs).toBeLessThan(2000 / 3);
  });

  it('the same server passes when the message is one it speaks', async () => {
    const server = await launch('strict');
    const { recovery } = await detectAndRecover(server.url(), userSet('hello', { kind: 'regex', source: '^world$', flags: '' }));
    expect(recovery).toMatchObject({ messagesSent: 5, messagesAnswered: 5, closedCleanly: true, problems: [] });
  });

  it('Socket.IO with the example workflow settings (message 40, expect /^40\\{"sid"/) still passes through the adapter', async () => {
    const server = await launch('socketIo');
    const spec = { ...userSet('40', { kind: 'regex', source: '^40\\{"sid"', flags: '' }), messages: 1 };
    const { recovery } = await detectAndRecover(server.url(SOCKET_IO_PATH), spec);
    expect(recovery).toMatchObject({ protocol: 'socket.io', messagesAnswered: 1, closedCleanly: true, problems: [] });
  });
});

describe('a closed connection ends every wait at once', () => {
  it('graphql-ws spoken as raw without its subprotocol: the pings end with the 4406 close, not after connect-timeout', async () => {
    const server = await launch('graphqlWs');
    const signal = new AbortController().signal;
    const started = performance.now();
    const recovery = await runRecovery(
      { ...DEFAULTS, messageIsDefault: false },
      { ...targetOf(server.url('/graphql')), connectTimeoutMs: 5000 },
      signal,
    );
    const elapsedMs = performance.now() - started;
    console.log(`graphql-ws as raw: ${line(recovery)} (${Math.round(elapsedMs)} ms)`);
    expect(recovery.serverClose).toMatchObject({ code: 4406, reason: 'Subprotocol not acceptable' });
    expect(recovery.problems.join('\n')).toMatch(
      /\(code 4406\) with reason "Subprotocol not acceptable", \d+ ms after it opened, before any message was sent/,
    );
    expect(recovery.problems.join('\n')).not.toMatch(/no pong/);
    expect(recoveryPassed(recovery)).toBe(false);
    // 5000 ms would be one ping's wait: the whole recovery took far less.
    expect(elapsedMs).toBeLessThan(5000 / 3);
  });
});

describe('load with the detected target', () => {
  it('graphql-ws: flapping cycles offering graphql-transport-ws close cleanly (without it, none does)', async () => {
    const server = await launch('graphqlWs');
    const signal = new AbortController().signal;
    const plain = targetOf(server.url('/graphql'));
    const detection = await detectProtocol(plain, { signal });
    const cycle = async (target: Target): Promise<boolean> => {
      const opened = await openConnection(target, signal);
      if (!opened.ok) return false;
      // Hold as a flapping cycle does (hold-ms 20): long enough for a 4406 close to arrive first.
      await new Promise((resolve) => setTimeout(resolve, 20));
      return (await closeConnection(opened.ws, 'clean', target.closeTimeoutMs)).clean;
    };
    const detected: boolean[] = [];
    const without: boolean[] = [];
    for (let i = 0; i < 10; i++) {
      detected.push(await cycle(detection.target));
      without.push(await cycle(plain));
    }
    expect(detected.filter(Boolean).length).toBe(10);
    expect(without.filter(Boolean).length).toBe(0);
  });
});
