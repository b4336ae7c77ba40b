// Samples the server tree's memory (summed RSS) and CPU at a fixed interval through the whole run.

import { readFileSync } from 'node:fs';
import pidusage from 'pidusage';
import type { MemorySample, PhaseName } from '../model/report.js';

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
  /** Linux: CPU time of each pid of the tree at the last reading, for the CPU share since then. */
  private readonly cpuSeen = new Map<number, { cpuMs: number; atMs: number }>();

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

  /**
   * Usage of each pid still alive (a pid that died between listing and reading is skipped). On Linux straight from
   * /proc and synchronously: two reads of kernel memory per pid take microseconds, where pidusage's threadpool round
   * trips cost ~1 ms of CPU per sample in an otherwise idle gate (npm run bench: sampler cost).
   */
  private async read(pids: number[]): Promise<Usage[]> {
    if (pids.length === 0) return [];
    if (process.platform === 'linux') {
      const now = performance.now();
      const usage: Usage[] = [];
      for (const pid of pids) {
        let stat: string;
        let status: string;
        try {
          stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          status = readFileSync(`/proc/${pid}/status`, 'utf8');
        } catch {
          continue;
        }
        // utime and stime, in clock ticks of USER_HZ: 100 on every architecture Node runs on (only alpha and ia64 differ).
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const cpuMs = (Number(fields[11]) + Number(fields[12])) * 10;
        // A zombie has no VmRSS line: it holds no memory (pidusage reported 0 for it too).
        const rssKb = /^VmRSS:\s+(\d+)/m.exec(status)?.[1];
        const last = this.cpuSeen.get(pid);
        this.cpuSeen.set(pid, { cpuMs, atMs: now });
        usage.push({
          memory: rssKb === undefined ? 0 : Number(rssKb) * 1024,
          cpu: last && now > last.atMs ? ((cpuMs - last.cpuMs) / (now - last.atMs)) * 100 : 0,
        });
      }
      // Only the pids of the tree as it is now are kept: the map never outgrows the tree.
      for (const pid of this.cpuSeen.keys()) if (!pids.includes(pid)) this.cpuSeen.delete(pid);
      return usage;
    }
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
