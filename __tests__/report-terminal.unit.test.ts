import { describe, expect, it } from 'vitest';
import { formatMb, formatRate } from '../src/model/format.js';
import { renderComment } from '../src/report/markdown.js';
import { DETAIL_CELL_MAX, renderTerminal, TERMINAL_LOG_LINES } from '../src/report/terminal.js';
import { definiteFailureText } from '../src/server/readiness.js';
import {
  crashedReport,
  EXPRESS_PATH,
  failingReport,
  heapEvidence,
  heapSuspect,
  leakCase,
  judged,
  makeReport,
  notMeasuredReport,
  warnReport,
  withChecks,
} from './helpers/report-factory.js';

function lines(text: string): string[] {
  return text.split('\n');
}

/** The lines of a titled section: from the title to the next blank line. */
function sectionLines(text: string, title: string): string[] {
  const all = lines(text);
  const start = all.findIndex((l) => l.startsWith(title));
  if (start < 0) throw new Error(`no section ${title}`);
  const end = all.indexOf('', start);
  return all.slice(start + 1, end < 0 ? undefined : end);
}

describe('renderTerminal', () => {
  it('never cuts a Why line, in the terminal or the comment: the hint that fixes the run is at its end', () => {
    // What start-up says about a Socket.IO server gated at a path it does not serve (over 300 characters).
    const message = definiteFailureText(
      'ws://127.0.0.1:40123/api/realtime/collaboration?room=design-review',
      [],
      { key: 'reset', text: 'reset: socket hang up' },
      { attempts: 3, overMs: 2300 },
    );
    expect(message.length).toBeGreaterThan(300);
    const report = judged(
      makeReport({
        verdict: 'fail',
        stopped: { phase: 'startup', reason: 'startup-failed', message },
        server: { readyAfterMs: null },
      }),
    );
    const why = sectionLines(renderTerminal(report), 'Why').join('\n');
    expect(why).toContain(message);
    expect(why).toMatch(/\(Socket\.IO listens on \/socket\.io\/\?EIO=4&transport=websocket\)$/m);
    const comment = renderComment(report).replace(/\\/g, '');
    expect(comment).toContain(message.replace(/&/g, '&amp;'));
  });

  it('keeps a long cause whole in the Why line and short in the Checks table', () => {
    const suspect = heapSuspect({ name: 'WebSocket', countDelta: 65, perConnection: 1, bytesDelta: 12_480, retainerPath: EXPRESS_PATH });
    const text = renderTerminal({ ...leakCase(), evidence: [heapEvidence([suspect])] });
    const why = sectionLines(text, 'Why').find((l) => l.includes('retained objects'))!;
    expect(why).toMatch(/held by Node \/ TCPServerWrap → … → .* → onAnnounce\(\) → WebSocket ws \(context of leak-server\.js\)$/);
    const row = sectionLines(text, 'Checks').find((l) => l.startsWith('Retained objects'))!;
    const detail = row.slice(row.indexOf('+65 WebSocket (1.00 per connection'));
    expect(detail.length).toBe(DETAIL_CELL_MAX);
    expect(detail.endsWith('…')).toBe(true);
    expect(Math.max(...sectionLines(text, 'Checks').map((l) => l.length))).toBeLessThanOrEqual(200);
  });

  it('starts with the verdict and the key figures, then why it failed', () => {
    const pass = makeReport();
    const [first, second] = lines(renderTerminal(pass));
    expect(first).toBe(`[PASS] WebSocket resilience: ${pass.checks.length} of ${pass.checks.length} checks passed`);
    expect(second).toMatch(/^connect 100\s% · clean close 100\s% · retained \+1\.2\sMiB/);
    expect(renderTerminal(pass)).not.toContain('Why');

    const fail = failingReport();
    const failed = fail.checks.filter((c) => c.status === 'fail');
    const text = renderTerminal(fail);
    expect(lines(text)[0]).toBe(`[FAIL] WebSocket resilience: ${failed.length} of ${fail.checks.length} checks failed`);
    const why = sectionLines(text, 'Why');
    expect(why).toHaveLength(failed.length);
    expect(why[0]).toBe(
      `  FAIL  connect success rate 64\u00A0% < 80\u00A0% — 4\u00A0×\u00A0timeout, 3\u00A0×\u00A0http-503 (flapping); ` +
        `17\u00A0×\u00A0refused (leak)`,
    );

    expect(lines(renderTerminal(warnReport()))[0]).toMatch(/^\[WARN\] .*1\swarning$/);
    const nm = notMeasuredReport();
    const count = nm.checks.filter((c) => c.status === 'not-measured').length;
    expect(lines(renderTerminal(nm))[0]).toContain(`; ${count} not measured`);
  });

  it('gives the close reasons of a failed disconnect rate, where the Detail column used to be empty', () => {
    const base = makeReport({
      scenarios: { flapping: { cleanDisconnects: 0, disconnectRate: 0, disconnectFailures: { 'close-timeout': 14, 'code-1006': 6 } } },
    });
    const report = withChecks(base, { 'disconnect-success-rate': { measured: '0 % (0/20)', value: 0, status: 'fail' } });
    const text = renderTerminal(report);
    const row = sectionLines(text, 'Checks').find((l) => l.startsWith('Clean disconnect rate'))!;
    expect(row).toMatch(/14\s×\sclose-timeout, 6\s×\scode-1006 \(flapping\)$/);
    expect(sectionLines(text, 'Failures and close reasons')).toContainEqual(
      expect.stringMatching(/^flapping\s+disconnect\s+close-timeout\s+14$/),
    );
  });

  it('aligns the checks table in columns, with the limits typeset', () => {
    const report = failingReport();
    const [header, rule, ...rows] = sectionLines(renderTerminal(report), 'Checks');
    expect(rule).toMatch(/^-+$/);
    expect(rows).toHaveLength(report.checks.length);
    const measuredAt = header!.indexOf('Measured');
    const limitAt = header!.indexOf('Limit');
    const statusAt = header!.indexOf('Status');
    report.checks.forEach((c, i) => {
      const row = rows[i]!;
      expect(row.startsWith(c.title)).toBe(true);
      expect(row.slice(measuredAt).startsWith(c.measured.replace(/ (%|MB)/, '\u00A0$1').replace('MB', 'MiB'))).toBe(true);
      expect(
        row.slice(limitAt).startsWith(
          c.limit
            .replace('>=', '≥')
            .replace('<=', '≤')
            .replace(/ (%|MB)$/, '\u00A0$1')
            .replace('MB', 'MiB'),
        ),
      ).toBe(true);
      expect(row.slice(statusAt).startsWith(c.status === 'fail' ? 'FAIL' : 'pass')).toBe(true);
    });
  });

  it('shows each scenario, recovery and memory figures', () => {
    const report = failingReport({ scenarios: { leak: { enabled: false } } });
    const text = renderTerminal(report);
    const [header, , ...rows] = sectionLines(text, 'Scenarios');
    const f = report.scenarios.flapping;
    const connectsAt = header!.indexOf('Connects');
    const flapping = rows.find((r) => r.startsWith('flapping'))!;
    expect(flapping.slice(connectsAt).startsWith(`${f.connected}/${f.attempts} (${formatRate(f.connectRate)})`)).toBe(true);
    expect(rows.find((r) => r.startsWith('leak'))).toMatch(/^leak\s+disabled/);
    const r = report.scenarios.recovery;
    expect(text).toContain(`Recovery: connected`);
    expect(text).toContain(`pings answered ${r.pongsReceived}/${r.pingsSent}`);
    const memory = sectionLines(text, 'Memory');
    expect(memory.find((l) => l.trim().startsWith('Baseline'))).toMatch(new RegExp(`${formatMb(report.memory.baselineBytes)}$`));
    expect(memory.find((l) => l.trim().startsWith('Retained (after cooldown)'))).toMatch(
      new RegExp(`${formatMb(report.memory.retainedBytes)}$`),
    );
  });

  it('says memory was not measured, and why', () => {
    const report = notMeasuredReport();
    expect(renderTerminal(report)).toContain(`Memory: not measured (${report.memory.reason})`);
  });

  it('says where the server crashed and shows its last lines', () => {
    const report = crashedReport();
    const text = renderTerminal(report);
    expect(text).toContain(
      `Server stayed up — The server crashed during ${report.server.exit!.phase} (exit code ${report.server.exit!.code}).`,
    );
    expect(text).not.toContain('**');
    const log = sectionLines(text, 'Server log');
    expect(log.map((l) => l.trim())).toEqual(report.server.logTail);
  });

  it('shows only the last lines of a long log, and no log for a pass', () => {
    const logTail = Array.from({ length: TERMINAL_LOG_LINES + 15 }, (_, i) => `log line ${i}`);
    const text = renderTerminal(failingReport({ server: { logTail } }));
    const log = sectionLines(text, 'Server log').map((l) => l.trim());
    expect(log).toEqual(logTail.slice(-TERMINAL_LOG_LINES));
    expect(renderTerminal(makeReport({ server: { logTail } }))).not.toContain(logTail[logTail.length - 1]);
  });

  it('neutralises hostile server output: no escape codes, no extra lines, long lines capped', () => {
    const base = failingReport({
      server: { logTail: ['\u001b[2J\u001b]0;owned\u0007cleared screen', 'x'.repeat(1_000_000), 'last\rline'] },
    });
    const report = withChecks(base, { recovery: { status: 'fail', detail: 'line one\nline two\u001b[31m red' } });
    const text = renderTerminal(report);
    expect(text).not.toMatch(/[\u001b\u0007\r]/);
    expect(text).toContain('cleared screen');
    expect(text.length).toBeLessThan(20_000);
    const checks = sectionLines(text, 'Checks');
    expect(checks).toHaveLength(report.checks.length + 2);
    expect(checks.some((l) => l.endsWith('line one line two red'))).toBe(true);
  });

  it('colours only when asked', () => {
    const report = failingReport();
    expect(renderTerminal(report)).not.toContain('\u001b[');
    const coloured = renderTerminal(report, { color: true });
    expect(lines(coloured)[0]!.startsWith('\u001b[31m[FAIL]\u001b[39m')).toBe(true);
  });
});
