// Heap evidence in whole default runs (no stats-url): each leaking fixture fails retained-objects and names what
// it retains, with a retainer path in the terminal report and the PR comment. (A clean Node server passes, judged by
// its heap: gate.int.test.ts.)

import { fileURLToPath } from 'node:url';
import { describe, expect, it, type TestContext } from 'vitest';
import { renderComment } from '../src/report/markdown.js';
import { renderTerminal } from '../src/report/terminal.js';
import { check, expectNothingLeftRunning, gate } from './helpers/gate-run.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/heap-leak-server.js', import.meta.url));
const run = (leak: string, test: TestContext) =>
  gate({ 'server-command': `node ${JSON.stringify(FIXTURE)}`, 'server-env': `LEAK=${leak}`, url: 'ws://127.0.0.1:0/' }, test);

// The three runs are independent, mostly waits: side by side.
describe.runIf(process.platform === 'linux').concurrent('heap evidence at the default profile', () => {
  const cases: Array<[string, RegExp, RegExp]> = [
    ['session-map', /Session/, /Map sessions \(context of heap-leak-server\.js\)/],
    ['buffer', /Buffer|JSArrayBufferData/, /context of heap-leak-server\.js/],
    ['vanished', /PeerState/, /Map peers \(context of heap-leak-server\.js\)/],
  ];
  for (const [leak, constructor, path] of cases) {
    it(`fails retained-objects for a server that keeps ${leak} state, naming ${constructor.source}`, async (test) => {
      const report = await run(leak, test);
      const retained = check(report, 'retained-objects');
      expect(retained.status).toBe('fail');
      expect(retained.measured).toMatch(constructor);
      const heap = report.evidence.find((e) => e.source === 'heap-snapshots');
      expect(heap?.status).toBe('measured');
      expect(report.memoryJudge.by).toBe('heap-snapshots');
      const suspect = heap!.suspects[0]!;
      expect(suspect.name).toMatch(constructor);
      expect(suspect.retainerPath).not.toBeNull();
      // Node writes the snapshot from a JS signal listener: its stack frames hold things only while it writes.
      expect(suspect.retainerPath!.map((step) => step.node)).not.toContain('(Stack roots)');
      // The reader of the terminal report and of the PR comment sees the path next to the failing check.
      expect(renderTerminal(report)).toMatch(path);
      expect(
        renderComment(report)
          .split('\n')
          .find((line) => line.includes('retained objects')),
      ).toMatch(path);
      expect(report.verdict).toBe('fail');
      expectNothingLeftRunning(report);
    });
  }
  // A clean Node server passing at defaults, judged by its heap: the example echo server's run in gate.int.test.ts.
});
