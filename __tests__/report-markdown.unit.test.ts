import { describe, expect, it } from 'vitest';
import { codeBlock, escapeHtml, escapeInline, longestBacktickRun } from '../src/report/escape.js';
import { formatMb, formatMbDelta, formatRate } from '../src/model/format.js';
import { CHART_MAX_POINTS, DEFAULT_MAX_CHARS, LOG_LINE_CAP, renderMarkdown } from '../src/report/markdown.js';
import type { Report } from '../src/model/report.js';
import {
  crashedReport,
  failingReport,
  makeReport,
  memorySamples,
  notMeasuredReport,
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

function logFence(md: string): Fence | undefined {
  return scan(md).fences.find((f) => f.info === 'text');
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

describe('renderMarkdown: verdict line and checks', () => {
  it('passes: every check counted, one row per check', () => {
    const report = makeReport();
    const md = renderMarkdown(report);
    const n = report.checks.length;
    expect(firstLine(md)).toBe(`✅ WebSocket resilience: ${n} of ${n} checks passed`);
    const checks = tableWithHeader(md, 'Check');
    expect(checks.header).toEqual(['Check', 'Measured', 'Limit', 'Status']);
    expect(checks.rows.map((r) => r[0])).toEqual(report.checks.map((c) => escapeInline(c.title)));
    for (const row of checks.rows) expect(row[3]).toBe('✅ pass');
    expect(scan(md).problems).toEqual([]);
    expect(md).not.toContain('Trimmed');
  });

  it('fails: names each failed check with measured value and the broken limit', () => {
    const report = failingReport();
    const md = renderMarkdown(report);
    const failed = report.checks.filter((c) => c.status === 'fail');
    expect(failed.length).toBeGreaterThan(1);
    const line = firstLine(md);
    expect(line.startsWith(`❌ WebSocket resilience: ${failed.length} of ${report.checks.length} checks failed: `)).toBe(true);
    for (const c of failed) {
      const limitValue = c.limit.replace(/^(>=|<=)\s*/, '');
      const op = c.limit.startsWith('>=') ? '<' : '>';
      expect(line).toContain(`${c.title.toLowerCase()} ${c.measured} ${op} ${limitValue}`);
    }
    expect(line).toContain('connect success rate 64 % < 80 %');
    const rows = tableWithHeader(md, 'Check').rows;
    for (const c of failed) {
      const row = rows.find((r) => r[0] === c.title)!;
      expect(row[1]).toBe(c.measured);
      expect(row[3]).toBe(`❌ fail: ${c.detail}`);
    }
  });

  it('warns when only warn-level checks failed', () => {
    const report = warnReport();
    const md = renderMarkdown(report);
    const warned = report.checks.find((c) => c.status === 'warn')!;
    expect(firstLine(md)).toBe(
      `⚠️ WebSocket resilience: ${report.checks.length - 1} of ${report.checks.length} checks passed; 1 warning: ` +
        `${warned.title.toLowerCase()} ${warned.measured} > ${warned.limit.replace('<= ', '')}`,
    );
    expect(tableWithHeader(md, 'Check').rows.find((r) => r[0] === warned.title)![3]).toContain('⚠️ warn');
  });

  it('counts and shows not-measured checks, and memory as not measured with the reason', () => {
    const report = notMeasuredReport();
    const md = renderMarkdown(report);
    const nm = report.checks.filter((c) => c.status === 'not-measured');
    const passed = report.checks.filter((c) => c.status === 'pass');
    expect(firstLine(md)).toBe(
      `✅ WebSocket resilience: ${passed.length} of ${report.checks.length} checks passed; ${nm.length} not measured`,
    );
    const rows = tableWithHeader(md, 'Check').rows;
    for (const c of nm) expect(rows.find((r) => r[0] === c.title)![3]).toMatch(/^➖ not measured/);
    expect(md).toContain(`**Memory:** not measured: ${report.memory.reason}`);
    expect(md).not.toContain('```mermaid');
    expect(scan(md).problems).toEqual([]);
  });

  it('says where and why a crashed run stopped', () => {
    const report = crashedReport();
    const md = renderMarkdown(report);
    expect(firstLine(md).startsWith('❌')).toBe(true);
    expect(md).toContain(`The server crashed during **${report.server.exit!.phase}** (exit code ${report.server.exit!.code})`);
    const fence = logFence(md)!;
    expect(fence.lines).toEqual(report.server.logTail);

    const killed = crashedReport({ server: { exit: { code: null, signal: 'SIGKILL', phase: 'flapping' } } });
    expect(renderMarkdown(killed)).toContain('The server crashed during **flapping** (signal SIGKILL)');
  });

  it('describes a timeout with its message', () => {
    const report = failingReport({ stopped: { phase: 'cooldown', reason: 'timeout', message: 'deadline of 300 s reached' } });
    expect(renderMarkdown(report)).toContain('The run hit its deadline during **cooldown**: deadline of 300 s reached');
  });
});

describe('renderMarkdown: scenarios, recovery, memory', () => {
  it('has one row per load scenario with the measured figures', () => {
    const report = failingReport();
    const rows = tableWithHeader(renderMarkdown(report), 'Scenario').rows;
    expect(rows.map((r) => r[0])).toEqual(['flapping', 'leak']);
    for (const s of [report.scenarios.flapping, report.scenarios.leak]) {
      const row = rows.find((r) => r[0] === s.id)!;
      expect(row[1]).toBe(`${s.prescribed.clients} × ${s.prescribed.cyclesPerClient}`);
      expect(row[2]).toBe(`${s.connected}/${s.attempts} (${formatRate(s.connectRate)})`);
      expect(row[3]).toBe(`${s.cleanDisconnects}/${s.connected} (${formatRate(s.disconnectRate)})`);
      expect(row[4]).toContain(`/ ${s.prescribed.cycleMs} ms`);
    }
  });

  it('counts connections cut on purpose apart from the clean disconnects they are not judged by', () => {
    const report = makeReport({
      scenarios: { leak: { connected: 45, abruptDisconnects: 22, cleanDisconnects: 20, disconnectRate: 20 / 23 } },
    });
    const leak = tableWithHeader(renderMarkdown(report), 'Scenario').rows.find((r) => r[0] === 'leak')!;
    expect(leak[3]).toBe('20/23 (87 %), 22 cut on purpose');
    const allCut = makeReport({ scenarios: { leak: { connected: 5, abruptDisconnects: 5, cleanDisconnects: 0, disconnectRate: null } } });
    expect(tableWithHeader(renderMarkdown(allCut), 'Scenario').rows.find((r) => r[0] === 'leak')![3]).toBe('0/0 (n/a), 5 cut on purpose');
  });

  it('shows a disabled scenario as disabled, keeping the column count', () => {
    const report = makeReport({
      scenarios: { leak: { enabled: false, attempts: 0, connected: 0, cleanDisconnects: 0, connectRate: null, disconnectRate: null } },
    });
    const md = renderMarkdown(report);
    const leak = tableWithHeader(md, 'Scenario').rows.find((r) => r[0] === 'leak')!;
    expect(leak[1]).toBe('disabled');
    expect(scan(md).problems).toEqual([]);
  });

  it('summarises recovery in one line', () => {
    const report = makeReport();
    const r = report.scenarios.recovery;
    const line = renderMarkdown(report)
      .split('\n')
      .find((l) => l.startsWith('**Recovery:**'))!;
    expect(line).toContain(`pings answered ${r.pongsReceived}/${r.pingsSent}`);
    expect(line).toContain(`messages answered ${r.messagesAnswered}/${r.messagesSent} (expect ${r.expect})`);
    expect(line).toContain('no problems');

    const broken = crashedReport();
    const brokenLine = renderMarkdown(broken)
      .split('\n')
      .find((l) => l.startsWith('**Recovery:**'))!;
    expect(brokenLine).toContain(`did not connect (${broken.scenarios.recovery.connectFailure})`);
    expect(brokenLine).toContain(escapeInline(broken.scenarios.recovery.problems[0]!, 200));
  });

  it('lists the memory figures', () => {
    const report = failingReport();
    const rows = tableWithHeader(renderMarkdown(report), 'Memory (server tree RSS)').rows;
    const value = (label: string): string => rows.find((r) => r[0] === label)![1]!;
    expect(value('Baseline')).toBe(formatMb(report.memory.baselineBytes));
    expect(value('Peak')).toBe(formatMb(report.memory.peakBytes));
    expect(value('Retained (after cooldown)')).toBe(formatMb(report.memory.retainedBytes));
    expect(value('Retained growth')).toContain(formatMbDelta(report.memory.retainedGrowthBytes));
    expect(value('Retained growth')).toContain(`${report.memory.growthPercent!.toFixed(1)} %`);
    expect(value('Peak growth')).toBe(formatMbDelta(report.memory.peakGrowthBytes));
  });

  it('draws memory over time with at most 60 points, keeping the peak and naming the phases', () => {
    const samples = memorySamples(20); // several hundred samples
    const peak = Math.max(...samples.map((s) => s.rssBytes));
    const report = makeReport({ memory: { samples } });
    const chart = scan(renderMarkdown(report)).fences.find((f) => f.info === 'mermaid')!;
    expect(chart.lines[0]).toBe('xychart-beta');
    const xLine = chart.lines.find((l) => l.trim().startsWith('x-axis'))!;
    const lineLine = chart.lines.find((l) => l.trim().startsWith('line'))!;
    const labels = [...xLine.matchAll(/"([^"]*)"/g)].map((m) => m[1]!).slice(1);
    const values = lineLine
      .replace(/.*\[|\].*/g, '')
      .split(',')
      .map(Number);
    expect(samples.length).toBeGreaterThan(CHART_MAX_POINTS);
    expect(values.length).toBeLessThanOrEqual(CHART_MAX_POINTS);
    expect(labels).toHaveLength(values.length);
    expect(new Set(labels).size).toBe(labels.length);
    expect(Math.max(...values)).toBeCloseTo(peak / 1024 / 1024, 1);
    for (const phase of new Set(samples.map((s) => s.phase))) expect(labels.some((l) => l.endsWith(` ${phase}`))).toBe(true);
  });

  it('omits the chart with fewer than two samples', () => {
    const report = makeReport({ memory: { samples: memorySamples().slice(0, 1) } });
    expect(renderMarkdown(report)).not.toContain('```mermaid');
  });
});

describe('renderMarkdown: details', () => {
  it('lists failures by kind with their counts', () => {
    const report = failingReport();
    const md = renderMarkdown(report);
    const rows = scan(md).tables.find((t) => t.header.join() === 'Scenario,Stage,Kind,Count')!.rows;
    for (const s of [report.scenarios.flapping, report.scenarios.leak]) {
      for (const [kind, count] of Object.entries(s.connectFailures)) {
        expect(rows).toContainEqual([s.id, 'connect', kind, String(count)]);
      }
      for (const [kind, count] of Object.entries(s.disconnectFailures)) {
        expect(rows).toContainEqual([s.id, 'disconnect', kind, String(count)]);
      }
    }
  });

  it('opens the sections a reader of a failed run needs: failures on a fail, the log when the server died', () => {
    const opened = (md: string): string[] => [...md.matchAll(/^<details open>\n<summary>([^<]*) \(/gm)].map((m) => m[1]!);
    expect(opened(renderMarkdown(makeReport()))).toEqual([]);
    expect(opened(renderMarkdown(warnReport()))).toEqual([]);
    expect(opened(renderMarkdown(failingReport()))).toEqual(['Failures by kind']);
    expect(opened(renderMarkdown(crashedReport()))).toEqual(['Failures by kind', 'Server log']);
    const neverStarted = failingReport({ stopped: { phase: 'startup', reason: 'startup-failed', message: 'no handshake within 30 s' } });
    expect(opened(renderMarkdown(neverStarted))).toContain('Server log');
    expect(renderMarkdown(crashedReport())).toMatch(/^<details>\n<summary>Environment<\/summary>$/m);
  });

  it('shows environment and configuration as key/value tables', () => {
    const report = makeReport();
    const md = renderMarkdown(report);
    const env = tableWithHeader(md, 'Environment').rows;
    expect(env).toContainEqual(['Commit', report.environment.commit]);
    expect(env).toContainEqual(['Node', report.environment.node]);
    const config = tableWithHeader(md, 'Setting').rows;
    expect(config.map((r) => r[0])).toEqual(Object.keys(report.config).map((k) => escapeInline(k)));
  });
});

describe('renderMarkdown: hostile server output', () => {
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
      server: { logTail: hostileLines },
      scenarios: {
        flapping: { connectFailures: { [`http-500 ${ticks} </details> @org/team <img src=x onerror=alert(1)> | x`]: 2 } },
        recovery: { problems: ['reply was "</details><img src=x onerror=alert(1)>" from @org/team', 'y'.repeat(100_000)] },
      },
      config: { message: '@org/team <img src=x onerror=alert(1)> | ` | `' },
    });
    return withChecks(base, {
      'connect-success-rate': { detail: 'server said: @org/team </details> | <img src=x onerror=alert(1)>\nsecond line' },
    });
  }

  it('escapes everything outside code blocks and keeps tables intact', () => {
    const md = renderMarkdown(hostileReport());
    const { outside, problems } = scan(md);
    expect(problems).toEqual([]);
    const text = outside.join('\n');
    expect(text).not.toContain('<img');
    expect(text).not.toContain('<h1>');
    expect(text).not.toMatch(/@org/);
    expect(text).toContain(`@${ZWJ}org/team`);
    // Every </details> outside a fence is one of ours, alone on its line, and they balance.
    const closes = outside.filter((l) => l.includes('</details>'));
    expect(closes.every((l) => l === '</details>')).toBe(true);
    expect(closes.length).toBe(outside.filter((l) => /^<details( open)?>$/.test(l)).length);
    // The headline stays one line even though a detail had a newline.
    expect(md.split('\n').filter((l) => l.includes('second line'))).toHaveLength(1);
  });

  it('keeps the log in a fence the log cannot close', () => {
    const md = renderMarkdown(hostileReport());
    const fence = logFence(md)!;
    expect(fence.open.length).toBeGreaterThan(ticks.length);
    expect(fence.lines).toContain('</details>');
    expect(fence.lines).toContain('<img src=x onerror=alert(1)>');
    expect(fence.lines[fence.lines.length - 1]).toBe('the very last line');
  });

  it('stays under the limit and says what it trimmed', () => {
    const md = renderMarkdown(hostileReport());
    expect(md.length).toBeLessThanOrEqual(DEFAULT_MAX_CHARS);
    expect(md).toMatch(/^Trimmed: .*to fit the comment limit\.$/m);
    expect(md).toContain(`log lines longer than ${LOG_LINE_CAP} characters cut`);
    const fence = logFence(md)!;
    for (const line of fence.lines) expect(Array.from(line).length).toBeLessThanOrEqual(LOG_LINE_CAP);
  });

  it('drops the oldest log lines first and reports how many it kept', () => {
    const logTail = Array.from({ length: 3000 }, (_, i) => `line ${i} ${'z'.repeat(80)}`);
    const report = crashedReport({ server: { logTail } });
    const md = renderMarkdown(report);
    expect(md.length).toBeLessThanOrEqual(DEFAULT_MAX_CHARS);
    const match = /server log tail shortened to (\d+) lines \(of (\d+)\)/.exec(md)!;
    const kept = Number(match[1]);
    expect(Number(match[2])).toBe(logTail.length);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(logTail.length);
    expect(logFence(md)!.lines).toEqual(logTail.slice(-kept));
    expect(md).toContain('```mermaid');
    // One more line would not have fitted: the search keeps as much as it can.
    expect(md.length + logTail[0]!.length + 1).toBeGreaterThan(DEFAULT_MAX_CHARS);
  });

  it('gives up the chart after the log, and always respects maxChars', () => {
    const report = makeReport({ server: { logTail: [] } });
    const full = renderMarkdown(report);
    const chartFence = scan(full).fences.find((f) => f.info === 'mermaid')!;
    const maxChars = full.length - 10;
    const md = renderMarkdown(report, { maxChars });
    expect(md.length).toBeLessThanOrEqual(maxChars);
    expect(md).not.toContain('```mermaid');
    expect(chartFence.lines.length).toBeGreaterThan(0);
    expect(md).toContain('memory chart omitted');

    const hostile = hostileReport();
    for (const limit of [300, 1500, 4000]) {
      const small = renderMarkdown(hostile, { maxChars: limit });
      expect(small.length).toBeLessThanOrEqual(limit);
      expect(small).toContain('Trimmed');
      expect(scan(small).problems).toEqual([]);
    }
    // Cut points land everywhere in the tables; none may leave a stray row behind.
    const failing = failingReport();
    for (let limit = 200; limit <= 4000; limit += 37) {
      const small = renderMarkdown(failing, { maxChars: limit });
      expect(small.length).toBeLessThanOrEqual(limit);
      expect(scan(small).problems).toEqual([]);
    }
  });
});
