// What a step's reply conditions accept, and the Socket.IO packets a session writes and reads. Pure.

import { describe, expect, it } from 'vitest';
import { parseSession } from '../src/config/session.js';
import { compileMatches, describeMatches, parseJson, sameJson } from '../src/client/session/match.js';
import { connectPacket, eventOf, eventPacket, parsePacket } from '../src/client/session/socket-io-packets.js';
import type { ReplyMatch } from '../src/model/session.js';

function matchesOf(yaml: string): ReplyMatch[] {
  const step = parseSession(yaml, null)!.steps[0]!;
  return 'match' in step ? step.match : [];
}

const test = (yaml: string) => {
  const t = compileMatches(matchesOf(yaml));
  return (text: string) => t(text, () => parseJson(text));
};

describe('reply conditions', () => {
  it('json: the field equals the value (types matter), or exists without one', () => {
    const joined = test('- wait: { match: { json: $.type, value: joined } }');
    expect(joined('{"type":"joined"}')).toBe(true);
    expect(joined('{"type":"left"}')).toBe(false);
    expect(joined('joined')).toBe(false);
    const count = test('- wait: { match: { json: $.n, value: 1 } }');
    expect(count('{"n":1}')).toBe(true);
    expect(count('{"n":"1"}')).toBe(false);
    const present = test('- wait: { match: { json: "$.data[1].id" } }');
    expect(present('{"data":[{},{"id":0}]}')).toBe(true);
    expect(present('{"data":[{}]}')).toBe(false);
    const deep = test('- wait: { match: { json: $.user, value: { name: ada, roles: [a, b] } } }');
    expect(deep('{"user":{"roles":["a","b"],"name":"ada"}}')).toBe(true);
    expect(deep('{"user":{"roles":["b","a"],"name":"ada"}}')).toBe(false);
  });

  it('regexp: the text matches; with a value, the match (or its group) equals it', () => {
    expect(test('- wait: { match: { regexp: "^ok" } }')('ok then')).toBe(true);
    expect(test('- wait: { match: { regexp: "^ok" } }')('not ok')).toBe(false);
    expect(test('- wait: { match: { regexp: "OK", flags: i } }')('ok')).toBe(true);
    const group = test('- wait: { match: { regexp: "id=(\\\\d+)", group: 1, value: "42" } }');
    expect(group('id=42')).toBe(true);
    expect(group('id=43')).toBe(false);
    const named = test('- wait: { match: { regexp: "(?<who>\\\\w+) joined", group: who, value: gate } }');
    expect(named('gate joined')).toBe(true);
    // A global flag would make one compiled regexp remember where it stopped between replies.
    const global = test('- wait: { match: { regexp: "x", flags: g } }');
    expect([global('x'), global('x'), global('x')]).toEqual([true, true, true]);
  });

  it('every condition of a step must hold', () => {
    const both = test('- wait: { match: [{ json: $.type, value: joined }, { regexp: lobby }] }');
    expect(both('{"type":"joined","room":"lobby"}')).toBe(true);
    expect(both('{"type":"joined","room":"attic"}')).toBe(false);
  });

  it('says what was waited for', () => {
    expect(describeMatches(matchesOf('- wait: { match: [{ json: $.type, value: joined }, { regexp: ok, flags: i }] }'))).toBe(
      '$.type = "joined" and /ok/i',
    );
    expect(describeMatches([])).toBe('a reply');
  });

  it('compares JSON values deeply, key order aside', () => {
    expect(sameJson({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameJson([1], { 0: 1 })).toBe(false);
    expect(sameJson(null, null)).toBe(true);
  });
});

describe('Socket.IO packets', () => {
  it('writes namespace connects and events, with an ack id when one is awaited', () => {
    expect(connectPacket('')).toBe('40');
    expect(connectPacket('/chat')).toBe('40/chat,');
    expect(eventPacket('', 'join', ['lobby'], null)).toBe('42["join","lobby"]');
    expect(eventPacket('/chat', 'say', [{ text: 'hi' }], 7)).toBe('42/chat,7["say",{"text":"hi"}]');
  });

  it('reads connects, events, acks and connect errors of any namespace', () => {
    expect(parsePacket('40{"sid":"abc"}')).toEqual({ type: 'connect', namespace: '', id: null, data: { sid: 'abc' } });
    expect(parsePacket('40/chat,{"sid":"x"}')).toMatchObject({ type: 'connect', namespace: '/chat' });
    expect(parsePacket('44/admin,{"message":"Invalid namespace"}')).toMatchObject({ type: 'connect-error', namespace: '/admin' });
    expect(parsePacket('43/chat,7[{"ok":true}]')).toEqual({ type: 'ack', namespace: '/chat', id: 7, data: [{ ok: true }] });
    const event = parsePacket('42["joined",{"room":"lobby"},2]')!;
    expect(eventOf(event)).toEqual({ event: 'joined', args: [{ room: 'lobby' }, 2] });
    expect(parsePacket('41')).toMatchObject({ type: 'disconnect' });
  });

  it('reads heartbeats, binary packets and garbage as none', () => {
    expect(parsePacket('2')).toBeNull();
    expect(parsePacket('3')).toBeNull();
    expect(parsePacket('42[unclosed')).toBeNull();
    expect(parsePacket('451-["file",{"_placeholder":true,"num":0}]')).toMatchObject({ type: 'other' });
    expect(eventOf(parsePacket('42{"not":"a list"}')!)).toBeNull();
  });
});
