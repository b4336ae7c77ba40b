// Each flow step compiled once into a function of one connection's session (as Artillery's engines compile theirs):
// the plan is read and its regexps built before the first client connects, never per connection.

import { setTimeout as sleep } from 'node:timers/promises';
import type { JsonValue, SessionFailureKind, SessionStep } from '../../model/session.js';
import { type ProtocolSession, type WaitEnd, waitEndText } from '../protocols/session.js';
import { compileMatches, describeMatches, excerpt, parseJson, sameJson, type ReplyTest } from './match.js';
import { connectPacket, eventOf, eventPacket, parsePacket, type SocketIoPacket } from './socket-io-packets.js';

/** Why a session did not complete: the step, and what happened instead. */
export interface StepFailure {
  step: string;
  kind: SessionFailureKind;
  why: string;
}

/** One connection's state while its flow runs. */
export interface StepContext {
  session: ProtocolSession;
  /** How long a step waits for a reply (close-timeout-ms). */
  timeoutMs: number;
  signal: AbortSignal;
  /** Socket.IO namespaces connected so far ('' is, by the adapter's opening). */
  namespaces: Set<string>;
  nextAckId: number;
}

export type CompiledStep = (ctx: StepContext) => Promise<StepFailure | null>;

/** Compiles a flow; `socketIo` says whether the connection speaks Socket.IO (emit steps need it). */
export function compileSteps(steps: readonly SessionStep[], socketIo: boolean): CompiledStep[] {
  return steps.map((step) => compileStep(step, socketIo));
}

function compileStep(step: SessionStep, socketIo: boolean): CompiledStep {
  switch (step.kind) {
    case 'think':
      return async (ctx) => {
        await sleep(step.ms, undefined, { signal: ctx.signal }).catch(() => undefined);
        return null;
      };
    case 'loop': {
      const body = compileSteps(step.steps, socketIo);
      return async (ctx) => {
        for (let i = 0; i < step.count && !ctx.signal.aborted; i++) {
          for (const run of body) {
            const failure = await run(ctx);
            if (failure) return failure;
          }
        }
        return null;
      };
    }
    case 'send':
      return compileSend(step.label, step.text, step.match.length > 0 ? compileMatches(step.match) : null, describeMatches(step.match));
    case 'wait':
      return compileWait(step.label, compileMatches(step.match), describeMatches(step.match));
    case 'emit':
      return socketIo
        ? compileEmit(step)
        : async () => ({ step: step.label, kind: 'unsupported', why: 'emit is a Socket.IO step, and the server does not speak Socket.IO' });
  }
}

function compileSend(label: string, text: string, test: ReplyTest | null, wanted: string): CompiledStep {
  return async (ctx) => {
    // A reply that arrived before we sent answers nothing of ours.
    ctx.session.clearInbox();
    // A step that waits for its reply need not wait for the write as well: a write that fails closes the connection,
    // which ends the wait at once.
    const sendError = test ? ctx.session.write(text) : await ctx.session.send(text, ctx.timeoutMs);
    if (sendError) return { step: label, kind: 'not-sent', why: `not sent: ${sendError}` };
    return test ? awaitReply(ctx, label, test, wanted) : null;
  };
}

function compileWait(label: string, test: ReplyTest, wanted: string): CompiledStep {
  // What arrived since the last step that sent counts: the reply to a send without match may already be here.
  return (ctx) => awaitReply(ctx, label, test, wanted);
}

/** Waits for the first message that passes `test`; says what came instead when none does. */
async function awaitReply(ctx: StepContext, label: string, test: ReplyTest, wanted: string): Promise<StepFailure | null> {
  const others = { count: 0, last: '' };
  const result = await ctx.session.next(ctx.timeoutMs, ctx.signal, (text) => {
    if (test(text, () => parseJson(text))) return true;
    others.count += 1;
    others.last = text;
    return false;
  });
  return result.kind === 'message' ? null : missed(label, wanted, result, ctx.timeoutMs, others);
}

/** The failure of a wait that ended without its reply: nothing came, only other messages, or the server closed. */
function missed(label: string, wanted: string, end: WaitEnd, timeoutMs: number, others: { count: number; last: string }): StepFailure {
  const seen =
    others.count === 0
      ? 'nothing else arrived'
      : `${others.count} other message${others.count === 1 ? '' : 's'}, the last: ${excerpt(others.last)}`;
  if (end.kind === 'timeout') {
    return { step: label, kind: others.count === 0 ? 'no-reply' : 'mismatch', why: `no ${wanted} within ${timeoutMs} ms (${seen})` };
  }
  return { step: label, kind: 'closed', why: `no ${wanted}: ${waitEndText(end, timeoutMs)} (${seen})` };
}

/** Does a Socket.IO reply's arguments carry `data` (Artillery: a list equals them all, anything else the last one)? */
function carries(args: readonly unknown[], data: JsonValue | undefined): boolean {
  if (data === undefined) return true;
  if (Array.isArray(data)) return sameJson(args, data);
  const last = args[args.length - 1];
  if (typeof data === 'string') return typeof last === 'string' && last.includes(data);
  return sameJson(last, data);
}

function compileEmit(step: Extract<SessionStep, { kind: 'emit' }>): CompiledStep {
  const ackTest = step.acknowledge ? compileMatches(step.acknowledge.match) : null;
  const responseTest = step.response ? compileMatches(step.response.match) : null;
  const label = step.label;
  return async (ctx) => {
    const joined = await joinNamespace(ctx, step.namespace, label);
    if (joined) return joined;
    ctx.session.clearInbox();
    const ackId = step.acknowledge ? ctx.nextAckId++ : null;
    const packet = eventPacket(step.namespace, step.event, step.args, ackId);
    const awaits = step.acknowledge !== null || step.response !== null;
    const sendError = awaits ? ctx.session.write(packet) : await ctx.session.send(packet, ctx.timeoutMs);
    if (sendError) return { step: label, kind: 'not-sent', why: `not sent: ${sendError}` };
    const awaited: Awaited[] = [];
    if (step.response && responseTest) {
      const { channel, data } = step.response;
      awaited.push({
        wanted: `event '${channel}'${data === undefined ? '' : ` carrying ${excerpt(JSON.stringify(data))}`}`,
        accept: (p) => {
          const e = eventOf(p);
          return (
            e !== null &&
            p.namespace === step.namespace &&
            e.event === channel &&
            carries(e.args, data) &&
            responseTest(JSON.stringify(e.args), () => e.args)
          );
        },
      });
    }
    if (step.acknowledge && ackTest) {
      const { data } = step.acknowledge;
      awaited.push({
        wanted: `acknowledgement${data === undefined ? '' : ` carrying ${excerpt(JSON.stringify(data))}`}`,
        accept: (p) => {
          const args = Array.isArray(p.data) ? p.data : [];
          return (
            p.type === 'ack' &&
            p.id === ackId &&
            p.namespace === step.namespace &&
            carries(args, data) &&
            ackTest(JSON.stringify(args), () => args)
          );
        },
      });
    }
    return awaitPackets(ctx, label, awaited);
  };
}

interface Awaited {
  wanted: string;
  accept: (p: SocketIoPacket) => boolean;
}

/** Waits until every awaited packet came, in any order (an ack may come before or after a response event). */
async function awaitPackets(ctx: StepContext, label: string, awaited: Awaited[]): Promise<StepFailure | null> {
  const pending = [...awaited];
  const deadline = performance.now() + ctx.timeoutMs;
  while (pending.length > 0) {
    const failure = await awaitPacket(
      ctx,
      label,
      pending.map((a) => a.wanted).join(' and '),
      Math.max(0, deadline - performance.now()),
      (p) => {
        const i = pending.findIndex((a) => a.accept(p));
        if (i === -1) return false;
        pending.splice(i, 1);
        return true;
      },
    );
    if (failure) return failure;
  }
  return null;
}

async function awaitPacket(
  ctx: StepContext,
  label: string,
  wanted: string,
  timeoutMs: number,
  accept: (p: SocketIoPacket) => boolean,
): Promise<StepFailure | null> {
  const others = { count: 0, last: '' };
  const result = await ctx.session.next(timeoutMs, ctx.signal, (text) => {
    const packet = parsePacket(text);
    if (packet && accept(packet)) return true;
    others.count += 1;
    others.last = text;
    return false;
  });
  return result.kind === 'message' ? null : missed(label, wanted, result, ctx.timeoutMs, others);
}

/** Connects a namespace once per connection (`40/ns,` answered by `40/ns,{"sid":…}`, refused by `44/ns,{…}`). */
async function joinNamespace(ctx: StepContext, namespace: string, label: string): Promise<StepFailure | null> {
  if (ctx.namespaces.has(namespace)) return null;
  ctx.session.clearInbox();
  const sendError = ctx.session.write(connectPacket(namespace));
  if (sendError) return { step: label, kind: 'not-sent', why: `the connect to namespace ${namespace} was not sent: ${sendError}` };
  let refused: string | null = null;
  const failure = await awaitPacket(ctx, label, `connect ack of namespace ${namespace}`, ctx.timeoutMs, (p) => {
    if (p.namespace !== namespace) return false;
    if (p.type === 'connect-error') refused = excerpt(JSON.stringify(p.data));
    return p.type === 'connect' || p.type === 'connect-error';
  });
  if (failure) return failure;
  if (refused) return { step: label, kind: 'refused', why: `namespace ${namespace} refused the connection: ${refused}` };
  ctx.namespaces.add(namespace);
  return null;
}
