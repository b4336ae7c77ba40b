// Rewrites the `inputs:` of action.yml from the one input list (src/config/inputs.ts); --check fails on drift.
//   npm run action:inputs           rewrite action.yml
//   npm run action:inputs -- --check

import { readFileSync, writeFileSync } from 'node:fs';
import { INPUTS, documentedDescription } from '../src/config/inputs.js';

const path = new URL('../action.yml', import.meta.url);
const text = readFileSync(path, 'utf8');
const start = text.indexOf('\ninputs:\n');
const end = text.indexOf('\noutputs:\n');
if (start < 0 || end < 0) throw new Error('action.yml has no inputs: followed by outputs:');
const block = INPUTS.map(
  (i) =>
    `  ${i.name}:\n    description: ${JSON.stringify(documentedDescription(i.name))}\n    required: false\n    default: ` +
    `${JSON.stringify(i.default)}\n`,
).join('');
const next = `${text.slice(0, start)}\ninputs:\n${block}${text.slice(end)}`;
if (process.argv.includes('--check')) {
  if (next !== text) {
    console.error('action.yml inputs differ from src/config/inputs.ts: run npm run action:inputs');
    process.exit(1);
  }
} else if (next !== text) {
  writeFileSync(path, next);
}
