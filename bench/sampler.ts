// Sampler cost: the CPU the resource sampler takes from the gate process, and what its memory grows by.

import { setTimeout as sleep } from 'node:timers/promises';
import { ResourceSampler } from '../src/probe/sampler.js';
import { fullGc, note, round, startEchoServer } from './lib.js';

const INTERVAL_MS = 100;
const PERIOD_MS = 6000;
const PAIRS = 2;
const MEMORY_SAMPLES = 3000;
/** The echo server's own start-up settles before the first idle period is measured. */
const SETTLE_MS = 1000;

export interface SamplerResult {
  intervalMs: number;
  /** Seconds measured with the sampler running, and as many idle. */
  seconds: number;
  samplesTaken: number;
  processesInTree: number;
  /** CPU of this process per second, idle vs. sampling, in ms of CPU per s of run. */
  idleCpuMsPerS: number;
  sampledCpuMsPerS: number;
  /** (sampled - idle) as a share of one core, in percent. */
  cpuPercentOfOneCore: number;
  cpuUsPerSample: number;
  memory: {
    samples: number;
    /** Heap growth per retained sample (one small object each, by design). */
    heapBytesPerSample: number;
    /** The same sample as JSON in the report. */
    jsonBytesPerSample: number;
    /** Heap after the samples are dropped, minus before they were taken: growth that is not the samples. */
    residualHeapBytes: number;
    heapUsedBytes: { before: number; half: number; full: number; afterDroppingSamples: number };
  };
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

function heapUsed(): number {
  fullGc();
  return process.memoryUsage().heapUsed;
}

export async function runSamplerCost(): Promise<SamplerResult> {
  const echo = await startEchoServer('sampler');
  try {
    const listTree = (): Promise<number[]> => echo.server.tree();
    const processesInTree = (await listTree()).length;
    await sleep(SETTLE_MS);
    let idleCpu = 0;
    let sampledCpu = 0;
    let idleWall = 0;
    let sampledWall = 0;
    let samplesTaken = 0;
    for (let pair = 0; pair < PAIRS; pair++) {
      note(`idle ${PERIOD_MS / 1000} s, then sampling every ${INTERVAL_MS} ms for ${PERIOD_MS / 1000} s (${pair + 1}/${PAIRS})`);
      fullGc();
      let cpu = process.cpuUsage();
      let start = performance.now();
      await sleep(PERIOD_MS);
      idleCpu += cpuMs(cpu);
      idleWall += performance.now() - start;

      fullGc();
      cpu = process.cpuUsage();
      start = performance.now();
      const sampler = new ResourceSampler({ intervalMs: INTERVAL_MS, listTree, phase: () => 'baseline', originMs: start });
      await sampler.start();
      await sleep(PERIOD_MS);
      await sampler.stop();
      sampledCpu += cpuMs(cpu);
      sampledWall += performance.now() - start;
      samplesTaken += sampler.samples.length;
    }
    const idleCpuMsPerS = (idleCpu / idleWall) * 1000;
    const sampledCpuMsPerS = (sampledCpu / sampledWall) * 1000;

    note(`memory: ${MEMORY_SAMPLES} samples taken back to back`);
    const before = heapUsed();
    const sampler = new ResourceSampler({ intervalMs: INTERVAL_MS, listTree, phase: () => 'leak', originMs: performance.now() });
    let half = 0;
    for (let i = 1; i <= MEMORY_SAMPLES; i++) {
      await sampler.sampleOnce();
      if (i === MEMORY_SAMPLES / 2) half = heapUsed();
    }
    const full = heapUsed();
    const kept = sampler.samples.length;
    const jsonBytesPerSample = JSON.stringify(sampler.samples).length / kept;
    sampler.samples.length = 0;
    await sampler.stop();
    const afterDroppingSamples = heapUsed();
    return {
      intervalMs: INTERVAL_MS,
      seconds: round((PAIRS * PERIOD_MS) / 1000, 1),
      samplesTaken,
      processesInTree,
      idleCpuMsPerS: round(idleCpuMsPerS),
      sampledCpuMsPerS: round(sampledCpuMsPerS),
      cpuPercentOfOneCore: round((sampledCpuMsPerS - idleCpuMsPerS) / 10, 3),
      cpuUsPerSample: round(((sampledCpu - (idleCpu * sampledWall) / idleWall) * 1000) / samplesTaken, 1),
      memory: {
        samples: kept,
        heapBytesPerSample: round((full - before) / kept, 1),
        jsonBytesPerSample: round(jsonBytesPerSample, 1),
        residualHeapBytes: afterDroppingSamples - before,
        heapUsedBytes: { before, half, full, afterDroppingSamples },
      },
    };
  } finally {
    await echo.stop();
  }
}
