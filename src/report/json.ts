// Writes the JSON report (the versioned Report object as it is) and reads one back, checked, for post-comment mode.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Report } from '../model/report.js';
import { validateReport } from './validate.js';

/** Writes the report to `path` (folders created) and returns the absolute path. */
export async function writeJsonReport(report: Report, path: string): Promise<string> {
  const absolute = resolve(path);
  await mkdir(dirname(absolute), { recursive: true });
  await writeFile(absolute, `${JSON.stringify(report, null, 2)}\n`);
  return absolute;
}

/**
 * Reads a report written by writeJsonReport (maybe by another run); throws naming the file and what is wrong with it.
 * `input` is the input that named the file, for the hint when it is missing.
 */
export async function readJsonReport(path: string, input: 'report-path' | 'baseline-report' = 'report-path'): Promise<Report> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (err) {
    throw new Error(
      `no report at ${absolute} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): was the artifact downloaded to ` +
        `${input}?`,
      { cause: err },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`the report at ${absolute} is not JSON: ${(err as Error).message}`, { cause: err });
  }
  try {
    return validateReport(parsed);
  } catch (err) {
    throw new Error(`the report at ${absolute} cannot be used: ${(err as Error).message}`, { cause: err });
  }
}
