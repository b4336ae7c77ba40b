// The verdicts the docs claim for a server (a table with a Verdict column): read from the Markdown as GitHub shows
// it, and held against what a real run of that server reported.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHECK_IDS } from '../../src/model/checks.js';
import type { Report, Verdict } from '../../src/model/report.js';
import { ROOT } from './gate-run.js';
import { nodesOf, parseMarkdown, plainText, type MdNode } from './markdown.js';

/** One row's claim: "pass, 5 of 5", or "**fail**: `recovery` only (…)". */
export interface VerdictClaim {
  /** The row's first cell (the server), as text. */
  row: string;
  /** The Verdict cell, as text. */
  said: string;
  verdict: Verdict;
  /** The check ids the cell names: the only checks that may fail or warn. Empty: none named. */
  checks: string[];
}

const VERDICTS: readonly Verdict[] = ['pass', 'warn', 'fail'];

/** The claim a Verdict cell makes (its first verdict word; the check ids in backticks), or null when it makes none. */
export function parseClaim(row: string, cell: MdNode): VerdictClaim | null {
  const said = plainText(cell).trim();
  const verdict = VERDICTS.find((v) => new RegExp(`^\\W*${v}\\b`, 'i').test(said));
  if (!verdict) return null;
  const checks = nodesOf(cell, 'inlineCode')
    .map((n) => n.value ?? '')
    .filter((id) => (CHECK_IDS as readonly string[]).includes(id));
  return { row, said, verdict, checks };
}

/** Every claim of every table with a Verdict column in `markdown`. */
export function verdictClaims(markdown: string): VerdictClaim[] {
  const claims: VerdictClaim[] = [];
  for (const table of nodesOf(parseMarkdown(markdown), 'table')) {
    const [header, ...rows] = table.children ?? [];
    const column = (header?.children ?? []).findIndex((c) => plainText(c).trim() === 'Verdict');
    if (column < 0) continue;
    for (const row of rows) {
      const cells = row.children ?? [];
      const claim = cells[column] ? parseClaim(plainText(cells[0]!).trim(), cells[column]) : null;
      if (claim) claims.push(claim);
    }
  }
  return claims;
}

/** The claims of a docs page (a path under docs/). */
export function docsClaims(page: string): VerdictClaim[] {
  return verdictClaims(readFileSync(join(ROOT, 'docs', page), 'utf8'));
}

/** Why a run disagrees with the claim (its verdict, or failing checks the claim does not name); null when it agrees. */
export function disagreement(claim: VerdictClaim, report: Pick<Report, 'verdict' | 'checks'>): string | null {
  const notPassed = report.checks.filter((c) => c.status === 'fail' || c.status === 'warn').map((c) => c.id);
  const failed = notPassed.join(', ') || 'none';
  if (report.verdict !== claim.verdict) {
    return `the docs say '${claim.said}' for ${claim.row}, the run's verdict is ${report.verdict} (not passed: ${failed})`;
  }
  if (claim.checks.length > 0 && [...notPassed].sort().join() !== [...claim.checks].sort().join()) {
    return `the docs say '${claim.said}' for ${claim.row}, the run did not pass: ${failed}`;
  }
  return null;
}
