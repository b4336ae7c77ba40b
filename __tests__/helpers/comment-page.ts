// Shows a comment the way a reviewer sees it: GFM rendered to HTML, GitHub's Markdown styles (light or dark) and
// Mermaid 10, in headless Chromium at a comment column's width. Everything loads from node_modules, nothing from a CDN.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import rehypeRaw from 'rehype-raw';
import rehypeStringify from 'rehype-stringify';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';

export type Theme = 'light' | 'dark';

/** Debian's chromium; `CHROMIUM_PATH` points elsewhere. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The width of a PR comment's column on a laptop, and a first screen's height. */
export const VIEWPORT = { width: 900, height: 700 };

const require = createRequire(import.meta.url);
const MERMAID_JS = require.resolve('mermaid/dist/mermaid.min.js');
const MARKDOWN_CSS: Record<Theme, string> = {
  light: require.resolve('github-markdown-css/github-markdown-light.css'),
  dark: require.resolve('github-markdown-css/github-markdown-dark.css'),
};
// The page background of each theme, as GitHub paints it behind a comment.
const PAGE_BACKGROUND: Record<Theme, string> = { light: '#ffffff', dark: '#0d1117' };

/** True when the browser is installed. */
export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** Starts headless Chromium with nothing that reaches the network on its own. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** GFM to HTML, passing our own HTML (details, summary) through as GitHub does. */
export function markdownToHtml(markdown: string): string {
  return String(
    unified()
      .use(remarkParse)
      .use(remarkGfm)
      .use(remarkRehype, { allowDangerousHtml: true })
      .use(rehypeRaw)
      .use(rehypeStringify)
      .processSync(markdown),
  );
}

function pageHtml(body: string, theme: Theme): string {
  return `<!doctype html><html><head><meta charset="utf-8"></head>
<body style="margin:0;background:${PAGE_BACKGROUND[theme]}">
<article class="markdown-body"
  style="box-sizing:border-box;width:${VIEWPORT.width}px;padding:16px;background:${PAGE_BACKGROUND[theme]}">${body}</article>
</body></html>`;
}

/**
 * Loads the comment into `page`: Markdown styles of the theme, each mermaid block drawn by Mermaid 10 with the theme
 * GitHub uses (default or dark). Collapsible sections are opened while Mermaid draws (it cannot measure hidden
 * text) and closed again afterwards, so the page shows what a reviewer first sees.
 */
export async function showComment(page: Page, markdown: string, theme: Theme): Promise<void> {
  await page.setViewportSize(VIEWPORT);
  await page.setContent(pageHtml(markdownToHtml(markdown), theme));
  await page.addStyleTag({ path: MARKDOWN_CSS[theme] });
  await page.addScriptTag({ path: MERMAID_JS });
  await page.evaluate(
    async (mermaidTheme) => {
      const w = window as unknown as {
        mermaid: { initialize: (c: object) => void; run: (o: object) => Promise<void> };
      };
      for (const code of Array.from(document.querySelectorAll('code.language-mermaid'))) {
        const div = document.createElement('div');
        div.className = 'mermaid';
        div.textContent = code.textContent;
        code.parentElement!.replaceWith(div);
      }
      const details = Array.from(document.querySelectorAll('details'));
      const wasOpen = details.map((d) => d.open);
      details.forEach((d) => (d.open = true));
      w.mermaid.initialize({ startOnLoad: false, theme: mermaidTheme });
      await w.mermaid.run({ querySelector: '.mermaid' });
      details.forEach((d, i) => (d.open = wasOpen[i]!));
    },
    theme === 'dark' ? 'dark' : 'default',
  );
}

/** Opens every collapsible section, as a reader who clicks them all. */
export async function openAllDetails(page: Page): Promise<void> {
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
}
