// Every relative link and anchor in the README, docs/, CONTRIBUTING.md and bench/README.md resolves, and no doc
// tells anyone to run a command that does not work from a clone.

import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/gate-run.js';
import { parseMarkdown, plainText, walk, type MdNode } from './helpers/markdown.js';

const DOCS = [
  'README.md',
  'CONTRIBUTING.md',
  'bench/README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Screenshots of the PR comment, made in a separate step: until they land, only their alt text is checked. */
/** Pictures a page may name before they are drawn, if it gives them alt text. */
const PENDING_IMAGES = new Set<string>(['docs/comment-dark.png']);

function parse(path: string): MdNode {
  return parseMarkdown(readFileSync(join(ROOT, path), 'utf8'));
}

/** GitHub's heading ids: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function headingIds(root: MdNode): Set<string> {
  const seen = new Map<string, number>();
  const ids = new Set<string>();
  walk(root, (n) => {
    if (n.type !== 'heading') return;
    const base = plainText(n)
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    ids.add(count === 0 ? base : `${base}-${count}`);
  });
  return ids;
}

const idsOf = new Map<string, Set<string>>();
function idsIn(path: string): Set<string> {
  if (!idsOf.has(path)) idsOf.set(path, headingIds(parse(path)));
  return idsOf.get(path)!;
}

/** Why a link does not resolve, or null. */
function brokenLink(from: string, url: string, node: MdNode): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return null; // https:, mailto: ...: not ours to check
  const [pathPart, anchor] = url.split('#') as [string, string | undefined];
  const target = pathPart === '' ? from : relative(ROOT, join(ROOT, dirname(from), decodeURIComponent(pathPart)));
  if (target.startsWith('..')) return `${url} points outside the repository`;
  if (!existsSync(join(ROOT, target))) {
    if (node.type === 'image' && PENDING_IMAGES.has(target)) return node.alt ? null : `${url}: an image without alt text`;
    return `${url}: no file ${target}`;
  }
  if (anchor !== undefined) {
    if (!target.endsWith('.md') || statSync(join(ROOT, target)).isDirectory()) return `${url}: an anchor into a file that is not Markdown`;
    if (!idsIn(target).has(anchor)) return `${url}: no heading #${anchor} in ${target}`;
  }
  return null;
}

describe('documentation links', () => {
  it.each(DOCS)('%s: every relative link and anchor resolves', (path) => {
    const broken: string[] = [];
    let links = 0;
    walk(parse(path), (n) => {
      if ((n.type === 'link' || n.type === 'image' || n.type === 'definition') && n.url !== undefined) {
        links += 1;
        const why = brokenLink(path, n.url, n);
        if (why) broken.push(why);
      }
    });
    expect(broken).toEqual([]);
    expect(links, 'every page links somewhere').toBeGreaterThan(0);
  });

  it('finds a broken link and a broken anchor (the check can fail)', () => {
    const link = { type: 'link' } as MdNode;
    expect(brokenLink('README.md', 'docs/nope.md', link)).toContain('no file docs/nope.md');
    expect(brokenLink('README.md', '#no-such-heading', link)).toContain('no heading #no-such-heading');
    expect(brokenLink('docs/ecosystems.md', '../README.md#fork-pull-requests', link)).toBeNull();
    expect(brokenLink('docs/ecosystems.md', '../../outside.md', link)).toContain('outside the repository');
    expect(brokenLink('README.md', 'docs/comment-dark.png', { type: 'image', alt: '' })).toContain('without alt text');
    expect(brokenLink('README.md', 'docs/no-such.png', { type: 'image', alt: 'x' })).toContain('no file docs/no-such.png');
  });

  it('gives headings the ids GitHub gives them', () => {
    const ids = headingIds(parseMarkdown('# A `code` title!\n## Fork pull requests\n## Fork pull requests\n'));
    expect([...ids]).toEqual(['a-code-title', 'fork-pull-requests', 'fork-pull-requests-1']);
  });

  it('keeps the anchor the gate links to in its fork warning', () => {
    expect(idsIn('README.md').has('fork-pull-requests')).toBe(true);
  });
});

describe('commands in the docs', () => {
  it.each(DOCS)('%s names no npx ws-resilience-gate (the package is not published)', (path) => {
    expect(readFileSync(join(ROOT, path), 'utf8')).not.toMatch(/npx\s+ws-resilience-gate/);
  });

  it('the README keeps the two commands of a clone', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm test');
  });
});
