// The rendered Markdown read back by a real GFM parser (unified + remark-parse + remark-gfm), as GitHub would read
// it: every table keeps its columns, and the only HTML is our own (details, summary, the marker).

import { describe, expect, it } from 'vitest';
import { commentBody } from '../src/comment/sticky-comment.js';
import { renderComment, renderMarkdown } from '../src/report/markdown.js';
import type { Report } from '../src/model/report.js';
import {
  crashedReport,
  failingReport,
  makeReport,
  notMeasuredReport,
  REVIEW_CASES,
  settingDefaults,
  warnReport,
  withChecks,
} from './helpers/report-factory.js';
import { nodesOf, parseMarkdown, plainText, type MdNode } from './helpers/markdown.js';

/** Every table as rows of cell texts, after checking that each row has exactly as many cells as the header. */
function tables(tree: MdNode): string[][][] {
  return nodesOf(tree, 'table').map((table) => {
    const rows = table.children!.map((row) => row.children!.map(plainText));
    const columns = table.align!.length;
    rows.forEach((row, i) => expect(row.length, `table "${rows[0]![0]}", row ${i}: ${row.join(' | ').slice(0, 200)}`).toBe(columns));
    return rows;
  });
}

const OUR_HTML = [/^<details( open)?>\n<summary>[^<>]*<\/summary>$/, /^<\/details>$/, /^<!-- ws-resilience-gate:comment-key=[^<>\n]* -->$/];

/** Everything a reader could be misled by: foreign HTML, a live mention, a table that fell apart into text. */
function expectSafe(tree: MdNode): void {
  for (const html of nodesOf(tree, 'html')) {
    expect(
      OUR_HTML.some((re) => re.test(html.value!)),
      `foreign HTML: ${html.value!.slice(0, 200)}`,
    ).toBe(true);
  }
  const opened = nodesOf(tree, 'html').filter((n) => /^<details( open)?>/.test(n.value!)).length;
  expect(nodesOf(tree, 'html').filter((n) => n.value === '</details>').length).toBe(opened);
  for (const text of nodesOf(tree, 'text')) expect(text.value, 'a live @mention').not.toMatch(/@[A-Za-z0-9]/);
  for (const paragraph of nodesOf(tree, 'paragraph')) expect(plainText(paragraph), 'a table row outside a table').not.toMatch(/^\|/);
}

const TICKS = '`'.repeat(12);
const HOSTILE = `${TICKS} </details> @org/team <img src=x onerror=alert(1)> | pipe \\| <!-- -->`;

function hostileReport(): Report {
  const base = crashedReport({
    server: { logTail: [HOSTILE, '</details>', '</summary><h1>x</h1>', '@org/team', 'y'.repeat(1_000_000), 'last line'], command: HOSTILE },
    scenarios: {
      flapping: { connectFailures: { [HOSTILE]: 3 } },
      recovery: { problems: [HOSTILE], expect: HOSTILE },
    },
    memory: { reason: HOSTILE },
    config: { message: HOSTILE, [HOSTILE]: HOSTILE },
  });
  return withChecks(base, { 'server-crash': { detail: `${HOSTILE}\nsecond line`, measured: HOSTILE } });
}

const REPORTS: Array<[string, () => Report, number]> = [
  // name, report, tables: checks, scenarios, memory (absent when not measured), exact signals, failures (when any),
  // environment, settings
  ['passing', () => makeReport(), 6],
  ['warning', () => warnReport(), 6],
  ['failing', () => failingReport(), 7],
  ['crashed', () => crashedReport(), 7],
  ['not measured', () => notMeasuredReport(), 5],
  ['hostile', hostileReport, 7],
];

describe('rendered Markdown through a GFM parser', () => {
  it.each(REPORTS)('%s: the verdict first, every table with consistent columns, nothing foreign', (_name, make, count) => {
    const report = make();
    const tree = parseMarkdown(renderMarkdown(report));
    expect(tree.children![0]!.type).toBe('heading');
    expect(plainText(tree.children![0]!)).toMatch(/^(✅|⚠️|❌) WebSocket resilience: \d+ of \d+ checks (passed|failed)/);
    const found = tables(tree);
    expect(found).toHaveLength(count);
    expect(found[0]![0]).toEqual(['Check', 'Measured', 'Limit', 'Status']);
    expect(found[0]!.length - 1).toBe(report.checks.filter((c) => !c.id.startsWith('regression-')).length);
    expect(found[1]![0]![0]).toBe('Scenario');
    expectSafe(tree);
  });

  it('the hostile strings survive as text, not as markup', () => {
    const tree = parseMarkdown(renderMarkdown(hostileReport()));
    const failures = tables(tree).find((t) => t[0]!.join() === 'Scenario,Stage,Kind,Count')!;
    const kind = failures.find((row) => row[0] === 'flapping')![2]!;
    // One cell, the pipe kept as a character; the mention broken by an invisible joiner only.
    expect(kind.replace(/\u200D/g, '').startsWith(`${TICKS} </details> @org/team <img src=x onerror=alert(1)> | pipe`)).toBe(true);
    const log = nodesOf(tree, 'code').find((c) => c.value!.includes('last line'))!;
    expect(log.value!.split('\n')).toContain('</details>');
  });

  it('stays well-formed at every size it may be trimmed to', () => {
    for (const make of [hostileReport, failingReport]) {
      const report = make();
      for (const maxChars of [600, 1_500, 3_000, 6_000, 12_000, 30_000, 65_000]) {
        const md = renderMarkdown(report, { maxChars });
        expect(md.length).toBeLessThanOrEqual(maxChars);
        const tree = parseMarkdown(md);
        tables(tree);
        expectSafe(tree);
      }
    }
  });

  it('the PR comment body too, marker and footer included', () => {
    const body = commentBody(hostileReport(), `${HOSTILE}--`.slice(0, 100), {
      runUrl: 'https://github.com/o/r/actions/runs/1',
      headSha: 'abcdef1',
    });
    const tree = parseMarkdown(body);
    tables(tree);
    expectSafe(tree);
    const last = tree.children![tree.children!.length - 1]!;
    expect(last.type).toBe('html');
    expect(last.value).toMatch(/^<!-- ws-resilience-gate:comment-key=/);
    expect(nodesOf(tree, 'link').map((l) => (l as MdNode & { url: string }).url)).toContain('https://github.com/o/r/actions/runs/1');
  });

  it.each(Object.keys(REVIEW_CASES))('the comment of the %s case: a heading, a list of causes, tables intact, nothing foreign', (name) => {
    const report = REVIEW_CASES[name]!();
    const tree = parseMarkdown(renderComment(report, { settingDefaults: settingDefaults() }));
    expect(tree.children![0]!.type).toBe('heading');
    const lists = tree.children!.filter((n) => n.type === 'list');
    const failing = report.checks.filter((c) => c.status === 'fail' || c.status === 'warn');
    // Failing checks make a list right under the key figures; a pass has none.
    expect(lists.length).toBe(failing.length > 0 ? 1 : 0);
    tables(tree);
    expectSafe(tree);
  });

  it('the comment of the hostile report', () => {
    for (const maxChars of [1_500, 6_000, 65_000]) {
      const tree = parseMarkdown(renderComment(hostileReport(), { maxChars }));
      tables(tree);
      expectSafe(tree);
    }
  });
});
