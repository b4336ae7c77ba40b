// Writes the JSON report (the versioned Report object as it is).

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Report } from './schema.js';

/** Writes the report to `path` (folders created) and returns the absolute path. */
export async function writeJsonReport(report: Report, path: string): Promise<string> {
  const absolute = resolve(path);
  await mkdir(dirname(absolute), { recursive: true });
  await writeFile(absolute, `${JSON.stringify(report, null, 2)}\n`);
  return absolute;
}
