// Recovery: after the storm, one stable connection must answer pings and test messages, spoken through the server's protocol.

import { closeConnection, isDeliberateClose, openConnection, type Target } from '../client/connection.js';
import type { ProtocolAdapter } from '../client/protocols/adapter.js';
import { raw } from '../client/protocols/raw.js';
import { ProtocolSession, type SessionClose } from '../client/protocols/session.js';
import { summarize } from '../analysis/stats.js';
import type { Expect } from '../config/types.js';
import type { RecoveryResult } from '../model/report.js';

export { isDeliberateClose };
export { recoveryPassed } from '../analysis/recovery.js';

/** What recovery does: the user's settings plus whether the message was left at its default. */
export interface RecoverySpec {
  pings: number;
  messages: number;
  holdMs: number;
  message: string;
  expect: Expect;
  /**
   * True when the user set neither `message` nor `expect`: the adapter's own probe is sent (raw: the default text),
   * and a raw server that closes deliberately on that text is responsive. False or absent: judged strictly.
   */
  messageIsDefault?: boolean;
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

/**
 * One connection held `holdMs`: the adapter's opening exchange, `pings` WebSocket pings, then `messages` messages.
 * Every wait ends at once when the server closes the connection; the close (code, reason, when) is in the result.
 */
export async function runRecovery(
  spec: RecoverySpec,
  target: Target,
  signal: AbortSignal,
  adapter: ProtocolAdapter = raw,
): Promise<RecoveryResult> {
  const result = emptyRecoveryResult(spec, true);
  result.protocol = adapter.id;
  const probe = spec.messageIsDefault ? adapter.probe : null;
  if (probe) result.expect = `${adapter.id} answer`;
  const opened = await openConnection(target, signal);
  if (!opened.ok) {
    result.connectFailure = opened.failure;
    result.problems.push(`could not connect: ${opened.failure} (${opened.message})`);
    return result;
  }
  // Attached before any await: a protocol that speaks first (Engine.IO) sends right after the handshake.
  const session = ProtocolSession.attach(opened.ws, adapter);
  result.connected = true;
  result.handshakeMs = Math.round(opened.handshakeMs * 100) / 100;
  const waitMs = target.connectTimeoutMs;
  const stillOpen = (): boolean => session.close === null && !signal.aborted;
  /** When the last message was sent (ms after open) and its number, to say what the server's close answered. */
  let lastSent: { atMs: number; n: number } | null = null;

  // A user message that is itself the opening (Socket.IO's `40`, as older workflows set) opens the session: sent twice, a second `40` is
  // refused.
  const userOpens = !probe && adapter.opening !== null && spec.message === adapter.opening.send;
  const openingProblem = userOpens ? null : await session.open(waitMs, signal);
  if (openingProblem !== null && stillOpen()) result.problems.push(openingProblem);

  const rtts: number[] = [];
  for (let i = 0; i < spec.pings && openingProblem === null && stillOpen(); i++) {
    result.pingsSent += 1;
    const pong = await session.ping(waitMs, signal);
    if (pong.kind === 'pong') {
      result.pongsReceived += 1;
      rtts.push(pong.rttMs);
    } else if (pong.kind === 'timeout') {
      result.problems.push(`ping ${i + 1} got no pong within ${waitMs} ms`);
    }
  }
  result.pingRttMs = summarize(rtts);

  for (let i = 0; i < spec.messages && openingProblem === null && stillOpen(); i++) {
    // Sent as given: a protocol packet (Socket.IO's `40`, a JSON command) must reach the server intact.
    const text = probe ? probe.message : spec.message;
    session.clearInbox();
    const sentAt = session.elapsedMs();
    const sendError = await session.send(text, waitMs);
    result.messagesSent += 1;
    if (sendError) {
      result.problems.push(`message ${i + 1} could not be sent: ${sendError}`);
      // A server that stopped reading takes no further message either.
      break;
    }
    lastSent = { atMs: sentAt, n: i + 1 };
    if (probe) {
      const reply = await session.next(waitMs, signal, probe.answers);
      if (reply.kind === 'message') {
        result.messagesAnswered += 1;
        const after = probe.after?.(reply.text) ?? null;
        if (after !== null && (await session.send(after, waitMs)) === null) {
          // Socket.IO handles a namespace's disconnect on a later tick: a pong proves the server read past it before the next probe.
          await session.ping(waitMs, signal);
        }
      } else if (reply.kind === 'timeout') result.problems.push(`message ${i + 1} (${probe.describe}) got no answer within ${waitMs} ms`);
    } else if (spec.expect.kind === 'none') {
      // Nothing to read back: a pong to a ping sent after the message proves the server read it and kept the connection.
      const pong = await session.ping(waitMs, signal);
      if (pong.kind === 'pong') result.messagesAnswered += 1;
      else if (pong.kind === 'timeout') result.problems.push(`message ${i + 1}: no pong to the ping sent after it within ${waitMs} ms`);
    } else {
      const reply = await session.next(waitMs, signal);
      if (reply.kind === 'message') {
        if (replyMatches(spec.expect, text, reply.text)) result.messagesAnswered += 1;
        else result.problems.push(`message ${i + 1}: reply does not match expect ${result.expect}: ${reply.text.slice(0, 200)}`);
      } else if (reply.kind === 'timeout') {
        result.problems.push(`message ${i + 1} got no reply within ${waitMs} ms`);
      }
    }
  }

  await session.hold(spec.holdMs - session.elapsedMs(), signal);
  result.heldMs = Math.round(session.elapsedMs());
  session.detach();
  const close = session.close;
  if (close !== null) {
    result.serverClose = { ...close, atMs: Math.round(close.atMs) };
    judgeServerClose(result, close, lastSent, spec, probe === null && spec.messageIsDefault === true);
  } else {
    const closed = await closeConnection(opened.ws, 'clean', target.closeTimeoutMs);
    result.closedCleanly = closed.clean;
    if (!closed.clean) result.problems.push(`the close was not clean: ${closed.failure ?? `code ${closed.code}`}`);
  }
  if (signal.aborted) result.problems.push('the run was stopped during recovery');
  return result;
}

/** A problem, or (for the gate's own default text) a note that the server answered it with a deliberate close. */
function judgeServerClose(
  result: RecoveryResult,
  close: SessionClose,
  lastSent: { atMs: number; n: number } | null,
  spec: RecoverySpec,
  defaultText: boolean,
): void {
  const at = Math.round(close.atMs);
  const answeredText = lastSent !== null && close.atMs >= lastSent.atMs;
  if (defaultText && answeredText && isDeliberateClose(close.code) && result.problems.length === 0) {
    result.messagesJudged = false;
    (result.notes ??= []).push(
      `the server closed the connection ${closedWith(close)}, ${Math.round(close.atMs - lastSent.atMs)} ms after the gate's default ` +
        `test message: it is responsive but does not take arbitrary text, so the messages were not judged; to test a real ` +
        `exchange set protocol (socket.io, graphql-ws) or message and expect`,
    );
    return;
  }
  const when = answeredText
    ? `${Math.round(close.atMs - lastSent.atMs)} ms after message ${lastSent.n} was sent (${at} ms after it opened, of ${spec.holdMs} ms)`
    : `${at} ms after it opened, before any message was sent (hold ${spec.holdMs} ms)`;
  result.problems.push(`the server closed the connection ${closedWith(close)}, ${when}`);
}

/** `(code 4401) with reason "Unauthorized"`, or `(code 1005) without a reason`. */
export function closedWith(close: { code: number; reason: string }): string {
  return `(code ${close.code}) ${close.reason ? `with reason ${JSON.stringify(close.reason.slice(0, 200))}` : 'without a reason'}`;
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
