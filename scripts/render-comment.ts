// Writes the PR comment of each review case as Markdown and as PNGs (light and dark, collapsed and opened) to
// .tmp/comment-png/, for people to look at. Run with `npm run render-comment`.

import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { renderComment } from '../src/report/comment.js';
import {
  chromiumAvailable,
  CHROMIUM_PATH,
  launchBrowser,
  openAllDetails,
  showComment,
  type Theme,
} from '../__tests__/helpers/comment-page.js';
import { REVIEW_CASES, settingDefaults } from '../__tests__/helpers/report-factory.js';

const OUT = resolve(process.argv[2] ?? '.tmp/comment-png');

async function main(): Promise<void> {
  if (!chromiumAvailable()) throw new Error(`chromium not found at ${CHROMIUM_PATH} (apt-get install chromium)`);
  await mkdir(OUT, { recursive: true });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    for (const [name, make] of Object.entries(REVIEW_CASES)) {
      const markdown = renderComment(make(), { settingDefaults: settingDefaults() });
      await writeFile(join(OUT, `${name}.md`), markdown);
      for (const theme of ['light', 'dark'] as Theme[]) {
        await showComment(page, markdown, theme);
        await page.screenshot({ path: join(OUT, `${name}-${theme}.png`), fullPage: true });
        await openAllDetails(page);
        await page.screenshot({ path: join(OUT, `${name}-${theme}-open.png`), fullPage: true });
      }
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(`PNGs and Markdown in ${OUT}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`render-comment: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
