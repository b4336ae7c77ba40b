// The base-branch recipes use only real inputs, and the cache recipe saves what the PR run reads.

import { readdirSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { INPUTS } from '../src/config/inputs.js';

interface Step {
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string | number>;
}
const dir = new URL('../examples/workflows/', import.meta.url);
const load = (name: string) => parseYaml(readFileSync(new URL(name, dir), 'utf8')) as { jobs: Record<string, { steps: Step[] }> };
const steps = (name: string): Step[] => Object.values(load(name).jobs).flatMap((j) => j.steps);
const gate = (name: string): Step => steps(name).find((s) => s.uses?.startsWith('ws-resilience-gate/'))!;

describe('example workflows', () => {
  it.each(readdirSync(dir).filter((f) => f.endsWith('.yml')))('%s passes only inputs the action declares', (name) => {
    const known = new Set<string>(INPUTS.map((i) => i.name));
    for (const step of steps(name).filter((s) => s.uses?.startsWith('ws-resilience-gate/') || s.uses === './')) {
      expect(Object.keys(step.with ?? {}).filter((k) => !known.has(k))).toEqual([]);
    }
  });

  it('baseline-from-main: a push saves the report under the key a PR restores, and the PR compares with it', () => {
    const all = steps('baseline-from-main.yml');
    const restore = all.find((s) => s.uses?.startsWith('actions/cache/restore@'))!;
    const save = all.find((s) => s.uses?.startsWith('actions/cache/save@'))!;
    expect(save.with!.path).toBe(restore.with!.path);
    expect(String(save.with!.key).replace('${{ github.sha }}', '')).toBe(restore.with!['restore-keys']);
    expect(String(gate('baseline-from-main.yml').with!['baseline-report'])).toContain(String(restore.with!.path));
    const copy = all.find((s) => s.run?.startsWith('cp '))!;
    expect(copy.run).toBe(`cp ${gate('baseline-from-main.yml').with!['report-path']} ${save.with!.path}`);
  });

  it('baseline-same-job: the base checkout is where the base server runs', () => {
    const all = steps('baseline-same-job.yml');
    const checkout = all.find((s) => s.uses?.startsWith('actions/checkout@') && s.with?.path)!;
    expect(String(gate('baseline-same-job.yml').with!['baseline-server-command'])).toMatch(new RegExp(`^cd ${checkout.with!.path} && `));
  });
});
