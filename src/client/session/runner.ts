// The session runner: on one open connection, the protocol's opening (Socket.IO namespace connect, graphql-ws
// connection_init) and then the flow's compiled steps. What the app's own handlers need to run.

import type WebSocket from 'ws';
import { needsSocketIo, stepsText, type SessionPlan } from '../../model/session.js';
import type { ProtocolAdapter } from '../protocols/adapter.js';
import { ProtocolSession } from '../protocols/session.js';
import { compileSteps, type CompiledStep, type StepFailure } from './steps.js';

export type { StepFailure } from './steps.js';

/** A session compiled once per run, for one protocol: run on every load connection. */
export interface SessionScript {
  adapter: ProtocolAdapter;
  /** What each client says, for the scenario tables: "socket.io connect + 2 steps". */
  describe: string;
  /** The opening as a failure names it ("socket.io connect"); null when the protocol has none. */
  openingLabel: string | null;
  steps: CompiledStep[];
  /** Think time one session prescribes. */
  thinkMs: number;
}

/** The opening as people name it. */
const OPENING_LABELS: Record<string, string> = { 'socket.io': 'socket.io connect', 'graphql-ws': 'graphql-ws connection_init' };

/**
 * Compiles `plan` for connections spoken through `adapter`. Null when there is nothing to say: no plan and a protocol
 * without an opening (raw), so such a connection is only opened, held and closed, as before sessions existed.
 */
export function compileSession(plan: SessionPlan | null, adapter: ProtocolAdapter): SessionScript | null {
  const openingLabel = adapter.opening ? (OPENING_LABELS[adapter.id] ?? `${adapter.id} opening`) : null;
  if (!plan && !openingLabel) return null;
  const socketIo = adapter.id === 'socket.io';
  const steps = plan ? compileSteps(plan.steps, socketIo) : [];
  // A Socket.IO flow on a server that speaks something else fails at once, saying so, rather than sending events as text.
  if (plan && needsSocketIo(plan.steps) && !socketIo) {
    const why = `the session's emit steps need Socket.IO; the server speaks ${adapter.id}`;
    steps.splice(0, steps.length, async () => ({ step: 'step 1', kind: 'unsupported', why }));
  }
  const parts = [openingLabel, plan ? stepsText(plan) : null].filter((p): p is string => p !== null);
  return { adapter, describe: parts.join(' + '), openingLabel, steps, thinkMs: plan?.thinkMs ?? 0 };
}

/** A session under way on one connection: the ProtocolSession answers keep-alives until `end()`. */
export interface RunningSession {
  session: ProtocolSession;
  /** Null when every step completed; else the step that failed and why. */
  failure: StepFailure | null;
  /** Stops listening (call after the connection closed). */
  end(): void;
}

/**
 * Runs the opening and every step on `ws` (just opened: attached before any await, as a protocol that speaks first
 * sends right after the handshake). Each wait lasts at most `timeoutMs` and ends early when the server closes.
 */
export async function runSession(ws: WebSocket, script: SessionScript, timeoutMs: number, signal: AbortSignal): Promise<RunningSession> {
  const session = ProtocolSession.attach(ws, script.adapter);
  const running: RunningSession = { session, failure: null, end: () => session.detach() };
  if (script.openingLabel) {
    const problem = await session.opening(timeoutMs, signal);
    if (problem !== null) {
      // The adapter's sentence starts with its id: the label says it already.
      const why = problem.text.startsWith(`${script.adapter.id}: `) ? problem.text.slice(script.adapter.id.length + 2) : problem.text;
      running.failure = { step: script.openingLabel, kind: problem.kind, why };
      return running;
    }
  }
  const ctx = { session, timeoutMs, signal, namespaces: new Set(['']), nextAckId: 0 };
  for (const step of script.steps) {
    if (signal.aborted) break;
    const failure = await step(ctx);
    if (failure) {
      running.failure = failure;
      break;
    }
  }
  return running;
}
