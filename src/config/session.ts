// The session inputs: `session` (an inline YAML list of Artillery flow steps) and `session-file` (an Artillery script,
// whose first ws or socketio scenario is used, or the one named after '#'). Pure: files.ts reads the file.

import { parseDocument } from 'yaml';
import type { SessionEngine, SessionPlan, SessionStep } from '../model/session.js';
import { describe, isRecord, StepError } from './session-match.js';
import { parseSteps, thinkMsOf } from './session-steps.js';
import { ConfigError } from './types.js';

/** Largest session YAML read: a flow is a few lines; a script with many scenarios a few KiB. */
export const SESSION_MAX_BYTES = 256 * 1024;
/** Aliases a session's YAML may use (each expands to a copy: a billion laughs needs many). */
const MAX_ALIASES = 50;
/** Deepest nesting of lists and maps: a flow with loops in loops is a few levels. */
const MAX_DEPTH = 32;

/** Artillery engines whose flows the gate runs, and the engine each is. */
const ENGINES: Record<string, SessionEngine> = { ws: 'ws', socketio: 'socketio', 'socketio-v3': 'socketio' };

/** A session-file as read from disk: the path, the scenario asked for after '#', and the text. */
export interface SessionFile {
  path: string;
  scenario: string | null;
  text: string;
}

/**
 * An error about a session input, in the one-line form of every bad input: `'session' must be Artillery flow steps
 * (step 2: unknown step 'sned'; the ws engine's steps are …), got '…'`.
 */
export class SessionError extends ConfigError {
  constructor(input: 'session' | 'session-file', given: string, detail: string) {
    const what = input === 'session' ? 'Artillery flow steps' : 'an Artillery script with a ws or socketio scenario';
    super(input, oneLine(given), `${what} (${detail})`);
  }
}

/** Inline YAML on one line, for the message: its lines joined by a space. */
function oneLine(text: string): string {
  return text.trim().replace(/\s*\n\s*/g, ' ');
}

/** The session plan from the two inputs; null when neither is set. Throws SessionError (a ConfigError). */
export function parseSession(inline: string, file: SessionFile | null): SessionPlan | null {
  if (inline.trim() !== '' && file) {
    throw new SessionError('session', inline, 'given once: session and session-file are both set');
  }
  if (file) return fromScript(file);
  if (inline.trim() === '') return null;
  return fromInline(inline);
}

function fromInline(text: string): SessionPlan {
  const value = readYaml(text, 'session', 'the text', text);
  const steps = Array.isArray(value) ? value : null;
  if (!steps) {
    throw new SessionError(
      'session',
      text,
      `a YAML list of them, e.g. [{ send: '{"type":"join"}' }, { think: 1 }]; this is ${describe(value)}`,
    );
  }
  // Inline steps say their engine themselves: an emit is Socket.IO's.
  const engine: SessionEngine = steps.some((s) => isRecord(s) && 'emit' in s) ? 'socketio' : 'ws';
  return plan('session', engine, null, steps, 'step', text, 'session');
}

function fromScript(file: SessionFile): SessionPlan {
  const where = file.path;
  const given = `${file.path}${file.scenario !== null ? `#${file.scenario}` : ''}`;
  const script = readYaml(file.text, 'session-file', where, given);
  const scenarios = isRecord(script) && Array.isArray(script.scenarios) ? script.scenarios : null;
  if (!scenarios) throw new SessionError('session-file', given, `${file.path} has no scenarios: list`);
  const found = scenarios.filter(isRecord).map((s, i) => ({
    name: typeof s.name === 'string' ? s.name : null,
    engine: typeof s.engine === 'string' ? s.engine : 'http',
    index: i,
    spec: s,
  }));
  const listed = found.map((s) => `${s.name ?? `#${s.index + 1}`} (${s.engine})`).join(', ') || 'none';
  const chosen = file.scenario !== null ? found.find((s) => s.name === file.scenario) : found.find((s) => ENGINES[s.engine] !== undefined);
  if (!chosen) {
    const what =
      file.scenario !== null ? `no scenario named '${file.scenario}'` : 'no scenario whose engine is ws, socketio or socketio-v3';
    throw new SessionError('session-file', given, `${file.path} has ${what}; its scenarios: ${listed}`);
  }
  const engine = ENGINES[chosen.engine];
  if (!engine) {
    throw new SessionError(
      'session-file',
      given,
      `${file.path} scenario '${file.scenario}' has engine ${chosen.engine}; the gate runs ws, socketio and socketio-v3 scenarios`,
    );
  }
  const scenarioName = chosen.name ?? `#${chosen.index + 1}`;
  return plan(`session-file ${given}`, engine, chosen.name, chosen.spec.flow, `scenario '${scenarioName}' step`, given, 'session-file');
}

function plan(
  source: string,
  engine: SessionEngine,
  name: string | null,
  flow: unknown,
  where: string,
  given: string,
  input: 'session' | 'session-file',
): SessionPlan {
  let steps: SessionStep[];
  try {
    steps = parseSteps(flow, engine, where);
  } catch (err) {
    if (err instanceof StepError) throw new SessionError(input, given, err.message);
    throw err;
  }
  return { source, engine, name, steps, thinkMs: thinkMsOf(steps) };
}

/** Parses YAML text with the size, alias and depth bounded; a syntax error names its line. */
function readYaml(text: string, input: 'session' | 'session-file', where: string, given: string): unknown {
  if (Buffer.byteLength(text) > SESSION_MAX_BYTES) {
    throw new SessionError(input, given.slice(0, 100), `at most ${SESSION_MAX_BYTES / 1024} KiB of YAML`);
  }
  // The YAML library recurses per level: absurd nesting must be refused before it parses (it can run out of memory).
  if (nestingBound(text) > MAX_DEPTH) throw new SessionError(input, given, `${where} is nested deeper than ${MAX_DEPTH} levels`);
  let value: unknown;
  try {
    const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
    const error = doc.errors[0];
    if (error) {
      const line = error.linePos?.[0]?.line;
      throw new SessionError(input, given, `${where} is not valid YAML${line ? ` (line ${line})` : ''}: ${error.message.split('\n')[0]}`);
    }
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    if (err instanceof SessionError) throw err;
    // yaml throws on too many aliases; a stack overflow on absurd nesting is a RangeError.
    const why = err instanceof RangeError ? `nested deeper than the gate reads` : (err as Error).message;
    throw new SessionError(input, given, `${where} could not be read as YAML: ${why}`);
  }
  if (depthOf(value, 0) > MAX_DEPTH) throw new SessionError(input, given, `${where} is nested deeper than ${MAX_DEPTH} levels`);
  return value;
}

/**
 * A cheap upper bound of the nesting the text can make without indentation: open flow brackets ([ and {, quotes not
 * told apart, so a string full of brackets counts too), and compact sequences (`- - - x`) on one line.
 */
function nestingBound(text: string): number {
  let flow = 0;
  let most = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) most = Math.max(most, ++flow);
    else if ((c === 0x5d || c === 0x7d) && flow > 0) flow--;
  }
  for (const line of text.split('\n')) {
    const compact = /^(?:\s*[-?:](?:\s|$))+/.exec(line);
    if (compact) most = Math.max(most, compact[0].replace(/[^-?:]/g, '').length);
  }
  return most;
}

function depthOf(value: unknown, depth: number): number {
  if (depth > MAX_DEPTH) return depth;
  if (Array.isArray(value)) return value.reduce<number>((d, v) => Math.max(d, depthOf(v, depth + 1)), depth + 1);
  if (isRecord(value)) return Object.values(value).reduce<number>((d, v) => Math.max(d, depthOf(v, depth + 1)), depth + 1);
  return depth;
}
