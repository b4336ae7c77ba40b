// Samples the server tree's memory (summed RSS) and CPU at a fixed interval through the whole run.

import pidusage from 'pidusage';
import type { MemorySample, PhaseName } from '../report/schema.js';

export interface SamplerOptions {
  intervalMs: number;
  /** Lists the pids of the server tree now (re-enumerated each sample: the tree changes). */
  listTree: () => Promise<number[]>;
  /** The phase the run is in, stamped on each sample. */
  phase: () => PhaseName;
  /** Time origin of the run, from performance.now(). */
  originMs: number;
}

interface Usage {
  memory: number;
  cpu: number;
}

export class ResourceSampler {
  readonly samples: MemorySample[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly options: SamplerOptions) {}

  /** Primes CPU readings (pidusage's first one per pid is always 0), takes a first sample, then samples on. */
  async start(): Promise<void> {
    await this.read(await this.options.listTree());
    await this.sampleOnce();
    this.schedule();
  }

  /** Takes one sample now, outside the schedule (e.g. at a phase boundary). */
  async sampleOnce(): Promise<MemorySample | null> {
    const pids = await this.options.listTree();
    if (pids.length === 0) return null;
    const usage = await this.read(pids);
    if (usage.length === 0) return null;
    const sample: MemorySample = {
      tMs: Math.round(performance.now() - this.options.originMs),
      phase: this.options.phase(),
      rssBytes: usage.reduce((sum, u) => sum + u.memory, 0),
      cpuPercent: Math.round(usage.reduce((sum, u) => sum + u.cpu, 0) * 10) / 10,
      processes: usage.length,
    };
    this.samples.push(sample);
    return sample;
  }

  /** Stops sampling, waits for a sample in flight, and releases pidusage's per-pid history. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    pidusage.clear();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.sampleOnce()
        .then(() => undefined)
        .catch(() => undefined)
        .finally(() => this.schedule());
    }, this.options.intervalMs);
  }

  /** Usage of each pid still alive (a pid that died between listing and reading is skipped). */
  private async read(pids: number[]): Promise<Usage[]> {
    if (pids.length === 0) return [];
    try {
      const stats = (await pidusage(pids)) as Record<string, Usage | null>;
      return Object.values(stats).filter((s): s is Usage => s !== null && s !== undefined);
    } catch {
      // One dead pid can fail the whole batch on some platforms: read them one by one.
      const each: Array<Usage | null> = await Promise.all(pids.map((pid) => pidusage(pid).catch(() => null)));
      return each.filter((s): s is Usage => s !== null);
    }
  }
}
