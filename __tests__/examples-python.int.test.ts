// The Python example server stays quiet when clients vanish: no traceback per abrupt client in its log, under
// Debian's websockets (10.x, the legacy implementation) and, when given, a current release (the asyncio one).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QUICK, ROOT, expectNothingLeftRunning, gate } from './helpers/gate-run.js';
import { SYSTEM_PYTHON, requireTool } from './helpers/tools.js';

const EXAMPLE = join(ROOT, 'examples/python/echo_server.py');

/** Interpreters to try: Debian's, and WS_GATE_PYTHON_CURRENT (a venv with the current websockets release) if set. */
const PYTHONS: Array<[string, string]> = [];
if (!requireTool('python3-websockets')) PYTHONS.push(["Debian's python3-websockets", SYSTEM_PYTHON]);
if (process.env.WS_GATE_PYTHON_CURRENT) PYTHONS.push(['WS_GATE_PYTHON_CURRENT', process.env.WS_GATE_PYTHON_CURRENT]);

// With no interpreter, one skipped case stands in: a file that defines no test at all fails the run.
const CASES: Array<[string, string]> = PYTHONS.length > 0 ? PYTHONS : [['no Python with websockets', '']];

describe.skipIf(PYTHONS.length === 0).each(CASES)('examples/python/echo_server.py under %s', (_name, python) => {
  it('passes with abrupt disconnects in the run, and its log holds no traceback', async () => {
    const version = execFileSync(python, ['-c', 'import websockets; print(websockets.__version__)']).toString().trim();
    const dir = mkdtempSync(join(tmpdir(), 'ws-gate-python-'));
    try {
      const log = join(dir, 'server.log');
      const report = await gate({
        ...QUICK,
        'server-command': `${python} ${JSON.stringify(EXAMPLE)}`,
        url: 'ws://127.0.0.1:0/',
        'server-log': log,
        expect: 'echo',
      });
      // The case under test happened: clients went away without a close handshake.
      expect(report.scenarios.leak.abruptDisconnects).toBeGreaterThan(0);
      expect(report.verdict, JSON.stringify(report.checks.filter((c) => c.status !== 'pass'))).not.toBe('fail');
      const text = readFileSync(log, 'utf8');
      console.log(
        `websockets ${version}: ${report.scenarios.leak.abruptDisconnects} abrupt disconnects, ${text.split('\n').length - 1} log lines`,
      );
      expect(text).toContain('python echo server listening');
      expect(text).not.toMatch(/Traceback|connection handler failed|ConnectionClosedError/);
      expect(report.server.logTail.join('\n')).not.toMatch(/Traceback/);
      expectNothingLeftRunning(report);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
