// The Artillery export's text: phases from the run's sizes, the protocol's opening as Artillery steps, the session's
// steps in Artillery's own form, the abrupt share as weighted scenarios. Pure.

import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RawInputs } from '../src/config/inputs.js';
import { loadShapeOf } from '../src/config/load-shape.js';
import { parseConfig } from '../src/config/parse.js';
import { artilleryExport, processorFileName, type SpokenProtocol } from '../src/report/artillery.js';

interface Script {
  config: Record<string, unknown> & { phases: unknown[] };
  scenarios: Array<{ name: string; engine: string; weight?: number; flow: Array<Record<string, unknown>> }>;
}

function exported(inputs: RawInputs, protocol: SpokenProtocol, url = 'ws://127.0.0.1:8080/') {
  const result = artilleryExport(loadShapeOf(parseConfig({ url, ...inputs })), url, protocol, 'load.yml');
  return { ...result, parsed: parse(result.script) as Script };
}

describe('the Artillery export', () => {
  it('raw at defaults: flapping and leak as phases, a third of the connections cut by the processor beside it', () => {
    const { parsed, processor, script } = exported({}, 'raw');
    expect(parsed.config.phases).toEqual([
      { name: 'flapping', duration: '3000ms', arrivalCount: 20 },
      { name: 'leak', duration: '2250ms', arrivalCount: 45 },
    ]);
    expect(parsed.config).toMatchObject({ target: 'ws://127.0.0.1:8080/', timeout: 2, processor: './load-processor.cjs' });
    // 22.5 of 65 connections: 35 %.
    expect(parsed.scenarios.map((s) => [s.weight, s.flow])).toEqual([
      [65, [{ think: 0.1 }]],
      [35, [{ think: 0.1 }, { function: 'cutWithoutCloseHandshake' }]],
    ]);
    expect(processor).toContain('cutWithoutCloseHandshake(context, events, done)');
    expect(script.startsWith('# Written by ws-resilience-gate')).toBe(true);
  });

  it('one scenario and no processor when nothing is cut', () => {
    const { parsed, processor } = exported({ 'abrupt-ratio': '0' }, 'raw');
    expect(parsed.scenarios).toHaveLength(1);
    expect(parsed.config.processor).toBeUndefined();
    expect(processor).toBeNull();
  });

  it('graphql-ws: the subprotocol, and connection_init answered by connection_ack before the session', () => {
    const { parsed } = exported(
      { session: '- send: { payload: { id: "1", type: subscribe }, match: { json: $.type, value: next } }', 'abrupt-ratio': '0' },
      'graphql-ws',
    );
    expect(parsed.config.ws).toEqual({ subprotocols: ['graphql-transport-ws'] });
    expect(parsed.scenarios[0]!.flow).toEqual([
      { send: { payload: '{"type":"connection_init"}', match: { json: '$.type', value: 'connection_ack' } } },
      { send: { payload: '{"id":"1","type":"subscribe"}', match: { json: '$.type', value: 'next' } } },
      { think: 0.1 },
    ]);
  });

  it("Socket.IO: the socketio engine at the server's origin, emit steps in Artillery's form", () => {
    const session =
      '- emit: [chat, hi]\n  namespace: /chat\n  acknowledge: { data: { ok: true } }\n' +
      '- emit: { channel: join, data: lobby }\n  response: { channel: joined }';
    const { parsed } = exported({ session, 'abrupt-ratio': '0' }, 'socket.io', 'ws://127.0.0.1:3000/socket.io/?EIO=4&transport=websocket');
    expect(parsed.config.target).toBe('http://127.0.0.1:3000');
    expect(parsed.config.socketio).toEqual({ path: '/socket.io/', transports: ['websocket'] });
    expect(parsed.scenarios[0]).toMatchObject({ engine: 'socketio' });
    expect(parsed.scenarios[0]!.flow).toEqual([
      { emit: ['chat', 'hi'], namespace: '/chat', acknowledge: { data: { ok: true } } },
      { emit: ['join', 'lobby'], response: { channel: 'joined' } },
      { think: 0.1 },
    ]);
  });

  it('a ws flow on a Socket.IO server: the ws engine speaks the Engine.IO opening itself', () => {
    const { parsed } = exported(
      { session: '- send: \'42["join"]\'', 'abrupt-ratio': '0' },
      'socket.io',
      'ws://127.0.0.1:3000/socket.io/?EIO=4&transport=websocket',
    );
    expect(parsed.config.target).toBe('ws://127.0.0.1:3000/socket.io/?EIO=4&transport=websocket');
    expect(parsed.scenarios[0]!.engine).toBe('ws');
    expect(parsed.scenarios[0]!.flow.slice(0, 3)).toEqual([
      { wait: { capture: { regexp: '^0\\{', as: 'engineIoOpen' } } },
      { send: { payload: '40', capture: { regexp: '^40', as: 'connected' } } },
      { send: '42["join"]' },
    ]);
  });

  it('conditions without a value become captures (Artillery ignores a match without one), loops keep their count', () => {
    const session = '- loop:\n  - send: { payload: ping, match: [{ regexp: pong }, { json: $.n, value: 1 }] }\n  - think: 0.5\n  count: 3';
    const { parsed } = exported({ session, 'abrupt-ratio': '0', 'flap-hold-ms': '0' }, 'raw');
    expect(parsed.scenarios[0]!.flow).toEqual([
      {
        loop: [
          { send: { payload: 'ping', match: { json: '$.n', value: 1 }, capture: { regexp: 'pong', as: 'gateCondition1' } } },
          { think: 0.5 },
        ],
        count: 3,
      },
    ]);
    // The session's think time is part of each cycle: 3 × 0.5 s, plus the 50 ms pause.
    expect(parsed.config.phases[0]).toEqual({ name: 'flapping', duration: `${20 * 1550}ms`, arrivalCount: 20 });
  });

  it('header values stay out: each is read from an environment variable named after the header', () => {
    const { parsed, script } = exported({ headers: 'Authorization: Bearer s3cret\nX-Team-Id: 42', subprotocols: 'chat.v1' }, 'raw');
    expect(script).not.toContain('s3cret');
    expect(parsed.config.ws).toEqual({
      subprotocols: ['chat.v1'],
      headers: { Authorization: '{{ $env.AUTHORIZATION }}', 'X-Team-Id': '{{ $env.X_TEAM_ID }}' },
    });
    expect(script).toContain('set AUTHORIZATION, X_TEAM_ID first');
  });

  it('only the scenarios the run had, and a non-zero duration when hold and pause are 0', () => {
    const { parsed } = exported({ scenarios: 'leak,recovery', 'flap-hold-ms': '0', 'flap-pause-ms': '0', 'abrupt-ratio': '0' }, 'raw');
    expect(parsed.config.phases).toEqual([{ name: 'leak', duration: '45ms', arrivalCount: 45 }]);
    expect(processorFileName('gate/load.yaml')).toBe('gate/load-processor.cjs');
  });
});
