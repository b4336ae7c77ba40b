// The app's own code runs under the gate's load: a leak that lives in a Socket.IO `connection` handler, a graphql-ws
// `onConnect`, or a raw server's `join` message fails the gate at defaults, named by its class; the same server
// without the leak passes. Real servers, real sockets, the whole gate.

import { describe, expect, it, type TestContext } from 'vitest';
import type { RawInputs } from '../src/config/inputs.js';
import type { Report } from '../src/model/report.js';
import { check, expectNothingLeftRunning, gate, QUICK, ROOT } from './helpers/gate-run.js';
import { fixturePath, NODE, SOCKET_IO_PATH } from './helpers/test-server.js';

const server = (name: string): string => `${NODE} ${fixturePath(`sessions/${name}`)}`;

/** A default run (the URL and the server, nothing else but what the case names). */
async function defaultRun(inputs: RawInputs, test: TestContext): Promise<Report> {
  const report = await gate(inputs, test);
  expectNothingLeftRunning(report);
  return report;
}

function notPassed(report: Report): string[] {
  return report.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.measured} (${c.detail ?? ''})`);
}

/** The leaking run fails on retained objects naming `className`; the clean twin passes every check. */
function expectLeakNamed(leaking: Report, clean: Report, className: string, session: string): void {
  const retained = check(leaking, 'retained-objects');
  expect(retained.status, notPassed(leaking).join('\n')).toBe('fail');
  expect(leaking.evidence.find((e) => e.source === 'heap-snapshots')?.suspects[0]?.name).toBe(className);
  expect(retained.measured).toContain(className);
  expect(leaking.verdict).toBe('fail');
  expect(notPassed(clean)).toEqual([]);
  for (const report of [leaking, clean]) {
    expect(check(report, 'session-success-rate')).toMatchObject({ status: 'pass', value: 1 });
    expect(report.scenarios.leak.session).toMatchObject({ describe: session, started: 45, completed: 45, failures: [] });
    expect(report.scenarios.leak.abruptDisconnects).toBeGreaterThan(0);
  }
}

// Every run here is independent and mostly waits: side by side (each passes its test context to gate()).
describe.concurrent('sessions', () => {
  describe('sessions at defaults: the leak in the app code is found and named', () => {
    it(
      'Socket.IO: a Presence kept from `connection` until a `logout` nobody sends fails; removed on `disconnect`, it passes',
      { timeout: 240_000 },
      async (test) => {
        const url = `ws://127.0.0.1:0${SOCKET_IO_PATH}`;
        const [leaking, clean] = await Promise.all([
          defaultRun({ 'server-command': server('socketio-presence-server.js'), url, 'server-env': 'PRESENCE_CLEANUP=logout' }, test),
          defaultRun({ 'server-command': server('socketio-presence-server.js'), url, 'server-env': 'PRESENCE_CLEANUP=disconnect' }, test),
        ]);
        expect(leaking.server.protocol?.id).toBe('socket.io');
        expectLeakNamed(leaking, clean, 'Presence', 'socket.io connect');
      },
    );

    it('graphql-ws: an AuditEntry kept from `onConnect` fails; removed in `onClose`, it passes', { timeout: 240_000 }, async (test) => {
      const url = 'ws://127.0.0.1:0/graphql';
      const [leaking, clean] = await Promise.all([
        defaultRun({ 'server-command': server('graphql-audit-server.js'), url, 'server-env': 'AUDIT_CLEANUP=never' }, test),
        defaultRun({ 'server-command': server('graphql-audit-server.js'), url, 'server-env': 'AUDIT_CLEANUP=close' }, test),
      ]);
      expect(leaking.server.protocol?.id).toBe('graphql-ws');
      expectLeakNamed(leaking, clean, 'AuditEntry', 'graphql-ws connection_init');
    });

    it(
      'raw JSON: a Member made on {"type":"join"} and kept after close fails with session-file sending the join; its clean twin passes',
      { timeout: 240_000 },
      async (test) => {
        const inputs = {
          url: 'ws://127.0.0.1:0/',
          'session-file': `${ROOT}__tests__/fixtures/sessions/chat-join.yml`,
          'server-command': server('chat-join-server.js'),
        };
        const [leaking, clean] = await Promise.all([
          defaultRun({ ...inputs, 'server-env': 'MEMBER_CLEANUP=never' }, test),
          defaultRun({ ...inputs, 'server-env': 'MEMBER_CLEANUP=close' }, test),
        ]);
        expectLeakNamed(leaking, clean, 'Member', '3 steps');
        // The session's think time (50 ms) is part of each cycle's prescribed time.
        expect(leaking.scenarios.flapping.prescribed.cycleMs).toBe(100 + 50 + 50);
      },
    );

    it(
      'raw JSON without the session: nobody joins, so nothing is made, and the same leaking server passes',
      { timeout: 120_000 },
      async (test) => {
        const report = await defaultRun(
          {
            url: 'ws://127.0.0.1:0/',
            'server-command': server('chat-join-server.js'),
            'server-env': 'MEMBER_CLEANUP=never',
          },
          test,
        );
        expect(notPassed(report)).toEqual([]);
        expect(report.scenarios.leak.session).toBeUndefined();
        expect(report.checks.map((c) => c.id)).not.toContain('session-success-rate');
      },
    );
  });

  describe('a session that does not complete is judged', () => {
    it('fails session-success-rate naming the step and the reply that came instead', { timeout: 120_000 }, async (test) => {
      const report = await defaultRun(
        {
          url: 'ws://127.0.0.1:0/',
          'server-command': server('chat-join-server.js'),
          session: '- send: { payload: { type: join }, match: { json: $.type, value: welcome } }',
          'close-timeout-ms': '300',
          // Not about the defaults: each failing session waits out the 300 ms, so fewer of them.
          ...QUICK,
        },
        test,
      );
      const sessions = check(report, 'session-success-rate');
      expect(sessions).toMatchObject({ status: 'fail', value: 0 });
      expect(sessions.detail).toContain(
        'step 1 (send {"type":"join"}): no $.type = "welcome" within 300 ms (1 other message, the last: {"type":"joined"',
      );
      expect(report.scenarios.flapping.session?.failures).toEqual([
        expect.objectContaining({ step: 'step 1 (send {"type":"join"})', kind: 'mismatch', count: Number(QUICK['flap-cycles']) }),
      ]);
    });
  });
});
