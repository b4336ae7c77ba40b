// The Report from what a run measured (pure): memory and signal figures, checks, verdict.

import { runChecks, verdictOf } from '../analysis/checks.js';
import { analyzeMemory, type ProbeWindow } from '../analysis/memory.js';
import { analyzeSignals } from '../analysis/signal-growth.js';
import type { Config } from '../config/types.js';
import type { Evidence, MemoryJudge } from '../model/evidence.js';
import { REPORT_SCHEMA_VERSION, type MemorySample, type Report, type SignalReading } from '../model/report.js';
import type { RunMeasurements } from '../analysis/checks.js';
import { redactSecrets } from '../model/redact.js';

/** What the run's surroundings add to the report: who ran it, where, when. */
export interface RunFacts {
  tool: Report['tool'];
  environment: Report['environment'];
  startedAt: string;
  durationMs: number;
  platform: NodeJS.Platform;
  /** The effective configuration as name -> value, secrets masked. */
  configDescription: Record<string, string>;
}

/** The samples and readings the probes took. */
export interface ProbeReadings {
  samples: MemorySample[];
  signals: { baseline: SignalReading | null; after: SignalReading | null; notes: string[] };
  /** Where heap snapshots made the server allocate. */
  probeWindows: ProbeWindow[];
}

export function assembleReport(config: Config, m: RunMeasurements, probes: ProbeReadings, facts: RunFacts): Report {
  const launching = config.server.command !== null;
  const memory =
    m.server.pid === null
      ? {
          ...analyzeMemory([], config.sampleIntervalMs),
          reason: launching
            ? 'the server never started'
            : 'attached without a known pid: the owner of the port was not found; set server-pid',
        }
      : analyzeMemory(
          probes.samples,
          config.sampleIntervalMs,
          m.trendPoints,
          probes.probeWindows,
          heapGrowthBytes(m.evidence, m.memoryJudge),
        );
  const signals = analyzeSignals(probes.signals.baseline, probes.signals.after, probes.signals.notes, facts.platform);
  const checks = runChecks(config, { ...m, memory, signals });
  const report: Report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: facts.tool,
    startedAt: facts.startedAt,
    durationMs: facts.durationMs,
    environment: facts.environment,
    config: facts.configDescription,
    server: m.server,
    phases: m.phases,
    stopped: m.stopped,
    scenarios: { flapping: m.flapping, leak: m.leak, recovery: m.recovery, ...(m.hostile.enabled ? { hostile: m.hostile } : {}) },
    memory,
    signals,
    evidence: m.evidence,
    memoryJudge: m.memoryJudge ?? { by: 'rss', processes: 0, why: 'no heap evidence was taken', better: null },
    ...(m.faults.network || m.faults.deadPeers || m.faults.slowConsumer ? { faults: m.faults } : {}),
    checks,
    verdict: verdictOf(checks),
  };
  // A server may print or echo a header value back; the report must not carry it.
  return redactSecrets(report, Object.values(config.client.headers));
}

/** The judged heap's growth after a full GC from the first to the last reading (array buffers included); null without one. */
function heapGrowthBytes(evidence: readonly Evidence[], judge: MemoryJudge | null): number | null {
  const judged = evidence.find((e) => e.source === judge?.by);
  const [first, last] = [judged?.readings[0], judged?.readings.at(-1)];
  if (judged?.status !== 'measured' || !first || !last || first === last) return null;
  return first.totalBytes === null || last.totalBytes === null ? null : last.totalBytes - first.totalBytes;
}
