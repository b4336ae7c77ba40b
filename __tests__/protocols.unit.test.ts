// Pure parts of protocol adapters, recovery judgement and start-up sentences.

import { describe, expect, it } from 'vitest';
import type { Target } from '../src/client/connection.js';
import { parseProtocol } from '../src/config/scalars.js';
import { messageType } from '../src/client/protocols/graphql-ws.js';
import { ADAPTERS, PROTOCOL_CHOICES, adapterFor, chosenAdapter, knownSubprotocols, targetFor } from '../src/client/protocols/index.js';
import { closeText } from '../src/client/protocols/session.js';
import { PROBE_NAMESPACE, isEngineIoOpen } from '../src/client/protocols/socket-io.js';
import type { RecoveryResult } from '../src/model/report.js';
import { emptyRecoveryResult, isDeliberateClose, recoveryPassed } from '../src/scenarios/recovery.js';
import { leftListeningText } from '../src/server/endpoint.js';
import { askedSubprotocol, definiteFailureText, exitBeforeReadyText } from '../src/server/readiness.js';

const OPEN = '0{"sid":"o3saiRRI05plKfCdAAAA","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}';

describe('Socket.IO adapter', () => {
  const io = adapterFor('socket.io');
  it('recognises the Engine.IO open packet and nothing else', () => {
    expect(isEngineIoOpen(OPEN)).toBe(true);
    for (const text of ['0', '0{}', '0{"sid":1,"pingInterval":1}', '40{"sid":"x"}', `1${OPEN.slice(1)}`, '0{not json']) {
      expect(isEngineIoOpen(text), text).toBe(false);
    }
  });
  it('answers Engine.IO pings with pongs and leaves other packets to the caller', () => {
    expect(io.keepAlive('2')).toBe('3');
    for (const text of ['3', '2probe', '40{"sid":"x"}', '42["ping"]']) expect(io.keepAlive(text), text).toBeNull();
  });
  it('opens the default namespace and tells its ack from a refusal', () => {
    const opening = io.opening!;
    expect(opening.greeting!.matches(OPEN)).toBe(true);
    expect(opening.send).toBe('40');
    expect(opening.ack.matches('40{"sid":"abc"}')).toBe(true);
    expect(opening.ack.matches('42["x"]')).toBe(false);
    expect(opening.refusal!('44{"message":"not authorized"}')).toContain('not authorized');
    expect(opening.refusal!('40{"sid":"abc"}')).toBeNull();
  });
  it('counts a connect or a connect error of the probe namespace as the answer, nothing else', () => {
    const probe = io.probe!;
    expect(probe.message).toBe(`40${PROBE_NAMESPACE},`);
    expect(probe.answers(`44${PROBE_NAMESPACE},{"message":"Invalid namespace"}`)).toBe(true);
    expect(probe.answers(`40${PROBE_NAMESPACE},{"sid":"x"}`)).toBe(true);
    for (const text of ['40{"sid":"x"}', '44{"message":"x"}', '44/other,{"message":"Invalid namespace"}', '2']) {
      expect(probe.answers(text), text).toBe(false);
    }
    // Connected by a dynamic namespace: leave it, so the next probe is not a duplicate connect.
    expect(probe.after!(`40${PROBE_NAMESPACE},{"sid":"x"}`)).toBe(`41${PROBE_NAMESPACE},`);
    expect(probe.after!(`44${PROBE_NAMESPACE},{"message":"Invalid namespace"}`)).toBeNull();
  });
});

describe('graphql-ws adapter', () => {
  const gql = adapterFor('graphql-ws');
  it('offers graphql-transport-ws and opens with connection_init / connection_ack', () => {
    expect(gql.subprotocols).toEqual(['graphql-transport-ws']);
    expect(messageType(gql.opening!.send)).toBe('connection_init');
    expect(gql.opening!.ack.matches('{"type":"connection_ack"}')).toBe(true);
    expect(gql.opening!.ack.matches('{"type":"ping"}')).toBe(false);
  });
  it('answers the server ping message with a pong, and its own probe ping is answered by a pong', () => {
    expect(messageType(gql.keepAlive('{"type":"ping"}')!)).toBe('pong');
    expect(gql.keepAlive('{"type":"pong"}')).toBeNull();
    expect(gql.keepAlive('not json')).toBeNull();
    expect(messageType(gql.probe!.message)).toBe('ping');
    expect(gql.probe!.answers('{"type":"pong","payload":{}}')).toBe(true);
    expect(gql.probe!.answers('{"type":"next","id":"1"}')).toBe(false);
  });
});

describe('registry', () => {
  const target: Target = { url: 'ws://127.0.0.1:1/', headers: {}, subprotocols: ['mine'], connectTimeoutMs: 1, closeTimeoutMs: 1 };
  it('lists auto and every adapter id', () => {
    expect([...PROTOCOL_CHOICES].sort()).toEqual(['auto', ...Object.keys(ADAPTERS)].sort());
    for (const id of Object.keys(ADAPTERS) as Array<keyof typeof ADAPTERS>) expect(chosenAdapter(id)!.id).toBe(id);
    expect(chosenAdapter('auto')).toBeNull();
  });
  it('parses the protocol input, naming it when the value is unknown', () => {
    expect(parseProtocol('')).toBe('auto');
    expect(parseProtocol(' Socket.IO ')).toBe('socket.io');
    expect(parseProtocol('socketio')).toBe('socket.io');
    expect(parseProtocol('graphql-ws')).toBe('graphql-ws');
    expect(() => parseProtocol('mqtt')).toThrow("'protocol' must be one of auto, raw, socket.io, graphql-ws, got 'mqtt'");
  });
  it("offers an adapter's subprotocols after the user's, once", () => {
    expect(targetFor(target, adapterFor('graphql-ws')).subprotocols).toEqual(['mine', 'graphql-transport-ws']);
    const twice = targetFor(targetFor(target, adapterFor('graphql-ws')), adapterFor('graphql-ws'));
    expect(twice.subprotocols).toEqual(['mine', 'graphql-transport-ws']);
    expect(targetFor(target, adapterFor('raw'))).toBe(target);
    expect(knownSubprotocols()).toEqual(['graphql-transport-ws']);
  });
});

describe('recovery judgement', () => {
  const spec = { pings: 3, messages: 5, holdMs: 1000, message: 'x', expect: { kind: 'none' as const } };
  const base = (over: Partial<RecoveryResult>): RecoveryResult => ({
    ...emptyRecoveryResult(spec, true),
    connected: true,
    pingsSent: 3,
    pongsReceived: 3,
    ...over,
  });
  it('a deliberate close is any close frame but going-away and failure codes', () => {
    for (const code of [1000, 1002, 1003, 1005, 1008, 4400, 4401, 4406]) expect(isDeliberateClose(code), String(code)).toBe(true);
    for (const code of [1001, 1006, 1011, 1012, 1013, 1014, 1015]) expect(isDeliberateClose(code), String(code)).toBe(false);
  });
  it('passes unanswered messages only when they were not judged', () => {
    expect(recoveryPassed(base({ messagesSent: 1, messagesAnswered: 0 }))).toBe(false);
    expect(recoveryPassed(base({ messagesSent: 1, messagesAnswered: 0, messagesJudged: false }))).toBe(true);
    expect(recoveryPassed(base({ messagesSent: 5, messagesAnswered: 5 }))).toBe(true);
    expect(recoveryPassed(base({ pongsReceived: 2, messagesJudged: false }))).toBe(false);
    expect(recoveryPassed(base({ messagesJudged: false, problems: ['x'] }))).toBe(false);
  });
  it('writes a close with its code and reason, or says there was none', () => {
    expect(closeText({ code: 4401, reason: 'Unauthorized' })).toBe('code 4401 "Unauthorized"');
    expect(closeText({ code: 1005, reason: '' })).toBe('code 1005 (no reason given)');
  });
});

describe('start-up sentences', () => {
  const url = 'ws://127.0.0.1:9/graphql';
  const seen = { attempts: 4, overMs: 1200 };
  const http = (status: number, body = '', protocolHeader: string | null = null) => ({
    key: `http-${status}`,
    response: { status, body, protocolHeader },
  });
  it('names the likely cause of each definite answer', () => {
    expect(definiteFailureText(url, [], http(404, 'Not Found'), seen)).toMatch(
      /HTTP 404 "Not Found" .*\(4 attempts over 1\.2 s\): the path \/graphql is likely wrong/,
    );
    expect(definiteFailureText(url, [], http(403), seen)).toMatch(/HTTP 403 to every .*wants credentials/);
    expect(definiteFailureText(url, [], http(400, '', 'graphql-transport-ws'), seen)).toMatch(
      /asks for graphql-transport-ws; set subprotocols: graphql-transport-ws/,
    );
    expect(definiteFailureText(url, ['a'], http(400, 'Unsupported protocol'), seen)).toMatch(
      /requires a subprotocol \(offered: a\): offer the one/,
    );
    expect(definiteFailureText(url, [], http(426), seen)).toMatch(/may require a subprotocol \(none was offered/);
    expect(definiteFailureText(url, [], http(418), seen)).toMatch(/waiting will not change a 418/);
    const close = (code: number, reason: string) => ({ key: `closes-${code}`, close: { code, reason } });
    expect(definiteFailureText(url, [], close(4406, 'Subprotocol not acceptable'), seen)).toMatch(
      /closes every connection right away \(code 4406 "Subprotocol not acceptable"; 4 attempts.*wants a subprotocol/,
    );
    expect(definiteFailureText(url, ['x'], close(4406, ''), seen)).toMatch(/does not accept the subprotocols offered \(x\)/);
    expect(definiteFailureText(url, [], close(4401, 'Unauthorized'), seen)).toMatch(/refuses the client: add the credentials/);
    expect(definiteFailureText(url, [], close(4000, ''), seen)).toMatch(/code 4000 \(no reason given\).*server's log/);
  });
  it('reads the subprotocol a refusal asks for from its header or body', () => {
    expect(askedSubprotocol({ status: 400, body: '', protocolHeader: ' mqtt ' })).toBe('mqtt');
    expect(askedSubprotocol({ status: 400, body: 'Subprotocol required: chat.v2', protocolHeader: null })).toBe('chat.v2');
    expect(askedSubprotocol({ status: 400, body: 'supported protocols: a, b', protocolHeader: null })).toBe('a, b');
    expect(askedSubprotocol({ status: 400, body: 'Bad Request', protocolHeader: null })).toBeNull();
  });
  it('does not call exit code 0 a crash', () => {
    expect(exitBeforeReadyText({ code: 0, signal: null })).toMatch(/exited \(code 0\).*must keep running in the foreground/);
    expect(exitBeforeReadyText({ code: 0, signal: null })).not.toMatch(/crash/);
    expect(exitBeforeReadyText({ code: 3, signal: null })).toMatch(/crashed .*exit code 3/);
    expect(exitBeforeReadyText({ code: null, signal: 'SIGKILL' })).toMatch(/signal SIGKILL/);
  });
  it('names the survivor and what to do', () => {
    expect(leftListeningText({ address: '127.0.0.1:8080', pid: 42 })).toMatch(
      /^pid 42 still listens on 127\.0\.0\.1:8080 .*setsid.*kill 42/,
    );
    expect(leftListeningText({ address: '[::1]:8080', pid: null })).toMatch(/^a process the gate could not identify still listens/);
  });
});
