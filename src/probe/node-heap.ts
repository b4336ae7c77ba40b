// Node evidence: V8 heap snapshots of every Node process of the tree that serves the port (a cluster's primary and
// its workers alike), taken at once at each boundary; retainer paths in the process where a suspect grew most.

import type { RetainerStep } from '../model/evidence.js';
import {
  processRow,
  processesToRead,
  treeFacts,
  type EvidenceSource,
  type ProcessReading,
  type ReadOptions,
  type Reading,
  type SourceTargets,
  type SuspectsByProcess,
} from './evidence-source.js';
import { HeapSnapshotter, isNodeExecutable, snapshotReady, type HeapSnapshotterOptions, type WrittenSnapshot } from './heap-snapshot.js';

export class NodeHeapSource implements EvidenceSource {
  readonly id = 'heap-snapshots' as const;
  private targets: number[] = [];

  private constructor(readonly snapshotter: HeapSnapshotter) {}

  /** Makes the snapshots' private directory (or uses heap-snapshot-dir). */
  static async create(options: HeapSnapshotterOptions): Promise<NodeHeapSource> {
    return new NodeHeapSource(await HeapSnapshotter.create(options));
  }

  launchEnv(env: Readonly<Record<string, string>>): Record<string, string> {
    return { ...env, NODE_OPTIONS: this.snapshotter.nodeOptions(env.NODE_OPTIONS ?? process.env.NODE_OPTIONS) };
  }

  /**
   * Node processes whose argv or environment shows the snapshot signal (SIGUSR2 kills one without it: never a
   * shell or a process that dropped NODE_OPTIONS), those that serve and their workers. Linux only: elsewhere the
   * handler cannot be confirmed.
   */
  async find(tree: readonly number[], serving: readonly number[]): Promise<SourceTargets> {
    if (process.platform !== 'linux') {
      return {
        processes: [],
        readable: false,
        reason: `heap snapshots need /proc (Linux) to confirm the signal handler; not on ${process.platform}`,
      };
    }
    const facts = await treeFacts(tree);
    const node = facts.filter((f) => isNodeExecutable(f.exe));
    if (node.length === 0) return { processes: [], readable: false, reason: 'no Node process in the server tree' };
    const dir = this.snapshotter.dir;
    const ready = node.filter((f) => snapshotReady(f.argv.slice(1), f.env.get('NODE_OPTIONS') ?? '', dir)).map((f) => f.pid);
    const chosen = new Set(processesToRead(facts, ready, serving));
    this.targets = [...chosen];
    const processes = node.map((f) =>
      chosen.has(f.pid)
        ? processRow(f, true)
        : processRow(f, false, ready.includes(f.pid) ? 'does not serve the port' : 'did not get the snapshot NODE_OPTIONS'),
    );
    const reason =
      this.targets.length === 0
        ? `no Node process of the server tree got the snapshot NODE_OPTIONS (pid ${node.map((f) => f.pid).join(', ')})`
        : null;
    return { processes, readable: this.targets.length > 0, reason };
  }

  /** Every process writes its snapshot at once; the boundary waits for the files only, the parsing is asked later. */
  async read(options: ReadOptions): Promise<Reading> {
    const written = await Promise.allSettled(this.targets.map((pid) => this.snapshotter.write(pid, options.label, options)));
    const failed = written.find((w) => w.status === 'rejected');
    // The files of the other processes are removed with the directory.
    if (failed) throw failed.reason;
    const snapshots = written.map((w) => (w as PromiseFulfilledResult<WrittenSnapshot>).value);
    let counts: Promise<ProcessReading[]> | null = null;
    return { counts: () => (counts ??= Promise.all(snapshots.map((s) => s.read()))) };
  }

  async explain(suspects: SuspectsByProcess): Promise<Map<string, RetainerStep[] | null>> {
    await this.snapshotter.settled();
    const paths = new Map<string, RetainerStep[] | null>();
    for (const [pid, rows] of suspects) {
      if (pid === null) continue;
      for (const [key, path] of this.snapshotter.retainerPathsIn(pid, rows)) paths.set(key, path);
    }
    this.snapshotter.releaseGraphs();
    return paths;
  }

  dispose(): Promise<void> {
    return this.snapshotter.dispose();
  }
}
