// The hostile scenario inside a whole gate run: a healthy server survives it, still serves sessions, leaves nothing
// behind and recovers; a server that crashes on invalid UTF-8 fails hostile-survived with the case named; FastAPI's
// documented chat, whose handler breaks on a binary message, fails naming that case and the sessions it left behind.

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderTerminal } from '../src/report/terminal.js';
import { ECHO_SERVER, QUICK, check, expectNothingLeftRunning, gate } from './helpers/gate-run.js';
import { SYSTEM_PYTHON, requireTool } from './helpers/tools.js';

const CRASHER = fileURLToPath(new URL('./fixtures/hostile-crash-server.js', import.meta.url));
const WITH_HOSTILE = { ...QUICK, url: 'ws://127.0.0.1:0/', scenarios: 'flapping,leak,hostile,recovery' };

describe('the hostile phase in a gate run', () => {
  it('runs after cooldown and before recovery; a healthy ws server survives and recovers', async () => {
    const report = await gate({ ...WITH_HOSTILE, 'server-command': `node ${JSON.stringify(ECHO_SERVER)}` });
    expect(report.phases.map((p) => p.name)).toEqual([
      'startup',
      'warmup',
      'baseline',
      'flapping',
      'leak',
      'cooldown',
      'hostile',
      'recovery',
      'teardown',
    ]);
    const hostile = report.scenarios.hostile!;
    expect(hostile.serverSurvived).toBe(true);
    expect(hostile.cases.filter((c) => c.outcome === 'not-run')).toEqual([]);
    // A normal session after every case, and the exact signals around them: nothing broken, nothing left behind.
    expect(hostile.brokenAfter).toBeUndefined();
    expect(hostile.signals?.after).toMatchObject({ lingeringConnections: 0, processes: hostile.signals?.before.processes });
    // ws answers every case but two as RFC 6455 asks: those warn, they do not fail.
    expect(['pass', 'warn']).toContain(check(report, 'hostile-survived').status);
    expect(check(report, 'recovery').status).toBe('pass');
    expect(report.verdict).not.toBe('fail');
    expectNothingLeftRunning(report);
  });

  it('fails hostile-survived, naming the case, for a server that crashes on invalid UTF-8', async () => {
    const report = await gate({ ...WITH_HOSTILE, 'server-command': `node ${JSON.stringify(CRASHER)}` });
    const survived = check(report, 'hostile-survived');
    expect(survived.status).toBe('fail');
    expect(`${survived.measured} ${survived.detail}`).toContain('invalid-utf8');
    expect(report.server.exit?.phase).toBe('hostile');
    expect(check(report, 'server-crash').status).toBe('fail');
    expect(report.verdict).toBe('fail');
    expectNothingLeftRunning(report);
  });

  it('is off unless selected, and adds no check then', async () => {
    const report = await gate({ ...QUICK, url: 'ws://127.0.0.1:0/', 'server-command': `node ${JSON.stringify(ECHO_SERVER)}` });
    expect(report.scenarios.hostile).toBeUndefined();
    expect(report.checks.map((c) => c.id)).not.toContain('hostile-survived');
  });
});

describe.skipIf(requireTool('python3-fastapi'))("FastAPI's documented WebSocket chat (a ConnectionManager that broadcasts)", () => {
  it('fails hostile-survived naming the binary-message case, and the sessions its broken handler left behind', async () => {
    const report = await gate({
      ...QUICK,
      'server-command': `${SYSTEM_PYTHON} -m uvicorn chat:app --host 127.0.0.1 --port $PORT`,
      'working-directory': '__tests__/fixtures/fastapi-chat',
      url: 'ws://127.0.0.1:0/ws/1',
      'stats-url': 'http://127.0.0.1:0/stats',
      scenarios: 'flapping,hostile,recovery',
    });
    const hostile = report.scenarios.hostile!;
    // receive_text() raises KeyError 'text' on a binary message: the handler ends without disconnect(), the dead
    // socket stays in the manager's list, and the next broadcast fails the session that sent it.
    expect(hostile.brokenAfter?.case).toBe('binary-message');
    expect(hostile.serverSurvived).toBe(true);
    const survived = check(report, 'hostile-survived');
    expect(survived.status).toBe('fail');
    expect(survived.detail).toMatch(
      /^'binary-message' \(binary message \(4 bytes\)\) broke the server's handling: a normal session right after it failed \(/,
    );
    // With stats-url: read again after the cases, the sessions the broken handler (and the failed session) left.
    expect(hostile.signals!.after.sessions! - hostile.signals!.before.sessions!).toBeGreaterThanOrEqual(1);
    expect(survived.detail).toMatch(/the hostile cases left behind sessions \(stats-url\) \+\d \(0 → \d\)/);
    expect(check(report, 'recovery').status).toBe('fail');
    const why = renderTerminal(report)
      .split('\n')
      .find((l) => l.includes('survived hostile input'))!;
    expect(why).toContain("'binary-message' (binary message (4 bytes)) broke the server's handling");
    expectNothingLeftRunning(report);
    console.log(`fastapi chat: ${survived.measured} — ${survived.detail}`);
  });
});
