// Servers from other ecosystems, launched the way they are launched there, gated by the committed CLI bundle
// with the settings of their example workflows: the verdict, and that the memory is that of the right processes.
// The verdicts are the ones docs/ecosystems.md claims: each row of its Verdict column is run here, and a run that
// disagrees with its row fails the test (so do a row nobody runs and a run no row claims).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { Report } from '../src/model/report.js';
import { cliForUser, notPassed, runCli } from './helpers/cli-run.js';
import { docsClaims, disagreement } from './helpers/docs-claims.js';
import { ROOT, expectNothingLeftRunning, pidAlive } from './helpers/gate-run.js';
import { SERVERS, testServers } from './helpers/test-server.js';
import { SYSTEM_PYTHON, requireTool } from './helpers/tools.js';

const MB = 1024 * 1024;
const { start } = testServers();

/** The rows of docs/ecosystems.md's Verdict column this file runs, by the start of their server cell. */
const CLAIMED = {
  python: 'Python `websockets`',
  websocketd: '`websocketd`',
  socketIoExample: 'Socket.IO 4.8, example settings',
  socketIoDefaults: 'Socket.IO 4.8, every default',
  npmStart: 'Node `ws` started by `npm start`',
} as const;

/** The run agrees with the verdict docs/ecosystems.md claims for its row. */
function expectDocsClaim(row: keyof typeof CLAIMED, report: Report): void {
  const claim = docsClaims('ecosystems.md').find((c) => c.row.startsWith(CLAIMED[row].replace(/`/g, '')));
  expect(claim, `docs/ecosystems.md has no verdict for ${CLAIMED[row]}`).toBeDefined();
  expect(disagreement(claim!, report)).toBeNull();
}

/** The `with:` of the gate step in examples/workflows/<name>. */
function exampleInputs(name: string): Record<string, string> {
  const workflow = parseYaml(readFileSync(join(ROOT, 'examples/workflows', name), 'utf8')) as {
    jobs: Record<string, { steps: Array<{ uses?: string; with?: Record<string, string | number> }> }>;
  };
  const step = Object.values(workflow.jobs)
    .flatMap((j) => j.steps)
    .find((s) => s.uses?.startsWith('ws-resilience-gate/ws-resilience-gate@'))!;
  return Object.fromEntries(Object.entries(step.with!).map(([k, v]) => [k, String(v)]));
}

/** The figures a closing note quotes, one line per server. */
function figures(name: string, report: Report): string {
  const m = report.memory;
  const g = report.signals.growth;
  const peakProcesses = Math.max(...m.samples.map((s) => s.processes));
  return (
    `${name}: ${report.verdict}; baseline ${(m.baselineBytes! / MB).toFixed(1)} MB, retained ` +
    `+${(m.retainedGrowthBytes! / MB).toFixed(1)} MB, ` +
    `peak +${(m.peakGrowthBytes! / MB).toFixed(1)} MB, trend ${m.trend?.kbPerConnection?.toFixed(1)} ± ` +
    `${m.trend?.standardErrorKb?.toFixed(1)} KB/conn; ` +
    `fds ${g.fds} threads ${g.threads} processes ${g.processes} lingering ${g.lingeringConnections}; ` +
    `tree ${report.signals.baseline?.processes} processes at rest, ${peakProcesses} at most; ` +
    `measured: ${report.server.processes.map((p) => p.command).join(' | ')}`
  );
}

/** Every default check passed, the server ran to the end, and nothing of it is left. */
function expectCleanPass(run: { code: number | null; stderr: string; report: Report | null }): Report {
  expect(run.report, run.stderr).not.toBeNull();
  const report = run.report!;
  expect(notPassed(report)).toEqual([]);
  expect(run.code, run.stderr).toBe(0);
  expect(report.scenarios.leak.abruptDisconnects).toBeGreaterThan(0);
  expect(report.signals.growth).toMatchObject({ processes: 0, lingeringConnections: 0 });
  // At rest, within one of the baseline: Engine.IO's sockets can still be closing at either reading (seen: -1 and +1
  // with other files' runs beside this one); fd-growth, passed above, allows 4.
  expect(Math.abs(report.signals.growth.fds!)).toBeLessThanOrEqual(1);
  expectNothingLeftRunning(report);
  return report;
}

// Every run here is independent and mostly waits: side by side (each passes its test context to start()).
describe.concurrent('ecosystems', () => {
  describe('docs/ecosystems.md', () => {
    it('claims a verdict only for servers this file runs, and for every one of them', () => {
      const rows = docsClaims('ecosystems.md').map((c) => c.row);
      const runs = Object.values(CLAIMED).map((start) => start.replace(/`/g, ''));
      expect(rows.map((row) => runs.filter((start) => row.startsWith(start)).length)).toEqual(rows.map(() => 1));
      expect(runs.map((start) => rows.filter((row) => row.startsWith(start)).length)).toEqual(runs.map(() => 1));
    });
  });

  describe('servers from other ecosystems, through the CLI bundle', () => {
    // One run of the clean-python series (npm run evidence runs ten): no check may fail a clean server.
    it.skipIf(requireTool('python3-websockets'))(
      "Python's websockets (Debian's python3): passes every check, and the memory is the interpreter's",
      async () => {
        const inputs = { ...exampleInputs('python.yml'), 'server-command': `${SYSTEM_PYTHON} examples/python/echo_server.py` };
        const report = expectCleanPass(await runCli(inputs));
        expectDocsClaim('python', report);
        console.log(figures('python websockets', report));
        const python = report.server.processes.find((p) => p.command.includes('echo_server.py'))!;
        expect(python.command).toMatch(/python3/);
        expect(report.scenarios.recovery).toMatchObject({ expect: 'echo', messagesAnswered: 5, pongsReceived: 3 });
        // A shell alone holds ~1 MB: an interpreter with websockets loaded is well above.
        expect(report.memory.baselineBytes!).toBeGreaterThan(10 * MB);
      },
    );

    it.skipIf(requireTool('websocketd'))(
      'websocketd wrapping cat: passes, samples the cat it forks per connection, and every one is gone after',
      async () => {
        const report = expectCleanPass(await runCli(exampleInputs('websocketd.yml')));
        expectDocsClaim('websocketd', report);
        console.log(figures('websocketd cat', report));
        expect(report.server.processes.map((p) => p.command).join('\n')).toMatch(/websocketd --address=127\.0\.0\.1 --port=\d+ cat/);
        const atRest = report.signals.baseline!.processes!;
        // Up to three clients at once during leak, each with its own cat: the tree grew under the sampler...
        const duringLoad = report.memory.samples.filter((s) => s.phase === 'flapping' || s.phase === 'leak').map((s) => s.processes);
        expect(Math.max(...duringLoad)).toBeGreaterThan(atRest);
        // ...and shrank back: no cat outlived its connection.
        expect(report.signals.after!.processes).toBe(atRest);
        const cats = report.server.pidsSeen.length - atRest;
        expect(cats).toBeGreaterThan(10);
        expect(report.scenarios.recovery).toMatchObject({ expect: 'echo', messagesAnswered: 5 });
      },
    );

    it('Socket.IO on its raw WebSocket transport, with the example settings (one valid Engine.IO packet): passes', async () => {
      const inputs = exampleInputs('socketio.yml');
      expect(inputs.url).toContain('/socket.io/?EIO=4&transport=websocket');
      const report = expectCleanPass(await runCli(inputs));
      expectDocsClaim('socketIoExample', report);
      console.log(figures('socket.io', report));
      expect(report.server.processes.map((p) => p.command).join('\n')).toContain('node examples/socketio/server.js');
      // Pings are answered by ws under Engine.IO; `40` is answered with the namespace's `40{"sid":...}`.
      expect(report.scenarios.recovery).toMatchObject({ pongsReceived: 3, messagesAnswered: 1, closedCleanly: true });
      expect(report.memory.baselineBytes!).toBeGreaterThan(30 * MB);
    });

    it('Socket.IO with every default: passes, recovery speaking Engine.IO (protocol auto detects it)', async () => {
      const { 'recovery-messages': _n, message: _m, expect: _e, ...defaults } = exampleInputs('socketio.yml');
      const run = await runCli(defaults);
      const report = run.report!;
      expectDocsClaim('socketIoDefaults', report);
      expect(run.code, notPassed(report).join('\n')).toBe(0);
      expect(report.server.protocol?.id).toBe('socket.io');
      expect(report.scenarios.recovery).toMatchObject({ pongsReceived: 3, problems: [], expect: 'socket.io answer' });
      // One word for the expectation: the progress line says what the result says.
      expect(run.stderr).toContain('▶ recovery: 3 pings, 5 messages, expect socket.io answer');
      expectNothingLeftRunning(report);
    });
  });

  describe('a server started with npm start in an earlier step, attached to by URL', () => {
    it('samples the server that owns the port, not npm, and never stops it', async (test) => {
      // As the example workflow does: npm start in the background, then the gate with a URL and no server-command.
      const npm = await start('npm start', { cwd: 'examples/attach' }, test);
      const { 'startup-timeout-s': _s, ...inputs } = exampleInputs('attach-npm-start.yml');
      const run = await runCli({ ...inputs, url: npm.target.url });
      const report = run.report!;
      expect(notPassed(report)).toEqual([]);
      expect(run.code, run.stderr).toBe(0);
      expectDocsClaim('npmStart', report);
      console.log(figures('npm start, attached', report));
      expect(report.server).toMatchObject({ mode: 'attach', pidSource: 'port-owner' });
      expect(report.server.pid).not.toBe(npm.pid);
      expect(npm.tree()).toContain(report.server.pid);
      expect(report.server.processes.map((p) => p.command)).toEqual(['node ../echo-server.js']);
      // Attached: the gate left the server running.
      expect(pidAlive(report.server.pid!)).toBe(true);
      expect(report.server.survivors).toEqual([]);
    });
  });

  describe("a server of another user (a container's root process, as with docker compose)", () => {
    const nobody = { uid: 65534, gid: 65534 };
    it.skipIf(process.getuid?.() !== 0)('shows its fds and lingering connections as not measured, never as 0', async (ctx) => {
      // The clone may sit where nobody cannot enter (root's home, a 0700 mktemp -d): run a copy from a directory it can.
      const prepared = cliForUser(nobody);
      if (!prepared.ok) {
        process.stderr.write(`skipped: the CLI cannot run as uid ${nobody.uid}: ${prepared.reason}\n`);
        ctx.skip(prepared.reason);
        return;
      }
      const server = await start(SERVERS.echo, {}, ctx);
      try {
        // The gate as nobody, the server as root: /proc/<pid>/fd is closed to the gate, the rest is readable.
        const run = await runCli({ url: server.target.url, 'server-pid': String(server.pid), 'recovery-hold-ms': '100' }, {}, prepared.as);
        const report = run.report!;
        expect(run.code, run.stderr).toBe(0);
        expect(report.signals.after).toMatchObject({ fds: null, lingeringConnections: null, processes: 1 });
        expect(report.signals.after!.threads).toBeGreaterThan(0);
        for (const id of ['fd-growth', 'lingering-connections']) {
          expect(report.checks.find((c) => c.id === id)).toMatchObject({ status: 'not-measured', measured: 'n/a' });
        }
        expect(report.memory.baselineBytes!).toBeGreaterThan(30 * MB);
      } finally {
        prepared.cleanup();
      }
    });
  });
});
