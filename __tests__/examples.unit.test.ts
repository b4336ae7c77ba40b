// The example workflows (and the README's copies) give each job the permissions it needs and no more, and the
// fork setup never runs the PR's code with a write token.

import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { inputDefault } from '../src/config/inputs.js';

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, string>;
}
interface Workflow {
  name: string;
  on: Record<string, { workflows?: string[]; types?: string[] } | null>;
  permissions: Record<string, string>;
  jobs: Record<string, { if?: string; steps: Step[] }>;
}

const read = (path: string): string => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

/** Parses a workflow, writing `on: pull_request` and `on: [a, b]` in the long form. */
function parseWorkflow(text: string): Workflow {
  const w = parseYaml(text) as Omit<Workflow, 'on'> & { on: unknown };
  const on = typeof w.on === 'string' ? [w.on] : w.on;
  return { ...w, on: Array.isArray(on) ? Object.fromEntries(on.map((e: string) => [e, null])) : (on as Workflow['on']) };
}
const workflow = (path: string): Workflow => parseWorkflow(read(path));
const steps = (w: Workflow): Step[] => Object.values(w.jobs).flatMap((j) => j.steps);
const gateStep = (w: Workflow): Step => steps(w).find((s) => s.uses?.startsWith('ws-resilience-gate/ws-resilience-gate@'))!;
// The README carries the single workflow; the two for forks moved to their own page.
const readmeWorkflows = (): Workflow[] =>
  ['README.md', 'docs/fork-pull-requests.md']
    .flatMap((path) => [...read(path).matchAll(/```yaml\n([\s\S]*?)```/g)])
    .map((m) => parseWorkflow(m[1]!))
    .filter((w) => w.jobs);

/** The two-workflow fork setup: what each half may do, and that they agree on names and paths. */
function expectForkPair(gate: Workflow, comment: Workflow): void {
  expect(Object.keys(gate.on)).toEqual(['pull_request']);
  expect(gate.permissions).toEqual({ contents: 'read' });
  expect(gateStep(gate).with).toMatchObject({ comment: 'never' });
  const upload = steps(gate).find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
  expect(upload.with!.path).toBe(inputDefault('report-path'));

  expect(comment.on.workflow_run).toEqual({ workflows: [gate.name], types: ['completed'] });
  expect(comment.permissions).toEqual({ actions: 'read', 'pull-requests': 'write' });
  // With a write token, nothing of the PR may be checked out or run.
  expect(steps(comment).filter((s) => s.uses?.startsWith('actions/checkout') || s.run !== undefined)).toEqual([]);
  const download = steps(comment).find((s) => s.uses?.startsWith('actions/download-artifact@'))!;
  expect(download.with).toMatchObject({ name: upload.with!.name, 'run-id': '${{ github.event.workflow_run.id }}' });
  expect(gateStep(comment).with).toEqual({ mode: 'post-comment', 'report-path': upload.with!.path });
  expect(Object.values(comment.jobs)[0]!.if).toContain("github.event.workflow_run.event == 'pull_request'");
}

describe('example workflows', () => {
  it('the single-workflow example may write the PR comment', () => {
    expect(workflow('examples/workflows/websocket-resilience.yml').permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
  });

  it('the fork setup: a read-only gate that uploads, and a workflow_run that only posts', () => {
    expectForkPair(workflow('examples/workflows/fork-gate.yml'), workflow('examples/workflows/fork-comment.yml'));
  });

  it("the README's workflows say the same", () => {
    const all = readmeWorkflows();
    const usage = all.find((w) => w.on.pull_request !== undefined && gateStep(w)?.with?.comment === undefined)!;
    expect(usage.permissions).toMatchObject({ 'pull-requests': 'write' });
    const gate = all.find((w) => gateStep(w)?.with?.comment === 'never')!;
    const comment = all.find((w) => gateStep(w)?.with?.mode === 'post-comment')!;
    expectForkPair(gate, comment);
  });
});
