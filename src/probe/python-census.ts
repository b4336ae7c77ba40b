// Python evidence: a private 0700 directory first on the launched server's PYTHONPATH holding the gate's
// sitecustomize; each Python process that loads it announces the signal it listens on; at a boundary the gate
// writes a request, signals each process and reads its census (live objects per `module.QualName`, after a full
// gc.collect()); for the suspects, a short referrer chain. The directory goes on every path.

import { chmod, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { suspectTier } from '../analysis/evidence-diff.js';
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
  type SuspectsByProcess,
} from './evidence-source.js';
import { ANSWER_PREFIX, READY_PREFIX, REQUEST_FILE, SITECUSTOMIZE_FILE, SITECUSTOMIZE_SOURCE } from './python-sitecustomize.js';

/** How often the directory is looked at for answers. */
const POLL_MS = 15;
/** A census file larger than this is not read (a process cannot have that many types; something else wrote it). */
const MAX_ANSWER_BYTES = 32 * 1024 * 1024;
/** Real-time signals on Linux: the only ones the census listens on (a ready file naming another is not ours). */
const RT_SIGNALS = { min: 34, max: 64 };

/** The census's kinds: the app's and its libraries' classes, the standard library's, the builtins. */
const CENSUS_KINDS: ReadonlySet<string> = new Set(['object', 'stdlib', 'builtin']);

/** Paths are walked for this many suspects at most: each step of a walk scans every object of the process. */
export const MAX_PATHS = 8;

/** True for a Python interpreter's executable name: python, python3, python3.11, pypy3 ... */
export function isPythonExecutable(exe: string): boolean {
  return /^(python|pypy)\d*(\.\d+)?[a-z]*$/i.test(exe);
}

/** PYTHONPATH with `dir` first and the user's own entries after it. */
export function censusPythonPath(dir: string, existing: string | undefined): string {
  return existing && existing !== '' ? `${dir}${delimiter}${existing}` : dir;
}

/** One census answer, checked (pure): the classes, or the paths. Throws EvidenceError on any other shape. */
export function parseCensusAnswer(
  text: string,
  pid: number,
): { classes?: ClassCount[]; paths?: Record<string, RetainerStep[] | null>; ms: number } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new EvidenceError(`the Python census of pid ${pid} is not JSON`);
  }
  const answer = value as { classes?: unknown; paths?: unknown; ms?: unknown };
  const bad = (): never => {
    throw new EvidenceError(`the Python census of pid ${pid} has an unexpected shape`);
  };
  if (typeof answer !== 'object' || answer === null) bad();
  const ms = typeof answer.ms === 'number' ? answer.ms : 0;
  if (answer.classes !== undefined) {
    if (!Array.isArray(answer.classes)) bad();
    const classes = (answer.classes as unknown[]).map((row) => {
      if (!Array.isArray(row) || row.length !== 4) bad();
      const [kind, name, count, bytes] = row as unknown[];
      if (!CENSUS_KINDS.has(String(kind)) || typeof name !== 'string' || typeof count !== 'number' || typeof bytes !== 'number') bad();
      return { kind: kind as string, name: name as string, count: count as number, bytes: bytes as number };
    });
    return { classes, ms };
  }
  if (typeof answer.paths !== 'object' || answer.paths === null) bad();
  const paths: Record<string, RetainerStep[] | null> = {};
  for (const [name, steps] of Object.entries(answer.paths as Record<string, unknown>)) {
    if (steps === null) {
      paths[name] = null;
      continue;
    }
    if (!Array.isArray(steps)) bad();
    paths[name] = (steps as unknown[]).map((s) => {
      const step = s as { edge?: unknown; kind?: unknown; node?: unknown };
      if (
        typeof step.edge !== 'string' ||
        typeof step.node !== 'string' ||
        !['hidden', 'property', 'element', 'internal'].includes(String(step.kind))
      )
        bad();
      return { edge: step.edge as string, kind: step.kind as RetainerStep['kind'], node: step.node as string };
    });
  }
  return { paths, ms };
}

export class PythonCensus implements EvidenceSource {
  readonly id = 'python-census' as const;
  private seq = 0;
  private targets: Array<{ pid: number; signal: number }> = [];
  private disposed = false;

  private constructor(
    /** The private directory: the sitecustomize, the ready files, the requests and the answers. */
    readonly dir: string,
  ) {}

  /** Makes the 0700 directory (under RUNNER_TEMP or the OS temp dir) with the sitecustomize in it. */
  static async create(tmpRoot: string = process.env.RUNNER_TEMP || tmpdir()): Promise<PythonCensus> {
    const dir = await mkdtemp(join(tmpRoot, 'ws-gate-census-'));
    const census = new PythonCensus(dir);
    try {
      await chmod(dir, 0o700);
      await writeFile(join(dir, SITECUSTOMIZE_FILE), SITECUSTOMIZE_SOURCE, { mode: 0o600 });
    } catch (err) {
      await census.dispose();
      throw err;
    }
    return census;
  }

  launchEnv(env: Readonly<Record<string, string>>): Record<string, string> {
    return { ...env, PYTHONPATH: censusPythonPath(this.dir, env.PYTHONPATH ?? process.env.PYTHONPATH) };
  }

  async find(tree: readonly number[], serving: readonly number[]): Promise<SourceTargets> {
    const facts = await treeFacts(tree);
    const ready = await this.readyFiles();
    const python = facts.filter((f) => isPythonExecutable(f.exe) || ready.has(f.pid));
    if (python.length === 0) return { processes: [], readable: false, reason: 'no Python process in the server tree' };
    const loaded = python.filter((f) => ready.has(f.pid)).map((f) => f.pid);
    const chosen = new Set(processesToRead(facts, loaded, serving));
    this.targets = [...chosen].map((pid) => ({ pid, signal: ready.get(pid)! }));
    const processes = python.map((f) =>
      chosen.has(f.pid)
        ? processRow(f, true)
        : processRow(
            f,
            false,
            ready.has(f.pid)
              ? 'does not serve the port'
              : 'did not load the census (python -I, -E or -S ignore PYTHONPATH, and a command that sets PYTHONPATH replaces it)',
          ),
    );
    const reason =
      this.targets.length === 0
        ? `no Python process of the server tree loaded the census (pid ${python.map((f) => f.pid).join(', ')})`
        : null;
    return { processes, readable: this.targets.length > 0, reason };
  }

  async read(options: ReadOptions): Promise<Reading> {
    return readingOf(await this.counts(options));
  }

  private async counts(options: ReadOptions): Promise<ProcessReading[]> {
    const answers = await this.ask({ mode: 'census' }, this.targets, options);
    return answers.map(({ pid, text, takeMs, readStarted }) => {
      const { classes } = parseCensusAnswer(text, pid);
      const list = classes ?? [];
      return {
        pid,
        classes: list,
        totalBytes: list.reduce((sum, c) => sum + c.bytes, 0),
        takeMs,
        readMs: Math.round(performance.now() - readStarted),
      };
    });
  }

  async explain(suspects: SuspectsByProcess, signal?: AbortSignal): Promise<Map<string, RetainerStep[] | null>> {
    const paths = new Map<string, RetainerStep[] | null>();
    for (const [pid, rows] of suspects) {
      const target = this.targets.find((t) => t.pid === pid);
      if (!target || rows.length === 0) continue;
      const names = [...rows]
        .sort((a, b) => suspectTier(a) - suspectTier(b))
        .slice(0, MAX_PATHS)
        .map((r) => r.name);
      const [answer] = await this.ask({ mode: 'paths', names }, [target], { label: 'paths', connections: 0, timeoutMs: 10_000, signal });
      const found = parseCensusAnswer(answer!.text, target.pid).paths ?? {};
      for (const row of rows) paths.set(`${row.kind}\u0000${row.name}`, found[row.name] ?? null);
    }
    return paths;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await rm(this.dir, { recursive: true, force: true });
  }

  /** pid -> signal number from the ready files now in the directory. */
  private async readyFiles(): Promise<Map<number, number>> {
    const ready = new Map<number, number>();
    for (const name of await readdir(this.dir).catch(() => [] as string[])) {
      const pid = Number(new RegExp(`^${READY_PREFIX}(\\d+)\\.json$`).exec(name)?.[1] ?? NaN);
      if (!Number.isInteger(pid)) continue;
      const text = await readFile(join(this.dir, name), 'utf8').catch(() => '');
      const signal = Number((/"signal":\s*(\d+)/.exec(text) ?? [])[1]);
      if (Number.isInteger(signal) && signal >= RT_SIGNALS.min && signal <= RT_SIGNALS.max) ready.set(pid, signal);
    }
    return ready;
  }

  /** Writes a request, signals each target, and waits for every answer (its text); the files are deleted. */
  private async ask(
    request: Record<string, unknown>,
    targets: ReadonlyArray<{ pid: number; signal: number }>,
    options: ReadOptions,
  ): Promise<Array<{ pid: number; text: string; takeMs: number; readStarted: number }>> {
    if (this.disposed) throw new EvidenceError('the Python census was already disposed');
    const seq = ++this.seq;
    const tmp = join(this.dir, `.${REQUEST_FILE}.tmp`);
    await writeFile(tmp, JSON.stringify({ ...request, seq, label: options.label }), { mode: 0o600 });
    await rename(tmp, join(this.dir, REQUEST_FILE));
    const started = performance.now();
    for (const { pid, signal } of targets) {
      try {
        process.kill(pid, signal);
      } catch (err) {
        throw new EvidenceError(`could not signal Python pid ${pid} for its census: ${(err as Error).message}`);
      }
    }
    return Promise.all(targets.map(({ pid }) => this.answer(pid, seq, started, options)));
  }

  private async answer(
    pid: number,
    seq: number,
    started: number,
    options: ReadOptions,
  ): Promise<{ pid: number; text: string; takeMs: number; readStarted: number }> {
    const path = join(this.dir, `${ANSWER_PREFIX}${pid}-${seq}.json`);
    for (;;) {
      const text = await readCapped(path);
      if (text !== null) {
        const readStarted = performance.now();
        await rm(path, { force: true });
        return { pid, text, takeMs: Math.round(readStarted - started), readStarted };
      }
      if (!(await isAlive(pid))) throw new EvidenceError(`Python pid ${pid} exited before its census`);
      if (performance.now() - started >= options.timeoutMs) {
        throw new EvidenceError(
          `no census from Python pid ${pid} within ${Math.round(options.timeoutMs / 1000)} s (heap-snapshot-timeout-s): its main ` +
            'thread did not run the signal handler (busy in native code, or the app replaced the handler)',
        );
      }
      await sleep(POLL_MS, undefined, { signal: options.signal });
    }
  }
}

/** The file's text, or null when it is not there yet; an EvidenceError when it is too large to be a census. */
async function readCapped(path: string): Promise<string | null> {
  try {
    const buffer = await readFile(path);
    if (buffer.length > MAX_ANSWER_BYTES) throw new EvidenceError(`${path} is larger than ${MAX_ANSWER_BYTES} bytes`);
    return buffer.toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
