// Recovery: after the storm, one stable connection must answer pings and test messages.

import { setTimeout as sleep } from 'node:timers/promises';
import type WebSocket from 'ws';
import { closeConnection, openConnection, type Target } from '../client/connection.js';
import { summarize } from '../analysis/stats.js';
import type { Expect } from '../config/types.js';
import type { RecoveryResult } from '../model/report.js';

export interface RecoverySpec {
  pings: number;
  messages: number;
  holdMs: number;
  message: string;
  expect: Expect;
}

/** Text of an Expect as the user wrote it. */
export function describeExpect(expect: Expect): string {
  return expect.kind === 'regex' ? `/${expect.source}/${expect.flags}` : expect.kind;
}

/** Does `reply` answer `sent` under `expect`? */
export function replyMatches(expect: Expect, sent: string, reply: string): boolean {
  switch (expect.kind) {
    case 'none':
    case 'any':
      return true;
    case 'echo':
      return reply === sent;
    case 'regex':
      return new RegExp(expect.source, expect.flags).test(reply);
  }
}

export async function runRecovery(spec: RecoverySpec, target: Target, signal: AbortSignal): Promise<RecoveryResult> {
  const result = emptyRecoveryResult(spec, true);
  const opened = await openConnection(target, signal);
  if (!opened.ok) {
    result.connectFailure = opened.failure;
    result.problems.push(`could not connect: ${opened.failure} (${opened.message})`);
    return result;
  }
  const ws = opened.ws;
  const openedAt = performance.now();
  result.connected = true;
  result.handshakeMs = Math.round(opened.handshakeMs * 100) / 100;
  let serverClosed: number | null = null;
  ws.once('close', (code: number) => {
    serverClosed = code;
  });
  // Replies that arrive before we send anything (a protocol that speaks first) answer nothing of ours.
  const inbox: string[] = [];
  let waiter: (() => void) | null = null;
  let sending = false;
  ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
    if (!sending) return;
    inbox.push(isBinary ? `<binary ${rawLength(data)} bytes>` : rawText(data));
    waiter?.();
  });

  const waitTimeoutMs = target.connectTimeoutMs;
  const rtts: number[] = [];
  for (let i = 0; i < spec.pings && !signal.aborted && serverClosed === null; i++) {
    result.pingsSent += 1;
    const rtt = await pingOnce(ws, waitTimeoutMs, signal);
    if (rtt === null) result.problems.push(`ping ${i + 1} got no pong within ${waitTimeoutMs} ms`);
    else {
      result.pongsReceived += 1;
      rtts.push(rtt);
    }
  }
  result.pingRttMs = summarize(rtts);

  for (let i = 0; i < spec.messages && !signal.aborted && serverClosed === null; i++) {
    // Sent as given: a protocol packet (Socket.IO's `40`, a JSON command) must reach the server intact.
    const text = spec.message;
    sending = true;
    const sendError = await sendWithin(ws, text, waitTimeoutMs);
    result.messagesSent += 1;
    if (sendError) {
      result.problems.push(`message ${i + 1} could not be sent: ${sendError}`);
      // A server that stopped reading takes no further message either.
      break;
    }
    if (spec.expect.kind === 'none') {
      result.messagesAnswered += 1;
      continue;
    }
    const reply = await nextReply(
      () => inbox.shift(),
      (w) => (waiter = w),
      waitTimeoutMs,
      signal,
    );
    waiter = null;
    if (reply === undefined) result.problems.push(`message ${i + 1} got no reply within ${waitTimeoutMs} ms`);
    else if (replyMatches(spec.expect, text, reply)) result.messagesAnswered += 1;
    else result.problems.push(`message ${i + 1}: reply does not match expect ${result.expect}: ${reply.slice(0, 200)}`);
  }

  const remaining = spec.holdMs - (performance.now() - openedAt);
  if (remaining > 0 && serverClosed === null) {
    await sleep(remaining, undefined, { signal }).catch(() => undefined);
  }
  result.heldMs = Math.round(performance.now() - openedAt);
  if (serverClosed !== null) {
    result.problems.push(`the server closed the connection (code ${serverClosed}) after ${result.heldMs} ms`);
  } else {
    const closed = await closeConnection(ws, 'clean', target.closeTimeoutMs);
    result.closedCleanly = closed.clean;
    if (!closed.clean) result.problems.push(`the close was not clean: ${closed.failure ?? `code ${closed.code}`}`);
  }
  if (signal.aborted) result.problems.push('the run was stopped during recovery');
  return result;
}

/** Sends one message; resolves with why it failed, or null once it is written. Never waits past timeoutMs. */
function sendWithin(ws: WebSocket, text: string, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(
      () => resolve(`not written within ${timeoutMs} ms (the server stopped reading; ${ws.bufferedAmount} bytes queued)`),
      timeoutMs,
    );
    ws.send(text, (err) => {
      clearTimeout(timer);
      resolve(err ? err.message : null);
    });
  });
}

/** Round-trip time of one ping, or null when no pong arrives in time. */
function pingOnce(ws: WebSocket, timeoutMs: number, signal: AbortSignal): Promise<number | null> {
  return new Promise((resolve) => {
    const start = performance.now();
    const done = (value: number | null): void => {
      clearTimeout(timer);
      ws.off('pong', onPong);
      signal.removeEventListener('abort', onAbort);
      resolve(value);
    };
    const onPong = (): void => done(performance.now() - start);
    const onAbort = (): void => done(null);
    const timer = setTimeout(() => done(null), timeoutMs);
    ws.on('pong', onPong);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      ws.ping();
    } catch {
      done(null);
    }
  });
}

async function nextReply(
  take: () => string | undefined,
  setWaiter: (w: () => void) => void,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<string | undefined> {
  const ready = take();
  if (ready !== undefined) return ready;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    signal.addEventListener('abort', done, { once: true });
    setWaiter(done);
  });
  return take();
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

function rawLength(data: WebSocket.RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return (data as ArrayBuffer).byteLength;
}

/** The result of a recovery that did not run. */
export function emptyRecoveryResult(spec: RecoverySpec, enabled: boolean): RecoveryResult {
  return {
    id: 'recovery',
    enabled,
    connected: false,
    handshakeMs: null,
    pingsSent: 0,
    pongsReceived: 0,
    pingRttMs: null,
    messagesSent: 0,
    messagesAnswered: 0,
    expect: describeExpect(spec.expect),
    heldMs: 0,
    closedCleanly: false,
    problems: [],
  };
}
