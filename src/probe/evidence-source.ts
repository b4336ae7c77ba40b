// The one interface every runtime's evidence sits behind (Node heap snapshots, a Python census, a JVM class
// histogram, Prometheus metrics): prepare the launch, find the processes to read, read counts per class or
// series at a boundary, explain the suspects, dispose. The phases drive it without knowing the runtime.

import { readFile, readlink } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Evidence, EvidenceProcess, EvidenceSourceId, GrowthRow, ProcessReading, RetainerStep } from '../model/evidence.js';

export type { ProcessReading } from '../model/evidence.js';

/**
 * A reading the server is done with: its counts, which the gate makes out when asked (a Node snapshot is parsed
 * then, once the load is over); asked again, the same promise. Rejects as `read` would.
 */
export interface Reading {
  counts(): Promise<ProcessReading[]>;
}

/** A reading whose counts are known already. */
export function readingOf(counts: ProcessReading[]): Reading {
  return { counts: async () => counts };
}

/** What a source found to read in the server tree. */
export interface SourceTargets {
  /** Processes of its runtime, read or not (`why` says why not). Empty for a metrics page. */
  processes: EvidenceProcess[];
  /** True when there is something to read at the boundaries. */
  readable: boolean;
  /** Why nothing can be read, when nothing can. */
  reason: string | null;
}

export interface ReadOptions {
  label: string;
  /** Connections the gate had made. */
  connections: number;
  /** From the trigger to a complete reading, per process. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Where the suspects grew most, for a source that can show what holds them: pid -> rows. */
export type SuspectsByProcess = Map<number | null, GrowthRow[]>;

export interface EvidenceSource {
  readonly id: EvidenceSourceId;
  /** The environment to launch the server with: `env` plus what this source needs in the process (or `env`). */
  launchEnv(env: Readonly<Record<string, string>>): Record<string, string>;
  /**
   * The processes to read, chosen once the server has served its warm-up: `tree` is the server tree, `serving`
   * the pids seen listening on the port or holding a connection so far (empty when unknown).
   */
  find(tree: readonly number[], serving: readonly number[]): Promise<SourceTargets>;
  /**
   * Reads every process found, at an idle boundary: resolves once the server's part is done (it may serve again),
   * with the counts still to come where the gate makes them out itself (a Node snapshot is parsed later, while the
   * gate has little else to do). Either throws when a process cannot be read (evidence stops there).
   */
  read(options: ReadOptions): Promise<Reading>;
  /** Paths to the suspects (null where not found), read in the process where each grew most; {} when it cannot tell. */
  explain(suspects: SuspectsByProcess, signal?: AbortSignal): Promise<Map<string, RetainerStep[] | null>>;
  /** Removes everything it made (directories, files); safe to call twice and on every path. */
  dispose(): Promise<void>;
}

/** An error reading evidence whose message is the reason the report gives. */
export class EvidenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvidenceError';
  }
}

/** What /proc says about one process: its executable, its parent, argv and environment (own user's only). */
export interface ProcessFacts {
  pid: number;
  ppid: number;
  exe: string;
  argv: string[];
  env: Map<string, string>;
}

/** Reads ProcessFacts of one pid (Linux); null when the process is gone. */
export async function readFacts(pid: number): Promise<ProcessFacts | null> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null);
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (cmdline === null || stat === null) return null;
  const argv = cmdline.split('\0').filter((a) => a !== '');
  const exe = basename(await readlink(`/proc/${pid}/exe`).catch(() => argv[0] ?? ''));
  // Fields after the command name (which may hold spaces and parentheses): state, then ppid.
  const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? 0);
  // Another user's environ is unreadable: then only argv can show the options.
  const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
  const env = new Map<string, string>();
  for (const entry of environ.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return { pid, ppid, exe, argv, env };
}

/** Facts of every pid of the tree that is still there. */
export async function treeFacts(tree: readonly number[]): Promise<ProcessFacts[]> {
  return (await Promise.all(tree.map((pid) => readFacts(pid)))).filter((f): f is ProcessFacts => f !== null);
}

/**
 * The processes of one runtime to read (pure): those that serve (listen on the port, or held a connection) and
 * their descendants (a cluster's workers, which the primary hands connections to); every one of the runtime when
 * it is not known which process serves. Wrappers that only start the server (npm, a shell, tsx's parent) are
 * ancestors, not descendants: left out, as is a runtime that only helps a server of another runtime.
 */
export function processesToRead(facts: readonly ProcessFacts[], ofRuntime: readonly number[], serving: readonly number[]): number[] {
  const servingSet = new Set(serving);
  const parent = new Map(facts.map((f) => [f.pid, f.ppid]));
  const servesOrDescends = (pid: number): boolean => {
    for (let p: number | undefined = pid, hops = 0; p !== undefined && hops < 64; p = parent.get(p), hops++) {
      if (servingSet.has(p)) return true;
    }
    return false;
  };
  return serving.length === 0 ? [...ofRuntime] : ofRuntime.filter(servesOrDescends);
}

/** A process of the tree as an EvidenceProcess row. */
export function processRow(facts: ProcessFacts, read: boolean, why?: string): EvidenceProcess {
  return { pid: facts.pid, exe: facts.exe, read, heldConnections: false, ...(why ? { why } : {}) };
}

/** A growth row's key among others of its evidence: `kind\u0000name`. */
export const rowKey = (row: Pick<GrowthRow, 'kind' | 'name'>): string => `${row.kind}\u0000${row.name}`;

/** The evidence with each suspect's path from `paths` (by rowKey), in topGrowth too. */
export function withPaths(evidence: Evidence, paths: ReadonlyMap<string, RetainerStep[] | null>): Evidence {
  const withPath = (row: GrowthRow): GrowthRow => (paths.has(rowKey(row)) ? { ...row, retainerPath: paths.get(rowKey(row)) ?? null } : row);
  return { ...evidence, suspects: evidence.suspects.map(withPath), topGrowth: evidence.topGrowth.map(withPath) };
}
