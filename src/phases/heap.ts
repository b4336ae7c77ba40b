// Leak evidence across the phases, for every runtime behind one interface: the sources prepared before launch (Node
// heap snapshots, the Python census), the processes that serve watched while the load runs, counts read at the
// idle boundaries (after warm-up, between leak rounds, after cooldown), and at the end the diff, the paths, and
// which figure judges the memory trend. Every source's files go on every path.

import { setTimeout as sleep } from 'node:timers/promises';
import { coverage, judgeMemory, sumBoundaries, whereSuspectsGrew, type ServingProcess } from '../analysis/evidence-judge.js';
import { diffEvidence, DIFF_DEFAULTS, JVM_STORAGE_KINDS, rankSuspects } from '../analysis/evidence-diff.js';
import { evidenceWithout, type Boundary, type Evidence, type MemoryJudge } from '../model/evidence.js';
import { readFacts, withPaths, type EvidenceSource, type Reading } from '../probe/evidence-source.js';
import { JvmHistogram } from '../probe/jvm-histogram.js';
import { MetricsSource, metricsUrlFor } from '../probe/metrics-source.js';
import { NodeHeapSource } from '../probe/node-heap.js';
import { unsettledConnections } from '../probe/proc-signals.js';
import { PythonCensus } from '../probe/python-census.js';
import { SocketHolderWatch } from '../probe/socket-holders.js';
import { portOf } from '../server/endpoint.js';
import type { EvidenceRun, RunContext, SourceRun } from './context.js';

/**
 * Bounded pools of the runtimes themselves, which grow with the connections open at once, not with the connections
 * made: Node's HTTP server keeps up to 1,000 parsers of finished upgrades in a free list (50 concurrent clients left +47).
 */
const RUNTIME_POOLS = ['HTTPParser'];

/** How long a reading waits for the connections of the rounds before it to be closed on the server's side. */
const QUIET_MS = 2000;

/** Phases whose connections tell which processes serve. */
const SERVING_PHASES = new Set(['warmup', 'flapping', 'leak']);

/**
 * Before launch: the sources that need a hand in the server's start (Node's NODE_OPTIONS, Python's PYTHONPATH) and
 * the JVM's, which needs none. Returns the environment to launch with (the user's values kept).
 */
export async function prepareHeap(run: RunContext, env: Record<string, string>): Promise<Record<string, string>> {
  const { heap } = run.config;
  if (!heap.enabled || run.config.server.command === null) return env;
  const evidence = newEvidenceRun(run, []);
  const node = await NodeHeapSource.create({ keepDir: heap.keepDir, maxRssBytes: heap.maxRssBytes });
  evidence.sources.push(sourceRun(node));
  if (heap.keepDir) {
    run.progress(
      `⚠ heap snapshots are kept in ${node.snapshotter.dir}: they hold the server's memory (tokens, user data); never upload them`,
    );
  }
  evidence.sources.push(sourceRun(await PythonCensus.create()), sourceRun(new JvmHistogram()));
  return evidence.sources.reduce((launchEnv, s) => s.source.launchEnv(launchEnv), env);
}

/** A new evidence run whose files teardown removes, after the server has stopped (registered before it). */
function newEvidenceRun(run: RunContext, sources: SourceRun[]): EvidenceRun {
  const evidence: EvidenceRun = { sources, watch: null, found: false, finished: false };
  run.evidence = evidence;
  run.defer('removing the heap evidence files', () => closeEvidence(run, evidence));
  return evidence;
}

function sourceRun(source: EvidenceSource): SourceRun {
  return { source, targets: null, boundaries: [], counted: Promise.resolve(), stopped: null };
}

/**
 * After readiness: watch which processes hold connections while the load runs; in attach mode, the JVM's histogram
 * (jcmd attaches to a running JVM); the metrics page in either mode. What to read is chosen at the first boundary,
 * and read at the end of the run before the server stops. Without any source, what the judge says is known now.
 */
export async function findHeapTarget(run: RunContext): Promise<void> {
  const { config } = run;
  if (!run.evidence && (config.heap.enabled || config.metrics.url !== null)) {
    newEvidenceRun(run, config.heap.enabled ? [sourceRun(new JvmHistogram())] : []);
  }
  const evidence = run.evidence;
  if (!evidence) {
    record(run, await finishHeap(run));
    return;
  }
  // Registered after the server's stop: teardown reads the evidence while the server still runs (Python's paths).
  run.defer('reading the heap evidence', () => readEvidence(run, evidence));
  if (config.metrics.url !== null) {
    const url = metricsUrlFor(config.metrics.url, run.serverInfo.url);
    const timeoutMs = Math.min(config.heap.timeoutMs, config.client.connectTimeoutMs);
    const options = { url, ignore: config.metrics.ignore, timeoutMs, ca: config.client.ca, rejectUnauthorized: !config.client.insecureTls };
    evidence.sources.push(sourceRun(new MetricsSource(options)));
  }
  const server = run.server;
  if (server && server.pid !== null) {
    evidence.watch = new SocketHolderWatch(
      () => server.tree(),
      portOf(run.serverInfo.url),
      () => SERVING_PHASES.has(run.phase),
    );
    evidence.watch.start();
  }
}

/**
 * Reads every source once the server holds no client connection; a source that fails ends its own evidence, not
 * the run nor the other sources'. The signature stays `(run, label, connections)`: the phases call it at their
 * idle boundaries.
 */
export async function heapSnapshot(run: RunContext, label: string, connections: number): Promise<void> {
  const evidence = run.evidence;
  if (!evidence || run.stopped) return;
  await untilQuiet(run);
  if (!evidence.found) await findSources(run, evidence);
  const live = evidence.sources.filter((s) => s.stopped === null && s.targets?.readable);
  if (live.length === 0 || run.stopped) return;
  const before = await run.sampler?.sampleOnce();
  const options = { label, connections, timeoutMs: run.config.heap.timeoutMs, signal: run.signal };
  await Promise.all(
    live.map(async (s) => {
      try {
        const reading = await s.source.read(options);
        // Counted once the load is over (a Node snapshot's parse holds the gate's event loop: in a load phase it would
        // delay the cycles), or after this phase past it, in the order taken.
        const quiet = run.quietForOwnWork();
        s.counted = s.counted.then(() => quiet).then(() => countReading(run, s, { label, connections }, reading));
      } catch (err) {
        stopSource(run, s, err);
      }
    }),
  );
  // Reading makes the server allocate (a snapshot's writer, a census's lists), and it keeps that RSS: measured here,
  // left out of growth.
  const after = await run.sampler?.sampleOnce();
  if (before && after) run.probeWindows.push({ fromMs: before.tMs, toMs: after.tMs, bytes: Math.max(0, after.rssBytes - before.rssBytes) });
}

/** A reading's counts into the source's boundaries, in the order they were taken, once the gate has them. */
async function countReading(run: RunContext, s: SourceRun, boundary: Omit<Boundary, 'readings'>, reading: Reading): Promise<void> {
  try {
    const readings = await reading.counts();
    if (s.stopped === null) s.boundaries.push({ ...boundary, readings });
  } catch (err) {
    stopSource(run, s, err);
  }
}

/** A source that failed ends its own evidence (the first failure says why), not the run nor the other sources'. */
function stopSource(run: RunContext, s: SourceRun, err: unknown): void {
  if (run.stopped || s.stopped !== null) return;
  s.stopped = (err as Error).message;
  run.progress(`⚠ ${s.source.id} stopped: ${s.stopped}; the memory verdict falls back to RSS`);
}

/**
 * Once the warm-up has been served: which processes each source reads. The baseline calls it while protocol
 * detection still listens, so that its first reading is only the reading; a boundary calls it if nobody did.
 */
export async function findEvidenceTargets(run: RunContext): Promise<void> {
  const evidence = run.evidence;
  if (evidence && !evidence.found && !run.stopped) await findSources(run, evidence);
}

/** Which processes each source reads (see findEvidenceTargets). */
async function findSources(run: RunContext, evidence: EvidenceRun): Promise<void> {
  evidence.found = true;
  const tree = run.server && run.server.pid !== null ? await run.server.tree() : [];
  const seen = await evidence.watch?.pollOnce();
  const serving = [...new Set([...(evidence.watch?.holders() ?? []), ...(seen?.listening ?? [])])];
  await Promise.all(
    evidence.sources.map(async (s) => {
      s.targets = await s.source
        .find(tree, serving)
        .catch((err: unknown) => ({ processes: [], readable: false, reason: (err as Error).message }));
      if (!s.targets.readable) s.stopped = s.targets.reason;
    }),
  );
}

/** The evidence of every source that found something, and the memory judge. */
export async function finishHeap(run: RunContext): Promise<{ evidence: Evidence[]; judge: MemoryJudge }> {
  const { config } = run;
  const evidence = run.evidence;
  await evidence?.watch?.stop();
  // Counts still being made out (a snapshot parsed after its window) are waited for: the diff needs them all.
  await Promise.all((evidence?.sources ?? []).map((s) => s.counted));
  const serving = await servingProcesses(run, evidence);
  const results: Evidence[] = [];
  for (const s of evidence?.sources ?? []) {
    const found = await finishSource(run, s, serving);
    if (found) results.push(found);
  }
  const launched = config.server.command !== null;
  const context = { serving, launched, heapEnabled: config.heap.enabled, metricsSet: config.metrics.url !== null };
  return { evidence: results, judge: judgeMemory(results, context) };
}

function record(run: RunContext, found: { evidence: Evidence[]; judge: MemoryJudge }): void {
  run.results.evidence = found.evidence;
  run.results.memoryJudge = found.judge;
}

/** Once per run: the evidence into the results (a failure is a judge that says so, and RSS judges). */
async function readEvidence(run: RunContext, evidence: EvidenceRun): Promise<void> {
  if (evidence.finished) return;
  evidence.finished = true;
  const why = (err: unknown): string => `reading the heap evidence failed: ${(err as Error).message}`;
  const failed = (err: unknown) => ({ evidence: [], judge: { by: 'rss' as const, processes: 0, why: why(err), better: null } });
  record(run, await finishHeap(run).catch(failed));
}

/** Every path: the evidence read if it was not (the run stopped before readiness), then every source's files removed. */
async function closeEvidence(run: RunContext, evidence: EvidenceRun): Promise<void> {
  try {
    await readEvidence(run, evidence);
  } finally {
    await evidence.watch?.stop();
    await Promise.all(evidence.sources.map((s) => s.source.dispose()));
  }
}

/** One source's evidence, or null when its runtime was not in the tree (a Python census of a Node server). */
async function finishSource(run: RunContext, s: SourceRun, serving: ServingProcess[]): Promise<Evidence | null> {
  const limit = run.config.limits.maxRetainedPerConnection.value;
  const id = s.source.id;
  const processes = s.targets?.processes ?? [];
  if (id !== 'metrics' && processes.length === 0) return null;
  if (s.targets === null) return evidenceWithout(id, 'skipped', s.stopped ?? 'the run stopped before the first reading', limit, processes);
  const cover = coverage(processes, serving);
  const ignore = id === 'metrics' ? run.config.metrics.ignore : [...RUNTIME_POOLS, ...run.config.heap.ignore];
  // The readings end after cooldown: only the leak scenario's clients were open at once before then.
  const maxConcurrent = run.config.scenarios.includes('leak') ? run.config.leak.clients : 1;
  const neverSuspects = id === 'class-histogram' ? JVM_STORAGE_KINDS : [];
  const options = { maxRetainedPerConnection: limit, minInstances: DIFF_DEFAULTS.minInstances, ignore, maxConcurrent, neverSuspects };
  let evidence = diffEvidence(id, sumBoundaries(s.boundaries, id === 'metrics' ? null : cover.sum), options);
  evidence = { ...evidence, processes: cover.processes, coversConnections: id !== 'metrics' && cover.covers };
  if (evidence.suspects.length > 0 && !run.stopped) {
    const paths = await s.source.explain(whereSuspectsGrew(s.boundaries, evidence.suspects), run.signal).catch(() => new Map());
    evidence = withPaths(evidence, paths);
  }
  evidence = rankSuspects(evidence);
  if (s.stopped !== null && evidence.status !== 'measured') return { ...evidence, status: 'skipped', reason: s.stopped };
  return s.stopped === null ? evidence : { ...evidence, notes: [...evidence.notes, `stopped early: ${s.stopped}`] };
}

/** The processes seen serving (holding a connection, or listening), with their executables. */
async function servingProcesses(run: RunContext, evidence: EvidenceRun | null): Promise<ServingProcess[]> {
  const watch = evidence?.watch;
  if (!watch) return [];
  const held = new Set(watch.holders());
  const pids = [...new Set([...watch.holders(), ...watch.listening()])];
  const known = new Map((evidence?.sources ?? []).flatMap((s) => s.targets?.processes ?? []).map((p) => [p.pid, p.exe] as const));
  return Promise.all(
    pids.map(async (pid) => ({ pid, exe: known.get(pid) ?? (await readFacts(pid))?.exe ?? 'unknown', heldConnections: held.has(pid) })),
  );
}

/**
 * Waits (bounded) until no connection on the server's port is open or closing (its close handler not yet run): a
 * reading counts what they hold.
 */
async function untilQuiet(run: RunContext): Promise<void> {
  const server = run.server;
  if (!server) return;
  const port = portOf(run.serverInfo.url);
  const deadline = performance.now() + QUIET_MS;
  while (performance.now() < deadline && !run.stopped) {
    if (!(await unsettledConnections(await server.tree(), port))) return;
    await sleep(25);
  }
}
