// Recovery: after the storm, one stable connection must answer pings and test messages, spoken through the server's protocol.

import { closeConnection, isDeliberateClose, openConnection, type Target } from '../client/connection.js';
import type { ProtocolAdapter } from '../client/protocols/adapter.js';
import { raw } from '../client/protocols/raw.js';
import { ProtocolSession, type SessionClose } from '../client/protocols/session.js';
import { summarize } from '../analysis/stats.js';
import type { Expect } from '../config/types.js';
import { round } from '../model/format.js';
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

/**
 * What recovery's messages are judged by, in the one wording the progress line and the result share: the
 * protocol's own answer when its probe is sent (the user set neither message nor expect), else `expect`.
 */
export function expectWords(spec: RecoverySpec, adapter: ProtocolAdapter): string {
  return spec.messageIsDefault && adapter.probe ? `${adapter.id} answer` : describeExpect(spec.expect);
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

/** What one recovery connection is judged with, shared by its steps. */
interface Exchange {
  session: ProtocolSession;
  result: RecoveryResult;
  /** The adapter's own probe, sent when the user left message and expect at their defaults; null otherwise. */
  probe: ProtocolAdapter['probe'] | null;
  /** Each wait's bound: the connect timeout. */
  waitMs: number;
  signal: AbortSignal;
}

/** When a message was sent (ms after open) and its number, to say what a server's close answered. */
type LastSent = { atMs: number; n: number } | null;

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
  result.expect = expectWords(spec, adapter);
  const opened = await openConnection(target, signal);
  if (!opened.ok) {
    result.connectFailure = opened.failure;
    result.problems.push(`could not connect: ${opened.failure} (${opened.message})`);
    return result;
  }
  // Attached before any await: a protocol that speaks first (Engine.IO) sends right after the handshake.
  const session = ProtocolSession.attach(opened.ws, adapter);
  result.connected = true;
  result.handshakeMs = round(opened.handshakeMs, 2);
  const x: Exchange = { session, result, probe, waitMs: target.connectTimeoutMs, signal };

  // A user message that is itself the opening (Socket.IO's `40`, as older workflows set) opens the session: sent twice, a second `40` is
  // refused.
  const userOpens = !probe && adapter.opening !== null && spec.message === adapter.opening.send;
  const openingProblem = userOpens ? null : await session.open(x.waitMs, signal);
  if (openingProblem !== null && stillOpen(x)) result.problems.push(openingProblem);
  const lastSent = openingProblem === null ? await pingThenSend(x, spec) : null;

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

function stillOpen(x: Exchange): boolean {
  return x.session.close === null && !x.signal.aborted;
}

/** The pings, then the messages, each while the connection is open; returns the last message sent. */
async function pingThenSend(x: Exchange, spec: RecoverySpec): Promise<LastSent> {
  const { session, result, waitMs, signal } = x;
  const rtts: number[] = [];
  for (let i = 0; i < spec.pings && stillOpen(x); i++) {
    result.pingsSent += 1;
    const pong = await session.ping(waitMs, signal);
    if (pong.kind === 'pong') {
      result.pongsReceived += 1;
      rtts.push(pong.rttMs);
    } else if (pong.kind === 'timeout') {
      result.problems.push(`ping ${i + 1} got no pong within ${waitMs} ms${notSent(spec.pings - i - 1, spec.messages)}`);
      result.pingRttMs = summarize(rtts);
      return null;
    }
  }
  result.pingRttMs = summarize(rtts);

  let lastSent: LastSent = null;
  for (let n = 1; n <= spec.messages && stillOpen(x); n++) {
    // Sent as given: a protocol packet (Socket.IO's `40`, a JSON command) must reach the server intact.
    const text = x.probe ? x.probe.message : spec.message;
    session.clearInbox();
    const sentAt = session.elapsedMs();
    const sendError = await session.send(text, waitMs);
    result.messagesSent += 1;
    if (sendError) {
      result.problems.push(`message ${n} could not be sent: ${sendError}`);
      // A server that stopped reading takes no further message either.
      break;
    }
    lastSent = { atMs: sentAt, n };
    const answer = await awaitAnswer(x, spec.expect, text, n);
    if (answer === 'answered') result.messagesAnswered += 1;
    else if (answer !== 'cut short') {
      result.problems.push(answer.timedOut ? `${answer.problem}${notSent(0, spec.messages - n)}` : answer.problem);
      if (answer.timedOut) break;
    }
  }
  return lastSent;
}

/**
 * After a wait that timed out: what was not sent. Recovery already fails, and a server that answered nothing within
 * the connect timeout would make each further wait as long (a server that stopped reading: pings x messages x it).
 */
function notSent(pings: number, messages: number): string {
  const parts = [
    pings > 0 ? `${pings} ping${pings === 1 ? '' : 's'}` : '',
    messages > 0 ? `${messages} message${messages === 1 ? '' : 's'}` : '',
  ];
  const what = parts.filter((p) => p !== '').join(' and ');
  return what === '' ? '' : `; the other ${what} not sent`;
}

/** A message's fate: answered, a problem, or a wait cut short by the server's close or the run's stop (judged apart). */
type Answer = 'answered' | 'cut short' | { problem: string; timedOut?: true };

/** Waits for message `n`'s answer: the probe's, a pong (expect none) or a reply `expect` accepts. */
async function awaitAnswer(x: Exchange, expect: Expect, text: string, n: number): Promise<Answer> {
  const { session, probe, waitMs, signal } = x;
  if (probe) {
    const reply = await session.next(waitMs, signal, probe.answers);
    if (reply.kind === 'message') {
      const after = probe.after?.(reply.text) ?? null;
      if (after !== null && (await session.send(after, waitMs)) === null) {
        // Socket.IO handles a namespace's disconnect on a later tick: a pong proves the server read past it before the next probe.
        await session.ping(waitMs, signal);
      }
      return 'answered';
    }
    return reply.kind === 'timeout'
      ? { problem: `message ${n} (${probe.describe}) got no answer within ${waitMs} ms`, timedOut: true }
      : 'cut short';
  }
  if (expect.kind === 'none') {
    // Nothing to read back: a pong to a ping sent after the message proves the server read it and kept the connection.
    const pong = await session.ping(waitMs, signal);
    if (pong.kind === 'pong') return 'answered';
    return pong.kind === 'timeout'
      ? { problem: `message ${n}: no pong to the ping sent after it within ${waitMs} ms`, timedOut: true }
      : 'cut short';
  }
  const reply = await session.next(waitMs, signal);
  if (reply.kind === 'message') {
    return replyMatches(expect, text, reply.text)
      ? 'answered'
      : { problem: `message ${n}: reply does not match expect ${x.result.expect}: ${reply.text.slice(0, 200)}` };
  }
  return reply.kind === 'timeout' ? { problem: `message ${n} got no reply within ${waitMs} ms`, timedOut: true } : 'cut short';
}

/** A problem, or (for the gate's own default text) a note that the server answered it with a deliberate close. */
function judgeServerClose(result: RecoveryResult, close: SessionClose, lastSent: LastSent, spec: RecoverySpec, defaultText: boolean): void {
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
  // A session held for no time (the hostile phase's, after each case) has no hold to compare with.
  const of = spec.holdMs > 0 ? `, of ${spec.holdMs} ms` : '';
  const when = answeredText
    ? `${Math.round(close.atMs - lastSent.atMs)} ms after message ${lastSent.n} was sent (${at} ms after it opened${of})`
    : `${at} ms after it opened, before any message was sent${spec.holdMs > 0 ? ` (hold ${spec.holdMs} ms)` : ''}`;
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
