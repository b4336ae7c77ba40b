// Writes the Artillery export (export-artillery): the script, and beside it the processor that cuts connections.

import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Report } from '../model/report.js';
import type { LoadShape } from '../model/session.js';
import { artilleryExport, processorFileName, spokenProtocol } from './artillery.js';

/** Writes the script to `path` (folders created) and the processor beside it when one is needed; the absolute paths. */
export async function writeArtilleryExport(
  load: LoadShape,
  report: Report,
  path: string,
): Promise<{ script: string; processor: string | null }> {
  const script = resolve(path);
  const written = artilleryExport(load, report.server.url, spokenProtocol(load, report.server), basename(script));
  await mkdir(dirname(script), { recursive: true });
  await writeFile(script, written.script);
  if (written.processor === null) return { script, processor: null };
  const processor = join(dirname(script), processorFileName(basename(script)));
  await writeFile(processor, written.processor);
  return { script, processor };
}

/** "Artillery script written to /x/load.yml (its processor: /x/load-processor.cjs)". */
export function exportLine(written: { script: string; processor: string | null }): string {
  return `Artillery script written to ${written.script}${written.processor ? ` (its processor: ${written.processor})` : ''}`;
}
