// The PR comment as a reviewer sees it, measured from the page in headless Chromium (GitHub's Markdown styles,
// Mermaid 10, 900 px wide, light and dark): the decision and every cause on the first screen, a chart that reads.

import { readdirSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { causeOf, checkHeadline, describeNotMeasuredAfterStop, outcome } from '../src/report/causes.js';
import { renderComment } from '../src/report/comment.js';
import { sanitizeText } from '../src/report/escape.js';
import { PLAIN_STYLE } from '../src/report/sentences.js';
import type { Report } from '../src/model/report.js';
import {
  chromiumAvailable,
  CHROMIUM_PATH,
  launchBrowser,
  openAllDetails,
  showComment,
  VIEWPORT,
  type Theme,
} from './helpers/comment-page.js';
import { REVIEW_CASES, settingDefaults } from './helpers/report-factory.js';

const REQUIRED = process.env.WS_GATE_REQUIRE_TOOLS === '1';
const AVAILABLE = chromiumAvailable();
if (!AVAILABLE && !REQUIRED) console.log(`comment-browser: skipped, chromium not found at ${CHROMIUM_PATH}`);

const THEMES: Theme[] = ['light', 'dark'];
/** WCAG's minimum contrast for graphics (a chart line) against what is behind it. */
const MIN_GRAPHIC_CONTRAST = 3;
const MAX_VISIBLE_LINES_ON_PASS = 5;

/** WCAG relative luminance of an `rgb(r, g, b)` / `rgba(…)` colour. */
function luminance(rgb: [number, number, number]): number {
  const [r, g, b] = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function parseColor(css: string): { rgb: [number, number, number]; alpha: number } {
  const m = /rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+))?\s*\)/.exec(css);
  if (!m) throw new Error(`not an rgb colour: ${css}`);
  return { rgb: [Number(m[1]), Number(m[2]), Number(m[3])], alpha: m[4] === undefined ? 1 : Number(m[4]) };
}

function contrast(a: string, b: string): number {
  const [x, y] = [luminance(parseColor(a).rgb), luminance(parseColor(b).rgb)].sort((p, q) => q - p) as [number, number];
  return (x + 0.05) / (y + 0.05);
}

/** The pids of the test process's descendants whose command line names chromium. */
function chromiumDescendants(): number[] {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // The process ended while we read.
    }
  }
  const isOurs = (pid: number): boolean => {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p)) if (p === process.pid) return true;
    return false;
  };
  return [...parents.keys()].filter((pid) => {
    if (!isOurs(pid)) return false;
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('chrom');
    } catch {
      return false;
    }
  });
}

interface Box {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** Text of the first-level list items (the failing checks), with their boxes. */
function causeItems(page: Page): Promise<Array<{ text: string; box: Box }>> {
  return page.$$eval('article > ul > li', (items) =>
    items.map((li) => {
      const r = li.getBoundingClientRect();
      return { text: li.textContent ?? '', box: { top: r.top, bottom: r.bottom, left: r.left, right: r.right } };
    }),
  );
}

/** Lines of text a reader sees outside collapsed sections (a summary line counts), clustered by their tops. */
function visibleLines(page: Page): Promise<number> {
  return page.evaluate(() => {
    const tops: number[] = [];
    const walker = document.createTreeWalker(document.querySelector('article')!, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if ((node.textContent ?? '').trim() === '') continue;
      // A closed section shows its summary only (Chromium still lays out the rest, unpainted).
      const closed = node.parentElement!.closest('details:not([open])');
      if (closed && !node.parentElement!.closest('summary')) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const rect of Array.from(range.getClientRects())) if (rect.width > 0 && rect.height > 0) tops.push(rect.top);
    }
    tops.sort((a, b) => a - b);
    // Bold and plain runs of one line sit a pixel or two apart; lines are ~20 px apart.
    return tops.filter((t, i) => i === 0 || t - tops[i - 1]! > 8).length;
  });
}

function expectedItems(report: Report): string[] {
  const plain = (t: string): string => sanitizeText(t);
  const { shown, notMeasuredAfterStop } = outcome(report);
  const items = shown.map((c) => {
    const cause = causeOf(c, report, PLAIN_STYLE);
    return `${checkHeadline(c, report, plain)}${cause ? ` — ${cause}` : ''}`;
  });
  const rest = describeNotMeasuredAfterStop(report, notMeasuredAfterStop, plain);
  if (rest) items.push(rest);
  return items;
}

describe.skipIf(!AVAILABLE && !REQUIRED)('the PR comment in Chromium (GitHub styles, Mermaid 10, 900 px)', () => {
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (!AVAILABLE) throw new Error(`chromium not found at ${CHROMIUM_PATH}, and WS_GATE_REQUIRE_TOOLS=1 requires it`);
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    // Closing waits for the browser's processes; none of them may outlive the suite.
    expect(chromiumDescendants()).toEqual([]);
  }, 60_000);

  for (const [name, make] of Object.entries(REVIEW_CASES)) {
    for (const theme of THEMES) {
      // One page per case and theme, drawn once: the first test reads it as a reviewer first sees it, the second
      // opens every section.
      describe(`${name}, ${theme}`, () => {
        const report = make();
        let page: Page;
        beforeAll(async () => {
          page = await browser!.newPage();
          await showComment(page, renderComment(report, { settingDefaults: settingDefaults() }), theme);
        }, 30_000);
        afterAll(() => page?.close());

        it(`the first screen holds the verdict and every failing check with its cause`, async () => {
          const heading = page.locator('article > h3').first();
          const headingBox = (await heading.boundingBox())!;
          expect(await heading.textContent()).toMatch(/^(✅|⚠️|❌) WebSocket resilience: /);
          expect(headingBox.y + headingBox.height).toBeLessThanOrEqual(VIEWPORT.height);

          const expected = expectedItems(report);
          const items = await causeItems(page);
          expect(items.map((i) => i.text.replace(/^\S+ /, ''))).toEqual(expected);
          for (const item of items) expect(item.box.bottom, item.text).toBeLessThanOrEqual(VIEWPORT.height);
          if (report.verdict === 'fail') expect(items.length).toBeGreaterThan(0);

          if (report.server.exit) {
            // The server's last words are on the first screen too, ending with its very last line.
            const pre = page.locator('article > pre').first();
            expect(await pre.textContent()).toContain(report.server.logTail.at(-1));
            expect((await pre.boundingBox())!.y).toBeLessThan(VIEWPORT.height);
          }
          if (report.verdict === 'pass') {
            const lines = await visibleLines(page);
            expect(lines).toBeGreaterThanOrEqual(2);
            expect(lines).toBeLessThanOrEqual(MAX_VISIBLE_LINES_ON_PASS);
          }
        }, 30_000);

        it(`the chart's line contrasts, its x labels do not overlap, no table overflows`, async () => {
          await openAllDetails(page);
          const chart = await page.evaluate(() => {
            const svg = document.querySelector('.mermaid svg');
            if (!svg) return null;
            const line = svg.querySelector('g.line-plot-0 path')!;
            const background = svg.querySelector('g.main > rect');
            const labels = Array.from(svg.querySelectorAll('g.bottom-axis g.label text')).map((t) => {
              const r = t.getBoundingClientRect();
              return { text: t.textContent ?? '', left: r.left, right: r.right, top: r.top, bottom: r.bottom };
            });
            return {
              stroke: getComputedStyle(line).stroke,
              chartFill: background ? getComputedStyle(background).fill : 'rgba(0, 0, 0, 0)',
              pageFill: getComputedStyle(document.querySelector('article')!).backgroundColor,
              labels,
            };
          });
          expect(chart, 'a memory chart was drawn').not.toBeNull();
          const behind = parseColor(chart!.chartFill).alpha > 0 ? chart!.chartFill : chart!.pageFill;
          expect(contrast(chart!.stroke, behind)).toBeGreaterThanOrEqual(MIN_GRAPHIC_CONTRAST);
          expect(contrast(chart!.stroke, chart!.pageFill)).toBeGreaterThanOrEqual(MIN_GRAPHIC_CONTRAST);

          expect(chart!.labels.length).toBeGreaterThanOrEqual(2);
          const sorted = chart!.labels.slice().sort((a, b) => a.left - b.left);
          for (let i = 1; i < sorted.length; i++) {
            expect(sorted[i]!.left, `x labels "${sorted[i - 1]!.text}" and "${sorted[i]!.text}" overlap`).toBeGreaterThanOrEqual(
              sorted[i - 1]!.right,
            );
          }

          const tables = await page.$$eval('article table', (all) => {
            const column = document.querySelector('article')!.getBoundingClientRect();
            const padding = parseFloat(getComputedStyle(document.querySelector('article')!).paddingRight);
            return all.map((t) => ({
              head: t.querySelector('th')?.textContent ?? '',
              scroll: t.scrollWidth,
              client: t.clientWidth,
              right: t.getBoundingClientRect().right,
              columnRight: column.right - padding,
            }));
          });
          expect(tables.length).toBeGreaterThan(0);
          for (const t of tables) {
            expect(t.scroll, `table "${t.head}" scrolls sideways`).toBeLessThanOrEqual(t.client + 1);
            expect(t.right, `table "${t.head}" sticks out of the column`).toBeLessThanOrEqual(t.columnRight + 1);
          }
        }, 30_000);
      });
    }
  }
});
