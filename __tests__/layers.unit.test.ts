// The layers as CONTRIBUTING.md draws them are the layers dependency-cruiser enforces, and every folder of src/ has one.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/gate-run.js';

interface Layer {
  layer: string;
  imports: string[];
}

const LAYERS = (createRequire(import.meta.url)(join(ROOT, '.dependency-cruiser.cjs')) as { layers: Layer[] }).layers;

/** The diagram's lines as the table would draw them, top down: `run        -> phases, ...`. */
function diagramOf(layers: readonly Layer[]): string[] {
  const width = Math.max(...layers.map((l) => l.layer.length)) + 1;
  return [...layers].reverse().map((l) => `${l.layer.padEnd(width)}-> ${l.imports.join(', ') || 'nothing of ours'}`);
}

/** The lines of the fenced block between CONTRIBUTING.md's layers markers. */
function contributingDiagram(): string[] {
  const text = readFileSync(join(ROOT, 'CONTRIBUTING.md'), 'utf8');
  const block = /<!-- layers:start -->\s*```text\n([\s\S]*?)```\s*<!-- layers:end -->/.exec(text);
  if (!block) throw new Error('CONTRIBUTING.md has no ```text block between <!-- layers:start --> and <!-- layers:end -->');
  return block[1]!.trimEnd().split('\n');
}

describe('the layers', () => {
  it("CONTRIBUTING.md's diagram is dependency-cruiser's LAYERS table, line for line", () => {
    // On a difference, the expected block is printed whole: paste it between the markers.
    const spaced = (line: string): string => line.replace(/\s+->\s+/, ' -> ');
    expect(contributingDiagram().map(spaced).join('\n')).toBe(diagramOf(LAYERS).map(spaced).join('\n'));
  });

  it('every folder of src/ is a layer, and every name the table allows exists', () => {
    const folders = readdirSync(join(ROOT, 'src'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    expect(LAYERS.map((l) => l.layer).sort()).toEqual(folders);
    for (const name of LAYERS.flatMap((l) => l.imports)) expect(existsSync(join(ROOT, 'src', name)), name).toBe(true);
  });

  it('each layer imports only layers listed below it: the table has no cycle', () => {
    const below = new Set<string>();
    for (const { layer, imports } of LAYERS) {
      for (const name of imports) {
        // A file at the root of src/ (version.ts) is no layer: it imports nothing of ours.
        if (!name.includes('/') && name.endsWith('.ts')) continue;
        expect(below.has(name.split('/')[0]!), `${layer} -> ${name}`).toBe(true);
      }
      below.add(layer);
    }
  });
});
