// The log excerpt of a crash, from what a real Node process prints for an uncaught error: it reaches back to the
// error's first line above its stack frames, in the PR comment too.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { excerptLines, LOG_EXCERPT_LINES, renderComment } from '../src/report/markdown.js';
import { nodesOf, parseMarkdown } from './helpers/markdown.js';
import { crashedReport } from './helpers/report-factory.js';

describe('the log excerpt of a crash', () => {
  it('reaches back to the line a Node crash starts with, above its stack frames', () => {
    // What Node prints for an uncaught error, from a real process: the message, 10 frames, its version.
    const crash = spawnSync(process.execPath, ['-e', "function a(n) { if (!n) throw new Error('boom'); a(n - 1); } a(12);"]);
    const printed = crash.stderr.toString().split('\n');
    const tail = ['listening on 40123', ...Array.from({ length: 20 }, (_, i) => `session ${i} opened`), ...printed];
    const lines = excerptLines(tail);
    expect(lines[0]).toBe('Error: boom');
    expect(lines.length).toBeGreaterThan(LOG_EXCERPT_LINES);
    expect(lines.at(-1)).toBe(tail.at(-1));
    const report = crashedReport({ server: { logTail: tail } });
    const fence = nodesOf(parseMarkdown(renderComment(report)), 'code').find((c) => c.lang === 'text')!;
    expect(fence.value!.split('\n')[0]).toBe('Error: boom');
    // Python ends with its exception: the last lines are enough, and so they are for output with no error at all.
    const python = [...tail.slice(0, 20), 'Traceback (most recent call last):', '  File "server.py", line 3', 'ModuleNotFoundError: x'];
    expect(excerptLines(python)).toEqual(python.slice(-LOG_EXCERPT_LINES));
    expect(excerptLines(tail.slice(0, 21))).toEqual(tail.slice(21 - LOG_EXCERPT_LINES, 21));
  });
});
