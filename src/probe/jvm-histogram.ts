// JVM evidence with no change to the server: `jcmd <pid> GC.class_histogram` (a full GC, then instances and bytes
// per class) for each Java process of the tree, at the same boundaries as every other source.

import { execFile } from 'node:child_process';
import { access, constants, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import type { ClassCount, RetainerStep } from '../model/evidence.js';
import { isAlive } from '../server/process-tree.js';
import {
  EvidenceError,
  processRow,
  processesToRead,
  treeFacts,
  readingOf,
  type EvidenceSource,
  type ProcessReading,
  type ReadOptions,
  type Reading,
  type SourceTargets,
} from './evidence-source.js';

/** jcmd's output is a few hundred KB for a server with thousands of classes: bounded all the same. */
const MAX_HISTOGRAM_BYTES = 64 * 1024 * 1024;

/** Java's primitive descriptors, as `[B` writes them. */
const PRIMITIVES: Record<string, string> = { B: 'byte', C: 'char', D: 'double', F: 'float', I: 'int', J: 'long', S: 'short', Z: 'boolean' };

/** `[B` -> `byte[]`, `[[Ljava.lang.String;` -> `java.lang.String[][]`; other names unchanged. */
export function javaClassName(name: string): string {
  const dims = /^\[+/.exec(name)?.[0].length ?? 0;
  if (dims === 0) return name;
  const element = name.slice(dims);
  const base = element.startsWith('L') && element.endsWith(';') ? element.slice(1, -1) : (PRIMITIVES[element] ?? element);
  return `${base}${'[]'.repeat(dims)}`;
}

/** Arrays say least, the JDK's own classes more, the server's and its libraries' classes most. */
export function javaKind(name: string): string {
  if (name.endsWith('[]')) return 'array';
  return /^(java|javax|jdk|sun|com\.sun)\./.test(name) ? 'jdk' : 'object';
}

/** Parses `jcmd <pid> GC.class_histogram` (pure): the classes and the total bytes. Throws when there is no table. */
export function parseClassHistogram(text: string): { classes: ClassCount[]; totalBytes: number } {
  const classes: ClassCount[] = [];
  let total: number | null = null;
  for (const line of text.split('\n')) {
    const row = /^\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)/.exec(line);
    if (row) {
      const name = javaClassName(row[3]!);
      classes.push({ kind: javaKind(name), name, count: Number(row[1]), bytes: Number(row[2]) });
      continue;
    }
    const sum = /^Total\s+(\d+)\s+(\d+)/.exec(line.trim());
    if (sum) total = Number(sum[2]);
  }
  if (classes.length === 0 || total === null) {
    const said = text.trim().split('\n').slice(-2).join(' ').slice(0, 200);
    throw new EvidenceError(`jcmd printed no class histogram${said ? `: ${said}` : ''}`);
  }
  return { classes, totalBytes: total };
}

/** True for a JVM launcher's executable name. */
export function isJavaExecutable(exe: string): boolean {
  return exe === 'java' || exe === 'java.exe';
}

async function executable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/** The jcmd of the JDK the process runs on (beside its `java`), else the first on PATH; null without one. */
export async function findJcmd(pid: number, path = process.env.PATH ?? ''): Promise<string | null> {
  const java = await readlink(`/proc/${pid}/exe`).catch(() => null);
  if (java !== null && (await executable(join(dirname(java), 'jcmd')))) return join(dirname(java), 'jcmd');
  for (const dir of path.split(delimiter)) {
    if (dir !== '' && (await executable(join(dir, 'jcmd')))) return join(dir, 'jcmd');
  }
  return null;
}

export class JvmHistogram implements EvidenceSource {
  readonly id = 'class-histogram' as const;
  private targets: Array<{ pid: number; jcmd: string }> = [];

  launchEnv(env: Readonly<Record<string, string>>): Record<string, string> {
    return { ...env };
  }

  async find(tree: readonly number[], serving: readonly number[]): Promise<SourceTargets> {
    const facts = await treeFacts(tree);
    const java = facts.filter((f) => isJavaExecutable(f.exe));
    if (java.length === 0) return { processes: [], readable: false, reason: 'no Java process in the server tree' };
    const chosen = new Set(
      processesToRead(
        facts,
        java.map((f) => f.pid),
        serving,
      ),
    );
    const jcmds = new Map(await Promise.all([...chosen].map(async (pid) => [pid, await findJcmd(pid)] as const)));
    this.targets = [...chosen].filter((pid) => jcmds.get(pid)).map((pid) => ({ pid, jcmd: jcmds.get(pid)! }));
    const noJcmd = 'jcmd not found beside its java nor on PATH (a JDK has it; a JRE does not)';
    const processes = java.map((f) =>
      !chosen.has(f.pid)
        ? processRow(f, false, 'does not serve the port')
        : jcmds.get(f.pid)
          ? processRow(f, true)
          : processRow(f, false, noJcmd),
    );
    const reason = this.targets.length === 0 ? (chosen.size > 0 ? noJcmd : 'no Java process serves the port') : null;
    return { processes, readable: this.targets.length > 0, reason };
  }

  async read(options: ReadOptions): Promise<Reading> {
    return readingOf(await this.counts(options));
  }

  private async counts(options: ReadOptions): Promise<ProcessReading[]> {
    return Promise.all(
      this.targets.map(async ({ pid, jcmd }) => {
        const started = performance.now();
        const text = await runJcmd(jcmd, pid, options);
        const readStarted = performance.now();
        const { classes, totalBytes } = parseClassHistogram(text);
        return { pid, classes, totalBytes, takeMs: Math.round(readStarted - started), readMs: Math.round(performance.now() - readStarted) };
      }),
    );
  }

  async explain(): Promise<Map<string, RetainerStep[] | null>> {
    return new Map();
  }

  /**
   * jcmd leaves nothing of its own; the JVM's attach socket (`/tmp/.java_pid<pid>`) is removed by the JVM when it
   * exits normally, and here when the JVM is gone but its socket is not (it was killed).
   */
  async dispose(): Promise<void> {
    for (const { pid } of this.targets) {
      if (!(await isAlive(pid))) await rm(join(tmpdir(), `.java_pid${pid}`), { force: true }).catch(() => undefined);
    }
  }
}

/** jcmd's output, or an EvidenceError with what it said. */
function runJcmd(jcmd: string, pid: number, options: ReadOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      jcmd,
      // A small, quick JVM for jcmd itself: it only attaches and prints.
      ['-J-XX:TieredStopAtLevel=1', '-J-XX:+UseSerialGC', '-J-Xshare:auto', String(pid), 'GC.class_histogram'],
      { timeout: options.timeoutMs, killSignal: 'SIGKILL', maxBuffer: MAX_HISTOGRAM_BYTES, signal: options.signal, windowsHide: true },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        if (err.name === 'AbortError') return reject(err);
        const said = `${stdout}\n${stderr}`.trim().split('\n').slice(-1)[0]?.slice(0, 200) ?? '';
        reject(
          new EvidenceError(
            `jcmd ${pid} GC.class_histogram failed${(err as { killed?: boolean }).killed ? ' (timed out)' : ''}${said ? `: ${said}` : ''}`,
          ),
        );
      },
    );
  });
}
