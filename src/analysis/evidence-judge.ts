// From the counts each process gave at each boundary to what the report says (pure): the sum over the processes
// that served connections, where each suspect grew most, whether the processes read cover every one that held
// connections, and which figure judges the memory trend (a runtime's evidence, or RSS and how to do better).

import {
  SOURCE_NAMES,
  type Boundary,
  type ClassCount,
  type Evidence,
  type EvidenceProcess,
  type GrowthRow,
  type MemoryJudge,
  type ReadingData,
} from '../model/evidence.js';

/** A process that served the port while the load ran: its pid and executable name. */
export interface ServingProcess {
  pid: number;
  exe: string;
  /** Seen holding a connection (not only listening). */
  heldConnections: boolean;
}

/**
 * The boundaries as readings of the diff: counts and totals summed over the processes in `sum` (all of them when
 * `sum` is null). A total is null when any process summed has none.
 */
export function sumBoundaries(boundaries: readonly Boundary[], sum: ReadonlySet<number | null> | null): ReadingData[] {
  return boundaries.map((b) => {
    const readings = b.readings.filter((r) => sum === null || sum.has(r.pid));
    const byKey = new Map<string, ClassCount>();
    for (const r of readings) {
      for (const c of r.classes) {
        const key = `${c.kind}\u0000${c.name}`;
        const seen = byKey.get(key);
        if (seen) {
          seen.count += c.count;
          seen.bytes += c.bytes;
        } else byKey.set(key, { ...c });
      }
    }
    const totals = readings.map((r) => r.totalBytes);
    const nodeCounts = readings.map((r) => r.nodeCount).filter((n): n is number => n !== undefined);
    const files = readings.map((r) => r.fileBytes).filter((n): n is number => n !== undefined);
    return {
      summary: {
        label: b.label,
        connections: b.connections,
        totalBytes: totals.some((t) => t === null) ? null : totals.reduce<number>((s, t) => s + t!, 0),
        processes: readings.length,
        takeMs: Math.max(0, ...readings.map((r) => r.takeMs)),
        readMs: readings.reduce((s, r) => s + r.readMs, 0),
        ...(nodeCounts.length > 0 ? { nodeCount: nodeCounts.reduce((s, n) => s + n, 0) } : {}),
        ...(files.length > 0 ? { fileBytes: files.reduce((s, n) => s + n, 0) } : {}),
      },
      classes: [...byKey.values()],
    };
  });
}

/** For each suspect, the process whose count of it grew most from the first boundary to the last: where to look for its path. */
export function whereSuspectsGrew(boundaries: readonly Boundary[], suspects: readonly GrowthRow[]): Map<number | null, GrowthRow[]> {
  const first = boundaries[0]?.readings ?? [];
  const last = boundaries.at(-1)?.readings ?? [];
  const count = (r: { classes: ClassCount[] } | undefined, row: GrowthRow): number =>
    r?.classes.find((c) => c.kind === row.kind && c.name === row.name)?.count ?? 0;
  const out = new Map<number | null, GrowthRow[]>();
  for (const row of suspects) {
    let best: number | null = null;
    let bestGrowth = -Infinity;
    for (const r of last) {
      const growth =
        count(r, row) -
        count(
          first.find((f) => f.pid === r.pid),
          row,
        );
      if (growth > bestGrowth) [best, bestGrowth] = [r.pid, growth];
    }
    out.set(best, [...(out.get(best) ?? []), row]);
  }
  return out;
}

/**
 * Which processes' counts are summed (those read that served, or every one read when none is known to serve), and
 * the process rows marked with who held connections; `covers` when every holder was read (pure).
 */
export function coverage(
  processes: readonly EvidenceProcess[],
  serving: readonly ServingProcess[],
): { sum: Set<number> | null; processes: EvidenceProcess[]; covers: boolean; missing: ServingProcess[] } {
  const holders = serving.filter((s) => s.heldConnections);
  const judgedBy = holders.length > 0 ? holders : serving;
  const read = new Set(processes.filter((p) => p.read).map((p) => p.pid));
  const servingRead = serving.filter((s) => read.has(s.pid)).map((s) => s.pid);
  const missing = judgedBy.filter((s) => !read.has(s.pid));
  const held = new Set(holders.map((h) => h.pid));
  return {
    sum: servingRead.length > 0 ? new Set(servingRead) : null,
    processes: processes.map((p) => ({ ...p, heldConnections: held.has(p.pid) })),
    covers: judgedBy.length > 0 && missing.length === 0 && read.size > 0,
    missing,
  };
}

/** How the judge reads for each runtime the serving processes run, when only RSS could judge. */
export function betterEvidence(serving: readonly ServingProcess[], opts: { launched: boolean; metricsSet: boolean }): string {
  const exes = serving.map((s) => s.exe);
  const metrics = opts.metricsSet
    ? null
    : 'expose Prometheus metrics and set metrics-url (e.g. /metrics): goroutines, open fds, handles and threads are then judged per ' +
      'connection';
  const hints: string[] = [];
  if (exes.some((e) => /^(node|nodejs)/i.test(e))) {
    hints.push(
      opts.launched
        ? 'keep heap-snapshots: auto and NODE_OPTIONS (heap snapshots name the class)'
        : 'start the server with server-command: heap snapshots then name the class',
    );
  }
  if (exes.some((e) => /^(python|pypy)/i.test(e))) {
    hints.push(
      opts.launched
        ? 'let the Python server keep PYTHONPATH and run without -I, -E or -S (the census loads through PYTHONPATH)'
        : 'start the Python server with server-command: a census of its objects then names the class',
    );
  }
  if (exes.some((e) => /^java/.test(e))) hints.push("put a JDK's jcmd on PATH: the JVM's class histogram then names the class");
  if (metrics) hints.push(metrics);
  return hints.join('; ');
}

/**
 * The figure the memory trend is judged by: the first in-process evidence (Node, Python, JVM) that covers every
 * process that held connections and has a total per connection; else RSS, with why and how to do better.
 */
export function judgeMemory(
  evidence: readonly Evidence[],
  context: { serving: readonly ServingProcess[]; launched: boolean; heapEnabled: boolean; metricsSet: boolean },
): MemoryJudge {
  const inProcess = evidence.filter((e) => e.source !== 'metrics');
  const judge = inProcess.find((e) => e.status === 'measured' && e.coversConnections && e.kbPerConnection !== null);
  if (judge) {
    const summed = judge.readings.at(-1)?.processes ?? 0;
    const held = judge.processes.filter((p) => p.heldConnections).map((p) => p.pid);
    const name = SOURCE_NAMES[judge.source];
    const why =
      summed === 1 && held.length <= 1
        ? `${name} of ${held.length === 1 ? `pid ${held[0]}` : 'one process'} after a full GC, the process that held the connections`
        : `${name} of ${summed} processes after a full GC` +
          (held.length > 0 ? `, among them every one that held connections (pid ${held.join(', ')})` : '');
    return {
      by: judge.source as MemoryJudge['by'],
      processes: summed,
      why,
      better: null,
    };
  }
  return { by: 'rss', processes: 0, why: rssReason(inProcess, context), better: betterEvidence(context.serving, context) || null };
}

function rssReason(
  inProcess: readonly Evidence[],
  context: { serving: readonly ServingProcess[]; launched: boolean; heapEnabled: boolean },
): string {
  const partial = inProcess.find((e) => e.status === 'measured' && !e.coversConnections);
  if (partial) {
    const read = partial.processes.filter((p) => p.read).map((p) => p.pid);
    const missing = context.serving.filter((s) => s.heldConnections && !read.includes(s.pid));
    if (missing.length > 0) {
      return (
        `${SOURCE_NAMES[partial.source]} read pid ${read.join(', ')}, but ${missing.map((m) => `pid ${m.pid} (${m.exe})`).join(', ')} ` +
        'held connections too: a heap figure that leaves out a process that serves cannot stand for the server'
      );
    }
    if (partial.kbPerConnection !== null)
      return `which processes held the connections could not be seen: ${SOURCE_NAMES[partial.source]} stand only for the processes read`;
  }
  const stopped = inProcess.find((e) => e.status === 'skipped' && e.reason);
  if (stopped) return `${SOURCE_NAMES[stopped.source]}: ${stopped.reason}`;
  if (!context.heapEnabled) return 'heap-snapshots is off';
  if (!context.launched) return 'attach mode: the gate did not start the server, so it cannot read its heap';
  const exes = [...new Set(context.serving.map((s) => s.exe))];
  if (exes.length > 0) return `the processes that served run ${exes.join(', ')}: no heap evidence for that runtime`;
  return inProcess.find((e) => e.reason)?.reason ?? 'no heap evidence was taken';
}
