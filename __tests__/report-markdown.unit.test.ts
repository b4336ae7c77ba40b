import type { CheckId } from '../src/model/checks.js';
import { describe, expect, it } from 'vitest';
import { codeBlock, escapeHtml, escapeInline, longestBacktickRun } from '../src/report/escape.js';
import { formatMb, formatMbDelta, formatRate, NBSP } from '../src/model/format.js';
import { trendLowerBound } from '../src/analysis/trend.js';
import { CAUSES, causeOf, RETAINER_PATH_MAX, retainerPathText } from '../src/report/causes.js';
import { renderTerminal } from '../src/report/terminal.js';
import { CHART_LINE_COLOR, resampleEvenly } from '../src/report/chart.js';
import { largestFitting } from '../src/report/fit.js';
import {
  CHART_MAX_POINTS,
  DEFAULT_MAX_CHARS,
  LOG_EXCERPT_LINES,
  LOG_LINE_CAP,
  renderComment,
  renderMarkdown,
} from '../src/report/markdown.js';
import { MARKDOWN_STYLE } from '../src/report/sentences.js';
import type { MemorySample, Report } from '../src/model/report.js';
import {
  baseRegressionCase,
  check,
  crashCase,
  crashedReport,
  EXPRESS_PATH,
  failingReport,
  heapEvidence,
  heapSuspect,
  leakCase,
  makeReport,
  memorySamples,
  notMeasuredReport,
  passCase,
  rejectedUpgradeCase,
  settingDefaults,
  warnReport,
  withChecks,
} from './helpers/report-factory.js';

const ZWJ = '\u200D';

interface Fence {
  info: string;
  open: string;
  lines: string[];
}

interface Table {
  header: string[];
  rows: string[][];
}

/** Splits a table line into cells the way GFM does: a pipe preceded by a backslash is content, not a separator. */
function splitCells(line: string): string[] {
  const cells: string[] = [];
  let current = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '|' && line[i - 1] !== '\\') {
      cells.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  cells.push(current);
  // A row written as `| a | b |` has an empty piece before the first and after the last pipe.
  return cells.slice(1, -1).map((s) => s.trim());
}

/** Reads Markdown the way a renderer would for our purposes: fenced code blocks, and tables outside them. */
function scan(md: string): { outside: string[]; fences: Fence[]; tables: Table[]; problems: string[] } {
  const outside: string[] = [];
  const fences: Fence[] = [];
  const tables: Table[] = [];
  const problems: string[] = [];
  const lines = md.split('\n');
  let fence: Fence | null = null;
  let table: Table | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (fence) {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
      if (close && close[1]![0] === fence.open[0] && close[1]!.length >= fence.open.length) fence = null;
      else fence.lines.push(line);
      continue;
    }
    const open = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (open && !(open[1]![0] === '`' && open[2]!.includes('`'))) {
      fence = { open: open[1]!, info: open[2]!.trim(), lines: [] };
      fences.push(fence);
      table = null;
      continue;
    }
    outside.push(line);
    if (!line.startsWith('|')) {
      table = null;
      continue;
    }
    const cells = splitCells(line);
    if (table) {
      if (cells.length !== table.header.length) {
        problems.push(`line ${i + 1} has ${cells.length} cells, header has ${table.header.length}: ${line.slice(0, 200)}`);
      }
      table.rows.push(cells);
      continue;
    }
    const next = lines[i + 1] ?? '';
    if (!/^\|(\s*:?-+:?\s*\|)+\s*$/.test(next)) {
      problems.push(`line ${i + 1} looks like a table row but no table started: ${line.slice(0, 200)}`);
      continue;
    }
    const delimiterCells = splitCells(next);
    if (delimiterCells.length !== cells.length)
      problems.push(`line ${i + 2}: delimiter row has ${delimiterCells.length} cells, header ${cells.length}`);
    table = { header: cells, rows: [] };
    tables.push(table);
    outside.push(next);
    i++;
  }
  if (fence) problems.push(`code fence ${fence.open} never closed`);
  return { outside, fences, tables, problems };
}

function tableWithHeader(md: string, first: string): Table {
  const found = scan(md).tables.find((t) => t.header[0] === first);
  if (!found) throw new Error(`no table starting with ${first}`);
  return found;
}

function firstLine(md: string): string {
  return md.split('\n')[0]!;
}

describe('scan helper', () => {
  it('counts escaped pipes as content and finds a short row', () => {
    const good = scan('| a | b |\n| --- | --- |\n| x \\| y | z |');
    expect(good.problems).toEqual([]);
    expect(good.tables[0]!.rows[0]).toEqual(['x \\| y', 'z']);
    const bad = scan('| a | b |\n| --- | --- |\n| x | y | z |');
    expect(bad.problems).toHaveLength(1);
  });

  it('ignores pipes inside code fences', () => {
    expect(scan('```\n| a |\n```').problems).toEqual([]);
  });
});

describe('escapeInline', () => {
  it('backslash-escapes Markdown punctuation and entity-escapes HTML', () => {
    expect(escapeInline('a|b')).toBe('a\\|b');
    expect(escapeInline('`x` *y* _z_ [l](u) ~s~')).toBe('\\`x\\` \\*y\\* \\_z\\_ \\[l\\](u) \\~s\\~');
    expect(escapeInline('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(escapeInline('&lt;b&gt;')).toBe('&amp;lt;b&amp;gt;');
    expect(escapeInline('C:\\path|x')).toBe('C:\\\\path\\|x');
  });

  it('breaks mentions with a zero-width joiner', () => {
    const out = escapeInline('ping @org/team and @alice');
    expect(out).toBe(`ping @${ZWJ}org/team and @${ZWJ}alice`);
    expect(out).not.toMatch(/@[A-Za-z]/);
  });

  it('collapses newlines, strips controls and caps the length', () => {
    expect(escapeInline('one\ntwo\r\nthree\u001b[31m red\u0000')).toBe('one two three red');
    const long = 'y'.repeat(1000);
    const out = escapeInline(long, 50);
    expect(Array.from(out)).toHaveLength(50);
    expect(out.endsWith('…')).toBe(true);
  });

  it('stops text from starting a list or heading', () => {
    expect(escapeInline('- item')).toBe('\\- item');
    expect(escapeInline('# title')).toBe('\\# title');
    expect(escapeInline('1. first')).toBe('1\\. first');
    expect(escapeInline('120.3 MB')).toBe('120.3 MB');
  });

  it('escapeHtml leaves nothing that opens a tag', () => {
    expect(escapeHtml('</summary><b onclick="x">')).toBe('&lt;/summary&gt;&lt;b onclick=&quot;x&quot;&gt;');
  });
});

describe('codeBlock', () => {
  it('uses a fence longer than any backtick run, at least three', () => {
    expect(codeBlock('plain').startsWith('```\n')).toBe(true);
    const text = 'a ```````` b\n`` c';
    const block = codeBlock(text, 'text');
    const fence = '`'.repeat(longestBacktickRun(text) + 1);
    expect(block).toBe(`${fence}text\n${text}\n${fence}`);
  });

  it('keeps hostile content inside the block, including a closing </details>', () => {
    const hostile = ['```', '</details>', '````````', '<img src=x onerror=alert(1)>', '@org/team'].join('\n');
    const md = `<details>\n<summary>log</summary>\n\n${codeBlock(hostile, 'text')}\n\n</details>\nafter`;
    const { fences, outside, problems } = scan(md);
    expect(problems).toEqual([]);
    expect(fences).toHaveLength(1);
    expect(fences[0]!.lines).toEqual(hostile.split('\n'));
    // Outside the fence only our own tags remain.
    expect(outside.filter((l) => l.includes('</details>'))).toEqual(['</details>']);
    expect(outside.join('\n')).not.toContain('<img');
    expect(outside.join('\n')).toContain('after');
  });

  it('sanitises the info string', () => {
    expect(codeBlock('x', 'js`evil').split('\n')[0]).toBe('```jsevil');
  });
});

/** The lines a reader sees before opening anything: outside collapsed sections, plus each section's summary line. */
function firstView(md: string): string[] {
  const seen: string[] = [];
  let depth = 0;
  for (const line of md.split('\n')) {
    if (/^<details( open)?>$/.test(line)) depth++;
    else if (line === '</details>') depth--;
    else if (depth === 0 && line.trim() !== '') seen.push(line);
    else if (depth === 1 && line.startsWith('<summary>')) seen.push(line);
  }
  return seen;
}

/** The list items right under the heading: one per failing or warning check. */
function causeItems(md: string): string[] {
  return firstView(md).filter((l) => l.startsWith('- '));
}

const opened = (md: string): number => (md.match(/^<details open>$/gm) ?? []).length;

describe('renderComment: the decision first', () => {
  it('a pass is a heading, one line of key figures and the collapsed sections: at most 5 lines', () => {
    const report = passCase();
    const md = renderComment(report, { settingDefaults: settingDefaults() });
    const n = report.checks.length;
    expect(firstLine(md)).toBe(`### ✅ WebSocket resilience: ${n} of ${n} checks passed`);
    const view = firstView(md);
    expect(view.length).toBeLessThanOrEqual(5);
    expect(view[1]).toMatch(
      /^connect 100\s% · clean close 100\s% · retained \+1\.2\sMiB · trend 23\.5\sKiB\/conn · recovered · 11\.3\ss run/,
    );
    expect(view[1]).toContain(`[workflow run](${report.environment.runUrl})`);
    expect(causeItems(md)).toEqual([]);
    expect(opened(md)).toBe(0);
    expect(scan(md).problems).toEqual([]);
  });

  it('lists each failing check once, with its violation and its cause beside it', () => {
    const report = rejectedUpgradeCase();
    const md = renderComment(report);
    expect(firstLine(md)).toBe(`### ❌ WebSocket resilience: 1 of ${report.checks.length} checks failed`);
    expect(causeItems(md)).toEqual([
      `- ❌ **connect success rate 70.8${NBSP}% (46/65) < 80${NBSP}%** — 12${NBSP}×${NBSP}http-503 (flapping); 4${NBSP}×${NBSP}http-503, ` +
        `3${NBSP}×${NBSP}http-502 (leak)`,
    ]);
    // Once: the checks table holds it too, but behind <details>.
    expect(firstView(md).filter((l) => l.includes('connect success rate'))).toHaveLength(1);
  });

  it('a leak names the leaking signals and the heap suspect with its retainer path', () => {
    const report = leakCase();
    const items = causeItems(renderComment(report));
    expect(items).toHaveLength(4);
    // Above the limit on its face: the figure judged (the least leak the readings allow) stands beside it.
    const judged = trendLowerBound(report.memory.trend!)!.toFixed(1);
    expect(items[0]).toContain(
      `**memory trend 203.4 ±${NBSP}4.1 KiB/conn (at least ${judged} at 95${NBSP}%) > 100 KiB/conn**`.replace(/ (KiB)/g, `${NBSP}$1`),
    );
    expect(items[0]).toContain('+65 Session (1.00 per connection, +12.7');
    expect(items[0]).toContain('held by (GC roots) → Map sessions → Session');
    // The heap names the leak as its own failing check, with the same retainer path beside it.
    expect(items[1]).toContain('**retained objects +65 Session (1.00/conn) >');
    expect(items[1]).toContain('held by (GC roots) → Map sessions → Session');
    expect(items[2]).toContain('**open fd growth +65 > 4** — open fds 23 → 88');
    expect(items[3]).toContain('**lingering connections 71 > 0** — 71');
    expect(items[3]).toContain('still ESTABLISHED or CLOSE_WAIT after cooldown');
  });

  it('a warning is listed with its own icon and the verdict says so', () => {
    const report = warnReport();
    const md = renderComment(report);
    expect(firstLine(md)).toBe(
      `### ⚠️ WebSocket resilience: ${report.checks.length - 1} of ${report.checks.length} checks passed, 1${NBSP}warning`,
    );
    expect(causeItems(md)).toEqual([
      `- ⚠️ **peak memory growth 130.0${NBSP}MiB > 100${NBSP}MiB** — peak 47.0${NBSP}MiB over a baseline of 42.0${NBSP}MiB`,
    ]);
  });

  it('counts not-measured checks in the heading and says why memory was not measured', () => {
    const report = notMeasuredReport();
    const md = renderComment(report);
    const nm = report.checks.filter((c) => c.status === 'not-measured');
    expect(firstLine(md)).toContain(`; ${nm.length} not measured`);
    expect(md).toContain(`**Memory:** not measured: ${report.memory.reason}`);
    expect(md).not.toContain('```mermaid');
  });
});

describe('renderComment: a crash', () => {
  it('says the crash once, shows the server log near the top and folds the unmeasured checks into one line', () => {
    const report = crashCase();
    const md = renderComment(report);
    const view = firstView(md);
    const items = causeItems(md);
    expect(items).toContain(`- ❌ **server stayed up** — The server crashed during **leak** (exit code 3).`);
    // The run-completed check would only repeat the crash.
    expect(items.some((l) => l.includes('run completed'))).toBe(false);
    const notMeasured = report.checks.filter((c) => c.status === 'not-measured');
    expect(notMeasured.length).toBeGreaterThan(1);
    expect(items.at(-1)).toBe(
      `- ➖ ${notMeasured.length}${NBSP}checks not measured after the crash: ${notMeasured.map((c) => escapeInline(c.title)).join(', ')}`,
    );
    expect(view.join('\n').match(/exit code 3/g)).toHaveLength(1);

    // A check that fails because it could not run is said apart, so the line counts as the heading does.
    const recoveryFailed = {
      ...report,
      checks: report.checks.map((c) => (c.id === 'recovery' ? { ...c, status: 'fail' as const, value: null } : c)),
    };
    const unmeasured = recoveryFailed.checks.filter((c) => c.status === 'not-measured');
    expect(causeItems(renderComment(recoveryFailed)).at(-1)).toBe(
      `- ➖ ${unmeasured.length}${NBSP}checks not measured after the crash: ${unmeasured.map((c) => escapeInline(c.title)).join(', ')}` +
        '; recovery could not run and fails for it',
    );
    expect(firstView(renderComment(recoveryFailed))[0]).toContain(`; ${unmeasured.length} not measured`);
    // The log excerpt comes before any collapsed section and ends with the server's last line.
    const excerpt = scan(md).fences.find((f) => f.info === 'text')!;
    expect(excerpt.lines).toEqual(report.server.logTail.slice(-LOG_EXCERPT_LINES));
    expect(md.indexOf(excerpt.lines.at(-1)!)).toBeLessThan(md.indexOf('<details>'));
    // The chart stops at the crash and says when it came.
    expect(md).toContain(`The server exited at ${(report.server.exit!.atMs / 1000).toFixed(1)}${NBSP}s.`);
  });

  it('does not repeat a stop message that only restates the exit', () => {
    const md = renderComment(crashedReport());
    expect(md).toContain('The server crashed during **leak** (exit code 3).');
    expect(md).not.toContain('exited with code 3');
    const other = crashedReport({ stopped: { message: 'EMFILE while accepting' } });
    expect(renderComment(other)).toContain('The server crashed during **leak** (exit code 3): EMFILE while accepting');
    const killed = crashedReport({ server: { exit: { code: null, signal: 'SIGKILL', phase: 'flapping' } } });
    expect(renderComment(killed)).toContain('The server crashed during **flapping** (signal SIGKILL)');
  });

  it('describes a timeout with its message, and a server that never started', () => {
    const timeout = failingReport({ stopped: { phase: 'cooldown', reason: 'timeout', message: 'deadline of 300 s reached' } });
    expect(renderComment(timeout)).toContain('The run hit its deadline during **cooldown**: deadline of 300 s reached');
    const neverStarted = failingReport({ stopped: { phase: 'startup', reason: 'startup-failed', message: 'no handshake within 30 s' } });
    const md = renderComment(neverStarted);
    expect(md).toContain('The server did not start (**startup**): no handshake within 30 s');
    expect(md.indexOf('```text')).toBeLessThan(md.indexOf('<details>'));
  });
});

describe('renderComment: the base comparison, once', () => {
  it('shows regressed metrics once with the base value, and one table of what changed beyond noise', () => {
    const report = baseRegressionCase();
    const md = renderComment(report);
    const items = causeItems(md);
    const regressed = report.comparison!.metrics.filter((m) => m.regressed);
    expect(regressed.length).toBe(2);
    expect(items).toHaveLength(2);
    expect(items[1]).toBe(
      `- ❌ **retained memory growth 2.0${NBSP}MiB → 9.0${NBSP}MiB (+7.0${NBSP}MiB) against the base** — regressed: worse than the base ` +
        `by more than 25${NBSP}% of it and by more than 5.0${NBSP}MiB`,
    );
    // No regression rows in the checks table: the base table is the one place for them.
    expect(tableWithHeader(md, 'Check').rows.some((r) => r[0]!.includes('vs base'))).toBe(false);
    const base = tableWithHeader(md, 'Metric');
    expect(base.header).toEqual(['Metric', 'Base', 'This PR', 'Change', 'Noise floor']);
    const changed = report.comparison!.metrics.filter((m) => m.change !== null && Math.abs(m.change) > m.floor);
    expect(base.rows.map((r) => r[0])).toEqual(changed.map((m) => m.title));
  });

  it('gives a percentage only when the base is above the noise floor', () => {
    const report = baseRegressionCase();
    const near = report.comparison!.metrics.find((m) => m.id === 'memory-growth')!;
    expect(near.base!).toBeLessThanOrEqual(near.floor);
    const row = tableWithHeader(renderComment(report), 'Metric').rows.find((r) => r[0] === near.title)!;
    expect(row[3]).toBe(`+7.0${NBSP}MiB ❌ regression`);
    const above = {
      ...report,
      comparison: {
        ...report.comparison!,
        metrics: report.comparison!.metrics.map((m) =>
          m.id === 'memory-growth' ? { ...m, base: 20, current: 27, change: 7, changePercent: 35 } : m,
        ),
      },
    };
    const aboveRow = tableWithHeader(renderComment(above), 'Metric').rows.find((r) => r[0] === near.title)!;
    expect(aboveRow[3]).toBe(`+7.0${NBSP}MiB (+35${NBSP}%) ❌ regression`);
  });

  it('says why the base was not compared', () => {
    const report = makeReport({
      comparison: { source: 'base.json', skipped: 'the scenario settings differ', maxRegressionPercent: 25, metrics: [] },
    });
    expect(renderComment(report)).toContain('Not compared with the base (base.json): the scenario settings differ');
  });
});

describe('renderComment: causes are a table from check id to evidence', () => {
  it('has an entry for the checks to come, and falls back to the detail for an unknown one', () => {
    for (const id of ['retained-objects', 'dead-peer-reaping', 'hostile-survived', 'connect-success-rate', 'server-crash']) {
      expect(CAUSES[id], id).toBeTypeOf('function');
    }
    const report = leakCase();
    const retained = check({ id: 'retained-objects' as CheckId, title: 'retained objects', status: 'fail', detail: 'fallback' });
    expect(causeOf(retained, report, MARKDOWN_STYLE)).toContain('held by (GC roots) → Map sessions → Session');
    expect(causeOf(retained, makeReport(), MARKDOWN_STYLE)).toBe('fallback');
    const novel = check({ id: 'something-new' as CheckId, title: 'something new', status: 'fail', detail: 'it broke -> badly' });
    expect(causeOf(novel, makeReport(), MARKDOWN_STYLE)).toBe('it broke → badly');
  });

  it('writes a retainer path from its steps, and none when there is none', () => {
    expect(
      retainerPathText([
        { edge: '', kind: 'internal', node: '(GC roots)' },
        { edge: 'sessions', kind: 'context', node: 'Map', context: 'server.js' },
        { edge: '7', kind: 'internal', node: 'Session' },
      ]),
    ).toBe('(GC roots) → Map sessions (context of server.js) → Session');
    expect(retainerPathText(null)).toBeNull();
  });

  it("keeps the end of a long path, where the user's variable is, and leaves out its middle", () => {
    const report = {
      ...leakCase(),
      evidence: [
        heapEvidence([
          heapSuspect({ name: 'WebSocket', countDelta: 65, perConnection: 1, bytesDelta: 12_480, retainerPath: EXPRESS_PATH }),
        ]),
      ],
    };
    const tail =
      'EventEmitter bus (context of leak-server.js)._events → Object.announce → Array[7] → ' +
      'onAnnounce() → WebSocket ws (context of leak-server.js)';
    const text = retainerPathText(EXPRESS_PATH)!;
    expect(text.startsWith('Node / TCPServerWrap → … → ')).toBe(true);
    expect(text.endsWith(tail)).toBe(true);
    expect(text.length).toBeLessThanOrEqual(RETAINER_PATH_MAX);
    // As a reader sees it: the comment's failing check and the terminal's Why line, each in one piece.
    const item = renderComment(report)
      .split('\n')
      .find((l) => l.includes('retained objects'))!;
    expect(item).toContain('onAnnounce() → WebSocket ws (context of leak-server.js)');
    expect(item).toContain('EventEmitter bus (context of leak-server.js)');
    const why = renderTerminal(report)
      .split('\n')
      .find((l) => l.includes('FAIL  retained objects'))!;
    expect(why.endsWith(`held by ${text}`)).toBe(true);
    // Nothing to leave out of a short one, and the end alone when even that is too long.
    expect(retainerPathText(EXPRESS_PATH, 1000)).not.toContain('…');
    expect(retainerPathText(EXPRESS_PATH, 20)).toBe('… → WebSocket ws (context of leak-server.js)');
  });
});

describe('heap suspects in a cause line', () => {
  it('names the first with its path, and the next three by count and name', () => {
    const row = (name: string, countDelta: number) =>
      heapSuspect({ name, countDelta, perConnection: countDelta / 65, bytesDelta: countDelta * 100, retainerPath: null });
    const report = {
      ...leakCase(),
      evidence: [
        heapEvidence([
          heapSuspect({ name: 'WebSocket', countDelta: 65, perConnection: 1, bytesDelta: 12_480, retainerPath: EXPRESS_PATH }),
          row('Socket', 65),
          row('Receiver', 65),
          row('Object', 272),
          row('Array', 130),
        ]),
      ],
    };
    const cause = causeOf(
      report.checks.find((c) => c.id === 'retained-objects')!,
      report,
      MARKDOWN_STYLE,
    )!;
    expect(cause).toMatch(/^\+65 WebSocket \(1\.00 per connection, .*\), held by Node \/ TCPServerWrap → … → /);
    expect(cause.endsWith('; also growing: +65 Socket, +65 Receiver, +272 Object and 1 more class')).toBe(true);
    const two = { ...report, evidence: [heapEvidence(report.evidence[0]!.suspects.slice(0, 2))] };
    expect(
      causeOf(
        report.checks.find((c) => c.id === 'retained-objects')!,
        two,
        MARKDOWN_STYLE,
      ),
    ).toMatch(/; also growing: \+65 Socket$/);
  });
});

describe('renderComment: typography', () => {
  it('joins numbers and units with a non-breaking space, uses ≥ ≤ →, MiB and KiB, and one sign convention', () => {
    for (const report of [passCase(), leakCase(), crashCase(), rejectedUpgradeCase(), baseRegressionCase()]) {
      const md = renderMarkdown(report, { settingDefaults: settingDefaults() });
      const text = scan(md).outside.join('\n');
      expect(text).not.toMatch(/\d (%|MiB|KiB|ms|s\b|MB|KB)/);
      expect(text).not.toMatch(/\bMB\b|\bKB\//);
      expect(text).not.toMatch(/->|&gt;=|&lt;=/);
      expect(text).not.toMatch(/\| \+?-?\d+(\.\d+)? MB/);
    }
    expect(formatMbDelta(1.2 * 1024 * 1024)).toBe(`+1.2${NBSP}MiB`);
    expect(formatMbDelta(-0.4 * 1024 * 1024)).toBe(`-0.4${NBSP}MiB`);
    expect(formatMb(42 * 1024 * 1024)).toBe(`42.0${NBSP}MiB`);
    expect(formatRate(0.708)).toBe(`70.8${NBSP}%`);
    expect(formatRate(1)).toBe(`100${NBSP}%`);
  });
});

describe('renderComment: sections behind <details>', () => {
  it('the comment keeps every section collapsed; the job summary opens them all', () => {
    const report = failingReport();
    expect(opened(renderComment(report))).toBe(0);
    const summary = renderMarkdown(report);
    expect(opened(summary)).toBeGreaterThanOrEqual(2);
    expect(summary).not.toMatch(/^<details>$/m);
  });

  it('has one checks row per check (titles capitalised), and the failure kinds with their counts', () => {
    const report = failingReport();
    const md = renderComment(report);
    const checks = tableWithHeader(md, 'Check');
    expect(checks.header).toEqual(['Check', 'Measured', 'Limit', 'Status']);
    expect(checks.rows.map((r) => r[0])).toEqual(
      report.checks.map((c) => escapeInline(c.title.charAt(0).toUpperCase() + c.title.slice(1))),
    );
    const rows = scan(md).tables.find((t) => t.header.join() === 'Scenario,Stage,Kind,Count')!.rows;
    for (const s of [report.scenarios.flapping, report.scenarios.leak]) {
      for (const [kind, count] of Object.entries(s.connectFailures)) expect(rows).toContainEqual([s.id, 'connect', kind, String(count)]);
      for (const [kind, count] of Object.entries(s.disconnectFailures))
        expect(rows).toContainEqual([s.id, 'disconnect', kind, String(count)]);
    }
  });

  it('shows the scenarios side by side, one row per figure', () => {
    const report = failingReport({
      scenarios: { leak: { connected: 45, abruptDisconnects: 22, cleanDisconnects: 20, disconnectRate: 20 / 23 } },
    });
    const t = tableWithHeader(renderComment(report), 'Scenario');
    expect(t.header).toEqual(['Scenario', 'flapping', 'leak']);
    const row = (label: string): string[] => t.rows.find((r) => r[0] === label)!;
    const f = report.scenarios.flapping;
    expect(row('Connects')[1]).toBe(`${f.connected}/${f.attempts} (${formatRate(f.connectRate)})`);
    expect(row('Clean disconnects')[2]).toBe(`20/23 (87${NBSP}%), 22 cut on purpose`);
    // The network faults' own resets are counted apart, and the fractions are those the rates judge.
    const reset = failingReport({
      scenarios: {
        flapping: {
          attempts: 20,
          connected: 17,
          cleanDisconnects: 16,
          injectedResets: { connect: 3, disconnect: 1 },
          connectRate: 1,
          disconnectRate: 1,
        },
      },
    });
    const resetRow = (label: string): string => tableWithHeader(renderComment(reset), 'Scenario').rows.find((r) => r[0] === label)![1]!;
    expect(resetRow('Connects')).toBe(`17/17 (100${NBSP}%), 3 reset by the network faults`);
    expect(resetRow('Clean disconnects')).toBe(`16/16 (100${NBSP}%), 1 reset by the network faults`);
    const disabled = makeReport({ scenarios: { leak: { enabled: false } } });
    expect(tableWithHeader(renderComment(disabled), 'Scenario').rows.find((r) => r[0] === 'Clients × cycles')![2]).toBe('disabled');
  });

  it('summarises recovery in one line', () => {
    const r = makeReport().scenarios.recovery;
    const line = renderComment(makeReport())
      .split('\n')
      .find((l) => l.startsWith('**Recovery:**'))!;
    expect(line).toContain(`pings answered ${r.pongsReceived}/${r.pingsSent}`);
    expect(line).toContain('no problems');
    const broken = crashedReport();
    const brokenLine = renderComment(broken)
      .split('\n')
      .find((l) => l.startsWith('**Recovery:**'))!;
    expect(brokenLine).toContain(`did not connect (${broken.scenarios.recovery.connectFailure})`);
  });

  it('lists the memory figures in MiB', () => {
    const report = failingReport();
    const rows = tableWithHeader(renderComment(report), 'Memory (server tree RSS)').rows;
    const value = (label: string): string => rows.find((r) => r[0] === label)![1]!;
    expect(value('Baseline')).toBe(formatMb(report.memory.baselineBytes));
    expect(value('Retained (after cooldown)')).toBe(formatMb(report.memory.retainedBytes));
    expect(value('Retained growth')).toBe(
      `${formatMbDelta(report.memory.retainedGrowthBytes)} (+${report.memory.growthPercent!.toFixed(1)}${NBSP}%)`,
    );
  });

  it('lists only the settings that differ from their defaults, and links the workflow run', () => {
    const report = passCase();
    const md = renderComment(report, { settingDefaults: settingDefaults() });
    const settings = tableWithHeader(md, 'Setting (not default)').rows;
    const defaults = settingDefaults();
    const differing = Object.entries(report.config).filter(([k, v]) => defaults[k] !== v);
    expect(settings.map((r) => r[0])).toEqual(differing.map(([k]) => escapeInline(k)));
    expect(settings.length).toBeLessThan(Object.keys(report.config).length / 4);
    expect(md).toContain(`Full server log and outputs: [workflow run](${report.environment.runUrl}).`);
    expect(md).not.toContain(report.server.logPath!);
  });

  it('links only an http(s) run URL', () => {
    const evil = makeReport({ environment: { runUrl: 'javascript:alert(1)' } });
    expect(renderComment(evil)).not.toContain('javascript:');
    const parens = makeReport({ environment: { runUrl: 'https://x.test/a)(b' } });
    expect(renderComment(parens)).toContain('(https://x.test/a%29%28b)');
  });
});

describe('the memory chart', () => {
  function chartOf(md: string): string[] {
    return scan(md).fences.find((f) => f.info === 'mermaid')!.lines;
  }

  it('has a numeric x-axis in seconds, an explicit line colour, at most 60 points, the peak, and the phases in a caption', () => {
    const samples = memorySamples(20);
    const peak = Math.max(...samples.map((s) => s.rssBytes));
    const report = makeReport({ memory: { samples } });
    const md = renderComment(report);
    const chart = chartOf(md);
    expect(chart[0]).toBe(`%%{init: {"themeVariables":{"xyChart":{"plotColorPalette":"${CHART_LINE_COLOR}"}}}}%%`);
    expect(chart[1]).toBe('xychart-beta');
    const axis = /x-axis "seconds since start" ([\d.]+) --> ([\d.]+)$/.exec(chart.find((l) => l.includes('x-axis'))!)!;
    expect(Number(axis[1])).toBeCloseTo(samples[0]!.tMs / 1000, 1);
    expect(Number(axis[2])).toBeCloseTo(samples.at(-1)!.tMs / 1000, 1);
    const values = chart
      .find((l) => l.trim().startsWith('line'))!
      .replace(/.*\[|\].*/g, '')
      .split(',')
      .map(Number);
    expect(samples.length).toBeGreaterThan(CHART_MAX_POINTS);
    expect(values.length).toBe(CHART_MAX_POINTS);
    expect(Math.max(...values)).toBeCloseTo(peak / 1024 / 1024, 1);
    const caption = md.split('\n').find((l) => l.startsWith('Phases start at:'))!;
    for (const span of report.phases.filter((p) => p.name !== 'startup')) {
      expect(caption).toContain(`${span.name} ${(span.startMs / 1000).toFixed(1)}${NBSP}s`);
    }
    expect(caption).not.toContain('heap snapshots');
    // The step the first heap snapshot puts in the line is said under it, with the figure the table leaves out.
    const probed = { ...report, memory: { ...report.memory, probeOverheadBytes: 46.7 * 1024 * 1024 } };
    const probedCaption = renderComment(probed)
      .split('\n')
      .find((l) => l.startsWith('Phases start at:'))!;
    expect(probedCaption).toContain(`The heap snapshots add +46.7${NBSP}MiB to the line`);
  });

  it('places values at their times, not evenly by sample index', () => {
    // Dense samples early, sparse late: a step at 9 s must land at 90 % of the axis.
    const samples: MemorySample[] = [];
    for (let t = 0; t < 1000; t += 10) samples.push({ tMs: t, phase: 'warmup', rssBytes: 10 * 1024 * 1024, cpuPercent: 0, processes: 1 });
    for (let t = 1000; t <= 10_000; t += 1000)
      samples.push({ tMs: t, phase: 'leak', rssBytes: (t >= 9000 ? 20 : 10) * 1024 * 1024, cpuPercent: 0, processes: 1 });
    const points = resampleEvenly(samples, 11);
    expect(points.map((p) => p.seconds)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(points.map((p) => p.mib)).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 20, 20]);
  });

  it('is left out with fewer than two samples', () => {
    expect(renderComment(makeReport({ memory: { samples: memorySamples().slice(0, 1) } }))).not.toContain('```mermaid');
  });
});

describe('renderComment: hostile server output', () => {
  const ticks = '`'.repeat(12);
  const hostileLines = [
    `${ticks} closes nothing`,
    '</details>',
    '</summary><h1>pwned</h1>',
    '@org/team please look',
    '<img src=x onerror=alert(1)>',
    '| a | b |',
    'x'.repeat(1_000_000),
    'the very last line',
  ];

  function hostileReport(): Report {
    const base = failingReport({
      server: { logTail: hostileLines, exit: { code: 1, signal: null, phase: 'leak', atMs: 5000 } },
      stopped: { phase: 'leak', reason: 'crash', message: '</details> @org/team' },
      scenarios: {
        flapping: { connectFailures: { [`http-500 ${ticks} </details> @org/team <img src=x onerror=alert(1)> | x`]: 2 } },
        recovery: { problems: ['reply was "</details><img src=x onerror=alert(1)>" from @org/team', 'y'.repeat(100_000)] },
      },
      config: { message: '@org/team <img src=x onerror=alert(1)> | ` | `' },
      environment: { runUrl: 'https://x.test/"><img src=x>' },
    });
    return withChecks(base, {
      'connect-success-rate': { detail: 'server said: @org/team </details> | <img src=x onerror=alert(1)>\nsecond line' },
    });
  }

  for (const [name, render] of [
    ['comment', (r: Report) => renderComment(r)],
    ['summary', (r: Report) => renderMarkdown(r)],
  ] as const) {
    it(`${name}: escapes everything outside code blocks and keeps tables intact`, () => {
      const md = render(hostileReport());
      const { outside, problems } = scan(md);
      expect(problems).toEqual([]);
      const text = outside.join('\n');
      expect(text).not.toContain('<img');
      expect(text).not.toContain('<h1>');
      expect(text).not.toMatch(/@org/);
      expect(text).toContain(`@${ZWJ}org/team`);
      const closes = outside.filter((l) => l.includes('</details>'));
      expect(closes.every((l) => l === '</details>')).toBe(true);
      expect(closes.length).toBe(outside.filter((l) => /^<details( open)?>$/.test(l)).length);
    });

    it(`${name}: stays under the limit with a 1 MB log line, cuts long lines and says what it trimmed`, () => {
      const md = render(hostileReport());
      expect(md.length).toBeLessThanOrEqual(DEFAULT_MAX_CHARS);
      expect(md).toMatch(/^Trimmed: .*to fit the comment limit\.$/m);
      expect(md).toContain(`log lines longer than ${LOG_LINE_CAP} characters cut`);
      for (const fence of scan(md).fences.filter((f) => f.info === 'text')) {
        expect(fence.open.length).toBeGreaterThan(ticks.length);
        for (const line of fence.lines) expect(Array.from(line).length).toBeLessThanOrEqual(LOG_LINE_CAP);
        expect(fence.lines.at(-1)).toBe('the very last line');
      }
    });
  }

  it('drops the oldest log lines first and keeps as many as fit', () => {
    const logTail = Array.from({ length: 3000 }, (_, i) => `line ${i} ${'z'.repeat(80)}`);
    const md = renderComment(crashedReport({ server: { logTail } }));
    expect(md.length).toBeLessThanOrEqual(DEFAULT_MAX_CHARS);
    const match = /server log tail shortened to (\d+)\u00A0lines \(of (\d+)\)/.exec(md)!;
    const kept = Number(match[1]);
    expect(Number(match[2])).toBe(logTail.length);
    expect(kept).toBeGreaterThan(0);
    const full = scan(md)
      .fences.filter((f) => f.info === 'text')
      .at(-1)!;
    expect(full.lines).toEqual(logTail.slice(-kept));
    expect(md).toContain('```mermaid');
    // The next older line, the one that did not fit (older lines have fewer digits: line 0 would fit where 2000 does not).
    expect(md.length + logTail[logTail.length - kept - 1]!.length + 1).toBeGreaterThan(DEFAULT_MAX_CHARS);
  });

  it('gives up the chart after the log, then the sections, and always respects maxChars', () => {
    const report = makeReport({ server: { logTail: [] } });
    const full = renderComment(report);
    const md = renderComment(report, { maxChars: full.length - 10 });
    expect(md.length).toBeLessThanOrEqual(full.length - 10);
    expect(md).not.toContain('```mermaid');
    expect(md).toContain('memory chart omitted');
    const hostile = hostileReport();
    for (const limit of [300, 1500, 4000]) {
      const small = renderComment(hostile, { maxChars: limit });
      expect(small.length).toBeLessThanOrEqual(limit);
      expect(small).toContain('Trimmed');
      expect(scan(small).problems).toEqual([]);
    }
    const failing = failingReport();
    for (let limit = 200; limit <= 4000; limit += 37) {
      const small = renderComment(failing, { maxChars: limit });
      expect(small.length).toBeLessThanOrEqual(limit);
      expect(scan(small).problems).toEqual([]);
    }
  });

  it('searches for the most that fits with one helper', () => {
    expect(largestFitting(0, 100, (n) => n <= 37)).toBe(37);
    expect(largestFitting(0, 100, () => false)).toBe(0);
    expect(largestFitting(0, 100, () => true)).toBe(100);
  });
});
