// Process truth through whole gate runs: a start script that backgrounds the server is not a crash, a server that
// outlives SIGTERM is said to have been killed, and a server that detaches with setsid is reported as a survivor by
// the port it still holds.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { renderComment } from '../src/report/comment.js';
import { validateReport } from '../src/report/validate.js';
import { groupExists } from '../src/server/server-process.js';
import { renderTerminal } from '../src/report/terminal.js';
import { ECHO_SERVER, QUICK, check, expectNothingLeftRunning, fixtureInputs, gate, pidAlive } from './helpers/gate-run.js';

const linux = process.platform === 'linux';

describe.runIf(linux)('process truth', () => {
  it('says a start script that exits 0 must keep running in the foreground, and calls it no crash', async () => {
    // The shell exits at once; the server it put in the background is in the gate's process group and torn down.
    const report = await gate({ ...QUICK, 'server-command': `node ${JSON.stringify(ECHO_SERVER)} &`, url: 'ws://127.0.0.1:0/' });
    expect(report.stopped).toMatchObject({ phase: 'startup', reason: 'startup-failed' });
    expect(report.stopped!.message).toMatch(/exited \(code 0\).*must keep running in the foreground/);
    expect(check(report, 'server-crash').measured).not.toMatch(/crashed/);
    expect(report.verdict).toBe('fail');
    for (const pid of report.server.pidsSeen) expect(pidAlive(pid), `pid ${pid}`).toBe(false);
    // The backgrounded server was in the gate's process group, never in its tree: torn down with the group.
    expect(report.server.leftListening).toBeUndefined();
    expect(report.server.survivors).toEqual([]);
  });

  it('names a server the start script detached with setsid and left listening, with its pid and how to stop it', async () => {
    // A start script as a deploy might have one: the server in a session of its own, the script done at once.
    const dir = mkdtempSync(join(tmpdir(), 'ws-gate-detached-'));
    const pidFile = join(dir, 'server.pid');
    const script = join(dir, 'start.sh');
    const node = JSON.stringify(process.execPath);
    writeFileSync(script, `setsid ${node} ${JSON.stringify(ECHO_SERVER)} >/dev/null 2>&1 &\necho $! > server.pid\nexit 0\n`);
    try {
      const report = await gate({ ...QUICK, 'server-command': 'sh start.sh', 'working-directory': dir, url: 'ws://127.0.0.1:0/' });
      const pid = Number(readFileSync(pidFile, 'utf8'));
      expect(report.stopped).toMatchObject({ phase: 'startup', reason: 'startup-failed' });
      const cause = report.stopped!.message;
      expect(cause).toMatch(/exited \(code 0\) before accepting a handshake/);
      expect(cause).toContain(`pid ${pid} (${process.execPath} ${ECHO_SERVER}) then began listening on 127.0.0.1:`);
      expect(cause).toContain(`kill ${pid}`);
      expect(cause).toMatch(/start the server in the foreground of server-command/);
      // Left running, as the cause says: the gate did not start it in a group it stops, so it does not kill it.
      expect(pidAlive(pid)).toBe(true);
      expect(report.server.detached).toMatchObject({ pid, command: `${process.execPath} ${ECHO_SERVER}` });
      expect(report.server.survivors).toContain(pid);
      // Said once, in the failure's cause, not again as a listener found after teardown.
      expect(report.server.leftListening).toBeUndefined();
      expect(check(report, 'server-crash').measured).not.toMatch(/crashed/);
      expect(renderTerminal(report)).toContain(`kill ${pid}`);
      expect(renderComment(report)).toContain(`kill ${pid}`);
      expect(validateReport(JSON.parse(JSON.stringify(report))).server.detached?.pid).toBe(pid);
    } finally {
      // The survivor is the test's to end, whatever the gate said of it.
      if (existsSync(pidFile)) {
        const pid = Number(readFileSync(pidFile, 'utf8'));
        if (pid > 0 && pidAlive(pid)) process.kill(pid, 'SIGKILL');
        for (let i = 0; i < 100 && pid > 0 && pidAlive(pid); i++) await sleep(20);
        expect(pidAlive(pid)).toBe(false);
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says a server that outlived SIGTERM was killed, and does not take its dying for a server that left', async () => {
    const report = await gate(fixtureInputs({ IGNORE_SIGTERM: 1 }, { ...QUICK, 'shutdown-grace-s': '1' }));
    expect(report.server.killedAfterGrace).toMatch(/did not exit within shutdown-grace-s \(1 s\) of SIGTERM and was killed/);
    expect(report.server.logTail).toContain('SIGTERM ignored');
    // Killed a moment before teardown looks at the port: it still held it while dying, and that is not a survivor.
    expect(report.server.leftListening).toBeUndefined();
    expectNothingLeftRunning(report);
    expect(renderTerminal(report)).toContain('Teardown: the server did not exit within shutdown-grace-s (1 s) of SIGTERM');
    // A server that stops on SIGTERM is not said to have been killed.
    const clean = await gate({ ...QUICK, 'server-command': `node ${JSON.stringify(ECHO_SERVER)}`, url: 'ws://127.0.0.1:0/' });
    expect(clean.server.killedAfterGrace).toBeUndefined();
  });

  it('reports a server that detached with setsid as a survivor, with its pid and a hint', async () => {
    const report = await gate({
      ...QUICK,
      // setsid -f forks: the server is reparented away from the tree at once, as a daemonizing start script leaves it.
      'server-command': `setsid -f ${JSON.stringify(process.execPath)} ${JSON.stringify(ECHO_SERVER)}; sleep 60`,
      url: 'ws://127.0.0.1:0/',
    });
    const detached = report.server.survivors.filter(pidAlive);
    try {
      expect(report.server.leftListening).toMatch(/still listens on 127\.0\.0\.1:\d+ after teardown/);
      expect(detached.length).toBeGreaterThan(0);
      expect(report.server.leftListening).toContain(`pid ${detached[0]}`);
    } finally {
      for (const pid of detached) process.kill(pid, 'SIGKILL');
    }
  });
});

describe.runIf(linux)('groupExists', () => {
  it('does not count a zombie as a living member of a process group', async () => {
    // setsid makes `sleep 2` a group of its own; its parent becomes `sleep 30`, which never reaps it.
    const parent = spawn('sh', ['-c', 'setsid sleep 2 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const zombie = Number((await once(parent.stdout!, 'data'))[0].toString().trim());
      // The group exists once the child has called setsid (a moment after its pid is printed) and while it lives.
      await expect.poll(() => groupExists(zombie), { timeout: 1800, interval: 20 }).toBe(true);
      const state = (): string => readFileSync(`/proc/${zombie}/stat`, 'utf8').split(') ')[1]!.slice(0, 1);
      await expect.poll(state, { timeout: 6000 }).toBe('Z');
      // The group still has its member for kill(-pgid, 0), but nothing in it lives.
      expect(() => process.kill(-zombie, 0)).not.toThrow();
      expect(groupExists(zombie)).toBe(false);
    } finally {
      parent.kill('SIGKILL');
      await once(parent, 'exit');
    }
  });
});
