// Artillery flow steps (the ws engine's send, wait, think, loop; the socketio engine's emit), read and checked into a
// session plan before anything starts. Pure: the YAML and the Artillery script around the flow are session.ts's.

import type { JsonValue, SessionEngine, SessionStep } from '../model/session.js';
import { describe, isRecord, json, MATCH_FORMS, parseMatches, StepError, templateError } from './session-match.js';

/** Most steps a flow may list (loops' steps included), and most a session may run once loops are multiplied out. */
export const MAX_STEPS = 1000;
export const MAX_RUN_STEPS = 100_000;
export const MAX_LOOP_COUNT = 10_000;
export const MAX_THINK_S = 3600;

const FORMS: Record<string, string> = {
  send: 'send is a string, an object (sent as JSON), or { payload, match } to wait for a reply that matches',
  wait: 'wait is { match } (waits for a reply that matches, sending nothing)',
  think: `think is seconds, a number from 0 to ${MAX_THINK_S}`,
  loop: `loop is a list of steps, with count: a whole number from 1 to ${MAX_LOOP_COUNT}`,
  emit:
    "emit is { channel, data } or [event, ...args], with namespace: '/name', acknowledge: { data, match } to wait for the ack, " +
    'response: { channel, data, match } to wait for an event',
};

/** The keys each step may have beside its own. */
const SIBLINGS: Record<string, string[]> = {
  send: [],
  wait: [],
  think: [],
  log: [],
  loop: ['count'],
  emit: ['namespace', 'acknowledge', 'response'],
};

const STEPS_OF: Record<SessionEngine, string[]> = {
  ws: ['send', 'wait', 'think', 'loop', 'log'],
  socketio: ['emit', 'think', 'loop', 'log'],
};

function acceptedSteps(engine: SessionEngine): string {
  const steps = STEPS_OF[engine].join(', ');
  return engine === 'ws'
    ? `the ws engine's steps are ${steps} (emit needs the socketio engine)`
    : `the socketio engine's steps are ${steps} (send needs the ws engine)`;
}

/** Reads a flow (a list of Artillery steps) for `engine`. `where` prefixes every message ("'session' step"). */
export function parseSteps(flow: unknown, engine: SessionEngine, where: string): SessionStep[] {
  if (!Array.isArray(flow) || flow.length === 0) {
    throw new StepError(where, `the flow is ${describe(flow)}`, 'a flow is a non-empty list of steps');
  }
  const counter = { steps: 0 };
  const steps = parseList(flow, engine, where, '', counter);
  const runs = runSteps(steps);
  if (runs > MAX_RUN_STEPS) {
    throw new StepError(where, `the loops run ${runs} steps per session`, `at most ${MAX_RUN_STEPS} (lower a loop's count)`);
  }
  return steps;
}

function parseList(list: unknown[], engine: SessionEngine, where: string, prefix: string, counter: { steps: number }): SessionStep[] {
  const steps: SessionStep[] = [];
  list.forEach((raw, i) => {
    counter.steps += 1;
    if (counter.steps > MAX_STEPS) throw new StepError(where, `more than ${MAX_STEPS} steps`, `a flow lists at most ${MAX_STEPS}`);
    const number = `${prefix}${i + 1}`;
    const step = parseStep(raw, engine, `${where} ${number}`, number, counter);
    if (step) steps.push(step);
  });
  return steps;
}

/** One step; null for one that does nothing here (`log`). */
function parseStep(raw: unknown, engine: SessionEngine, where: string, number: string, counter: { steps: number }): SessionStep | null {
  if (!isRecord(raw)) throw new StepError(where, `${describe(raw)} is not a step`, acceptedSteps(engine));
  const kind = STEPS_OF[engine].find((k) => k in raw);
  if (!kind) {
    const given = Object.keys(raw)[0] ?? 'nothing';
    const other = engine === 'ws' ? 'emit' : 'send';
    const hint =
      given === 'connect'
        ? ' (the gate connects to url itself: drop it)'
        : given === 'function'
          ? ' (processor functions do not run in the gate)'
          : '';
    if (given === other) throw new StepError(where, `${given} in a flow of the ${engine} engine`, acceptedSteps(engine));
    throw new StepError(where, `unknown step '${given}'${hint}`, acceptedSteps(engine));
  }
  const extra = Object.keys(raw).filter((k) => k !== kind && !SIBLINGS[kind]!.includes(k));
  if (extra.length > 0) {
    const inside =
      kind === 'send' && (extra.includes('match') || extra.includes('capture')) ? ': it goes inside send, { payload, match }' : '';
    throw new StepError(where, `${kind} with ${extra.join(', ')} beside it${inside}`, FORMS[kind] ?? acceptedSteps(engine));
  }
  switch (kind) {
    case 'log':
      return null;
    case 'think':
      return parseThink(raw.think, where, number);
    case 'loop':
      return parseLoop(raw, engine, where, number, counter);
    case 'send':
      return parseSend(raw.send, where, number);
    case 'wait':
      return parseWait(raw.wait, where, number);
    default:
      return parseEmit(raw, where, number);
  }
}

function parseThink(value: unknown, where: string, number: string): SessionStep {
  const seconds = typeof value === 'number' ? value : typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : NaN;
  if (typeof value === 'string' && value.includes('{{')) throw templateError(where);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > MAX_THINK_S)
    throw new StepError(where, `think: ${describe(value)}`, FORMS.think!);
  return { kind: 'think', label: `step ${number} (think ${seconds} s)`, ms: Math.round(seconds * 1000) };
}

function parseLoop(
  raw: Record<string, unknown>,
  engine: SessionEngine,
  where: string,
  number: string,
  counter: { steps: number },
): SessionStep {
  const count = raw.count;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_LOOP_COUNT) {
    const problem = count === undefined ? 'a loop without count (Artillery would loop forever)' : `loop count ${describe(count)}`;
    throw new StepError(where, problem, FORMS.loop!);
  }
  for (const key of ['over', 'whileTrue']) if (key in raw) throw new StepError(where, `a loop with ${key}`, FORMS.loop!);
  if (!Array.isArray(raw.loop) || raw.loop.length === 0) throw new StepError(where, `loop: ${describe(raw.loop)}`, FORMS.loop!);
  const steps = parseList(raw.loop, engine, where.replace(/ [\d.]+$/, ''), `${number}.`, counter);
  return { kind: 'loop', label: `step ${number} (loop ×${count})`, count, steps };
}

function parseSend(value: unknown, where: string, number: string): SessionStep {
  if (value === undefined || value === null) throw new StepError(where, 'send without a payload', FORMS.send!);
  const withReply = isRecord(value) && ('match' in value || 'capture' in value);
  const payload = withReply ? value.payload : value;
  if (payload === undefined || payload === null) throw new StepError(where, 'send without a payload', FORMS.send!);
  const text = typeof payload === 'string' ? payload : JSON.stringify(json(payload, where));
  if (text.includes('{{')) throw templateError(where);
  const match = withReply ? parseMatches(value, where) : [];
  return { kind: 'send', label: `step ${number} (send ${clip(text)})`, text, match };
}

function parseWait(value: unknown, where: string, number: string): SessionStep {
  const match = isRecord(value) ? parseMatches(value, where) : [];
  if (match.length === 0) throw new StepError(where, `wait: ${describe(value)}`, `${FORMS.wait}; ${MATCH_FORMS}`);
  return { kind: 'wait', label: `step ${number} (wait)`, match };
}

function parseEmit(raw: Record<string, unknown>, where: string, number: string): SessionStep {
  const emit = raw.emit;
  let event: unknown;
  let args: JsonValue[];
  if (Array.isArray(emit)) [event, ...args] = emit.map((v) => json(v, where));
  else if (isRecord(emit)) {
    event = emit.channel;
    args = emit.data === undefined ? [] : [json(emit.data, where)];
  } else {
    event = emit;
    args = [];
  }
  if (typeof event !== 'string' || event === '') throw new StepError(where, `emit: ${describe(emit)}`, FORMS.emit!);
  if (event.includes('{{')) throw templateError(where);
  const namespace = raw.namespace === undefined ? '' : raw.namespace;
  if (typeof namespace !== 'string' || (namespace !== '' && !/^\/[^\s,]*$/.test(namespace))) {
    throw new StepError(
      where,
      `namespace ${describe(namespace)}`,
      "a namespace is '' (the default) or starts with / and has no comma or space",
    );
  }
  return {
    kind: 'emit',
    label: `step ${number} (emit ${clip(event)}${namespace === '' || namespace === '/' ? '' : ` on ${namespace}`})`,
    namespace: namespace === '/' ? '' : namespace,
    event,
    args,
    acknowledge: parseReplySpec(raw.acknowledge, where, 'acknowledge'),
    response: parseResponse(raw.response, where),
  };
}

/** `acknowledge: true` or `{ data | args, match, capture }`. */
function parseReplySpec(value: unknown, where: string, name: string): { data?: JsonValue; match: ReturnType<typeof parseMatches> } | null {
  if (value === undefined || value === null || value === false) return null;
  if (value === true) return { match: [] };
  if (!isRecord(value)) throw new StepError(where, `${name}: ${describe(value)}`, FORMS.emit!);
  const data = value.data ?? value.args;
  return { ...(data !== undefined ? { data: json(data, where) } : {}), match: parseMatches(value, where) };
}

function parseResponse(
  value: unknown,
  where: string,
): { channel: string; data?: JsonValue; match: ReturnType<typeof parseMatches> } | null {
  const spec = parseReplySpec(value, where, 'response');
  if (spec === null) return null;
  const channel = isRecord(value) ? (value.channel ?? value.on) : undefined;
  if (typeof channel !== 'string' || channel === '') throw new StepError(where, `response without a channel`, FORMS.emit!);
  if (channel.includes('{{')) throw templateError(where);
  return { channel, ...spec };
}

/** Steps one session runs, loops multiplied out. */
export function runSteps(steps: readonly SessionStep[]): number {
  return steps.reduce((n, s) => n + (s.kind === 'loop' ? s.count * runSteps(s.steps) : 1), 0);
}

/** Think time one session prescribes, loops multiplied out. */
export function thinkMsOf(steps: readonly SessionStep[]): number {
  return steps.reduce((ms, s) => ms + (s.kind === 'think' ? s.ms : s.kind === 'loop' ? s.count * thinkMsOf(s.steps) : 0), 0);
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}
