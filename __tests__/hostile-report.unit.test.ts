// The hostile table read back by a real GFM parser: one row per case, six cells each, and whatever the server
// put in its close reason stays text (no pipe splits a row, no HTML, no mention).

import { describe, expect, it } from 'vitest';
import { HOSTILE_CASE_IDS, type HostileCaseResult, type HostileResult } from '../src/model/hostile.js';
import { HOSTILE_HEADER, hostileMarkdown } from '../src/report/hostile.js';
import { HOSTILE_CASES } from '../src/scenarios/hostile/index.js';
import { nodesOf, parseMarkdown, plainText } from './helpers/markdown.js';

const HOSTILE_REASON = '| @octocat <img src=x onerror=alert(1)> **bold**';

function result(cases: HostileCaseResult[], overrides: Partial<HostileResult> = {}): HostileResult {
  return {
    id: 'hostile',
    enabled: true,
    cases,
    serverSurvived: true,
    stillAccepting: true,
    memory: { beforeBytes: 1, peakBytes: 2, afterBytes: 2 },
    memoryGrowthBytes: 3 * 1024 * 1024,
    servedOthersDuringStalls: { tried: 2, succeeded: 2 },
    durationMs: 2345,
    notes: [],
    ...overrides,
  };
}

const cases: HostileCaseResult[] = HOSTILE_CASE_IDS.map((id, i) => ({
  id,
  title: HOSTILE_CASES[id].title,
  expected: HOSTILE_CASES[id].expected,
  outcome: i === 0 ? 'closed' : i === 1 ? 'crashed' : 'not-run',
  ...(i === 0 ? { code: 1002, reason: HOSTILE_REASON, memoryGrowthBytes: 512 * 1024 } : {}),
  matchesRfc: false,
  ms: 1.25,
  acceptingAfter: i === 0,
}));

describe('hostileMarkdown', () => {
  it('renders one row of six cells per case, the server text inert', () => {
    const md = hostileMarkdown(result(cases, { serverSurvived: false, crashedDuring: 'reserved-bits', notes: ['the server exited'] }));
    const tree = parseMarkdown(md);
    const [table] = nodesOf(tree, 'table');
    const rows = table!.children!;
    expect(rows).toHaveLength(1 + HOSTILE_CASE_IDS.length);
    expect(rows[0]!.children!.map(plainText)).toEqual(HOSTILE_HEADER);
    for (const row of rows) expect(row.children).toHaveLength(6);
    const first = rows[1]!.children!.map(plainText);
    // The mention is broken by a zero-width joiner, so nobody is pinged.
    expect(first[2]).toBe(`close 1002 "${HOSTILE_REASON.slice(0, 39)}…"`.replace('@', '@\u200d'));
    expect(first[3]).toBe('⚠️');
    expect(first[5]).toBe('+0.5\u00a0MiB');
    expect(rows[2]!.children!.map(plainText)[3]).toBe('❌');
    expect(rows[3]!.children!.map(plainText).slice(3, 5)).toEqual(['➖', '–']);
    expect(nodesOf(tree, 'html')).toEqual([]);
    expect(nodesOf(table!, 'strong')).toEqual([]);
    expect(md).not.toMatch(/@octocat/);
    expect(md).toContain('the server exited during `reserved-bits`');
    expect(md).toContain('memory +3.0\u00a0MiB, 2.3\u00a0s.');
  });

  it('is empty when the scenario did not run', () => {
    expect(hostileMarkdown(result([], { enabled: false }))).toBe('');
  });
});
