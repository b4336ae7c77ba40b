// One run's shared state: the clock, the stop, the server, the measurements so far, and what teardown must close.
// Every phase reads it; each field has one writer (named on the field).

import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Target } from '../client/connection.js';
import type { SessionScript } from '../client/session/runner.js';
import type { ProbeWindow } from '../analysis/memory.js';
import type { Config } from '../config/types.js';
import type { Boundary } from '../model/evidence.js';
import type { EvidenceSource, SourceTargets } from '../probe/evidence-source.js';
import type { SocketHolderWatch } from '../probe/socket-holders.js';
import type { NetworkProxy } from '../net/proxy-thread.js';
import type { PhaseName, PhaseSpan, ScenarioId, ServerInfo, StopInfo } from '../model/report.js';
import type { ExactSignals } from '../probe/exact-signals.js';
import type { ResourceSampler } from '../probe/sampler.js';
import { hostileNotRun } from '../scenarios/hostile.js';
import { emptyLoadResult, loadSpecOf } from '../scenarios/load.js';
import type { RunMeasurements } from '../analysis/checks.js';
import { adapterFor, targetFor } from '../client/protocols/registry.js';
import { proxiedTarget } from '../net/target.js';
import { emptyRecoveryResult } from '../scenarios/recovery.js';
import { LaunchedServer, type ServerHandle } from '../server/handle.js';
import type { LaunchOptions } from '../server/server-process.js';

/** Thrown inside a phase to end the run early with a reason; the runner catches it. */
export class StopRun extends Error {
  constructor(readonly info: StopInfo) {
    super(info.message);
  }
}

/** The idle window the baseline needs: at least 500 ms and three samples. */
export function baselineWindowMs(sampleIntervalMs: number): number {
  return Math.max(500, 3 * sampleIntervalMs);
}

/** One evidence source's run: what it found to read, its readings so far, and why it stopped (null: it did not). */
export interface SourceRun {
  source: EvidenceSource;
  targets: SourceTargets | null;
  boundaries: Boundary[];
  /** Settles once the counts of every reading taken so far are in `boundaries` (or stopped it); never rejects. */
  counted: Promise<void>;
  stopped: string | null;
}

/**
 * The evidence sources of a run and the watch on which processes serve; `found`: the processes were chosen;
 * `finished`: the evidence was read into the results.
 */
export interface EvidenceRun {
  sources: SourceRun[];
  watch: SocketHolderWatch | null;
  found: boolean;
  finished: boolean;
}

/** How a run is set up besides its configuration. */
export interface RunOptions {
  /** One line per phase, for people watching. */
  progress?: (line: string) => void;
  /** Starts the server; tests give a stand-in. */
  launcher?: (options: LaunchOptions) => Promise<ServerHandle>;
  /** Where the launched server's output goes (the configured server-log, or a temporary file). */
  serverLogPath?: string;
}

export class RunContext {
  readonly origin = performance.now();
  readonly startedAt = new Date().toISOString();
  /** Aborts everything in flight when the run stops; connections listen to it. */
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private stopInfo: StopInfo | null = null;
  private current: PhaseName = 'startup';
  readonly phases: PhaseSpan[] = [];
  readonly progress: (line: string) => void;
  readonly launcher: (options: LaunchOptions) => Promise<ServerHandle>;
  readonly serverLogPath: string;

  /** Written by startup: the server launched or attached. */
  server: ServerHandle | null = null;
  /**
   * Written by startup: the endpoint that accepted the first handshake (the address that answered, for localhost,
   * and a fallback subprotocol the server took). Connections use `serverTarget()` or `loadTarget()`, derived from it.
   */
  ready: Target | null = null;
  /** Written by startup: settles when `serverInfo.protocol` is known (detection runs alongside the warm-up). */
  protocolSettled: Promise<void> = Promise.resolve();
  /** Written by startup, with the protocol: what every load client says once connected (its opening, the session's steps). */
  loadSession: SessionScript | null = null;
  /** Written by the warm-up: the session its connections spoke (null: raw clients); undefined before it ran. */
  warmedWith: SessionScript | null | undefined = undefined;
  /** Written by startup. */
  sampler: ResourceSampler | null = null;
  /** Written by baseline. */
  exactSignals: ExactSignals | null = null;
  readonly serverInfo: ServerInfo;
  readonly results: Pick<
    RunMeasurements,
    'flapping' | 'leak' | 'recovery' | 'hostile' | 'evidence' | 'memoryJudge' | 'faults' | 'trendPoints'
  >;
  /** Written by the network row: the proxy that injects the network faults in front of the server; null without any. */
  network: NetworkProxy | null = null;
  /** What the phases opened that must outlive them, in the order they opened it; teardown closes it in reverse. */
  private readonly closings: Array<{ label: string; close: () => Promise<void> | void }> = [];
  /** Written by idleWithEvidence: the longest an evidence reading took so far, to start the next one in time. */
  evidenceMs = 0;
  /**
   * Appended by each evidence reading (and a warm-up made late, in the baseline): where the gate's own doing disturbed
   * the server's memory; those samples are left out of the memory figures, and what a reading added off later ones.
   */
  readonly probeWindows: ProbeWindow[] = [];
  /** The leak evidence sources of the run; null when none is read. */
  evidence: EvidenceRun | null = null;
  /** Written by close: the end of the phase running now. */
  private phaseEnd = endOfPhase();
  private readonly loadEnd = endOfPhase();

  constructor(
    readonly config: Config,
    options: RunOptions = {},
  ) {
    this.progress = options.progress ?? (() => {});
    this.launcher = options.launcher ?? ((launch) => LaunchedServer.launch(launch));
    this.serverLogPath = options.serverLogPath ?? config.server.logPath ?? 'server.log';
    this.signal = this.controller.signal;
    // Every connection in flight listens to this one signal: hundreds of clients are by design, not a leak.
    setMaxListeners(0, this.signal);
    const launching = config.server.command !== null;
    this.serverInfo = {
      mode: launching ? 'launch' : 'attach',
      command: config.server.command,
      url: config.client.url,
      pid: config.server.pid,
      pidSource: config.server.pid !== null ? 'server-pid' : null,
      readyAfterMs: null,
      exit: null,
      logPath: null,
      logTail: [],
      pidsSeen: [],
      processes: [],
      survivors: [],
    };
    const enabled = (id: ScenarioId): boolean => config.scenarios.includes(id);
    this.results = {
      flapping: emptyLoadResult(loadSpecOf(config, 'flapping'), enabled('flapping')),
      leak: emptyLoadResult(loadSpecOf(config, 'leak'), enabled('leak')),
      recovery: emptyRecoveryResult(config.recovery, enabled('recovery')),
      hostile: hostileNotRun(enabled('hostile'), enabled('hostile') ? 'the run stopped before the hostile scenario' : 'not selected'),
      evidence: [],
      memoryJudge: null,
      faults: { network: null, deadPeers: null, slowConsumer: null },
      trendPoints: [],
    };
  }

  /** Milliseconds since the run started. */
  elapsed(): number {
    return Math.round(performance.now() - this.origin);
  }

  get phase(): PhaseName {
    return this.current;
  }

  get stopped(): StopInfo | null {
    return this.stopInfo;
  }

  /** Ends the run early; the first reason wins, later ones (teardown noise) are ignored. */
  stop(reason: StopInfo['reason'], message: string): void {
    if (this.stopInfo) return;
    this.stopInfo = { phase: this.current, reason, message };
    this.controller.abort(new StopRun(this.stopInfo));
  }

  /** Records a stop that a phase threw, unless an earlier one was recorded. */
  recordStop(info: StopInfo): void {
    if (!this.stopInfo) this.stopInfo = info;
    if (!this.controller.signal.aborted) this.controller.abort(new StopRun(info));
  }

  throwIfStopped(): void {
    if (this.stopInfo) throw new StopRun(this.stopInfo);
  }

  /** Closes the current phase's span and opens the next one. */
  enter(name: PhaseName, line?: string): void {
    this.endSpan();
    if (!UP_TO_THE_LOAD.has(name)) this.loadEnd.resolve();
    this.phases.push({ name, startMs: this.elapsed(), endMs: this.elapsed() });
    this.current = name;
    if (line) this.progress(`▶ ${name}: ${line}`);
  }

  /** Closes the last phase's span (the run is over, whether or not the load ran to its end). */
  close(): void {
    this.endSpan();
    this.loadEnd.resolve();
  }

  private endSpan(): void {
    const last = this.phases.at(-1);
    if (last) last.endMs = this.elapsed();
    const ended = this.phaseEnd;
    this.phaseEnd = endOfPhase();
    ended.resolve();
  }

  /**
   * Resolves once the gate's own work disturbs no measurement of the load: when the phase running now has ended and,
   * up to the load's end, only once the load is over (the cooldown's idle window entered, or the run closed).
   */
  quietForOwnWork(): Promise<void> {
    return UP_TO_THE_LOAD.has(this.current) ? this.loadEnd.ended : this.phaseEnd.ended;
  }

  /** Waits ms unless the run stops meanwhile; never throws (the runner checks the stop after each phase). */
  async idle(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.signal }).catch(() => undefined);
  }

  /**
   * The server itself, speaking the settled protocol (its subprotocol offered), not through the fault proxy: for
   * the warm-up and the scenarios that bring their own proxy. Before the protocol settles, the ready endpoint as is.
   */
  serverTarget(): Target {
    if (!this.ready) throw new Error(`phase ${this.current} needs the server's address, which startup sets`);
    const protocol = this.serverInfo.protocol;
    return protocol ? targetFor(this.ready, adapterFor(protocol.id)) : this.ready;
  }

  /** Where every load connection goes: the server, through the network faults' proxy when there is one. */
  loadTarget(): Target {
    return this.network ? proxiedTarget(this.serverTarget(), this.network) : this.serverTarget();
  }

  /**
   * Registers the closing of something a phase opened that must outlive it (the server, the sampler, the fault
   * proxy, the heap snapshots' directory). `label` says what the closing does ("stopping the server"): teardown
   * names it in its progress line, and in the warning when it fails.
   */
  defer(label: string, close: () => Promise<void> | void): void {
    this.closings.push({ label, close });
  }

  /** What teardown will close, in the order it will close it. */
  pendingClosings(): string[] {
    return this.closings.map((c) => c.label).reverse();
  }

  /**
   * Teardown: the deferred closings, last opened first. Each one runs whatever the ones before it did: a failure
   * is a warning naming its label, never a reason to leave the rest (the server tree) open.
   */
  async closeAll(): Promise<void> {
    for (const { label, close } of this.closings.splice(0).reverse()) {
      try {
        await close();
      } catch (err) {
        this.progress(`⚠ ${label} failed: ${(err as Error).message}`);
      }
    }
  }

  /** Everything measured so far, for the report. */
  measurements(): RunMeasurements {
    return { server: this.serverInfo, stopped: this.stopInfo, phases: this.phases, ...this.results };
  }
}

/** A promise of a phase's end and what resolves it. */
/** The phases up to the end of the load: the gate's own CPU there would show in the timings and samples. */
const UP_TO_THE_LOAD: ReadonlySet<PhaseName> = new Set<PhaseName>(['startup', 'warmup', 'network', 'baseline', 'flapping', 'leak']);

function endOfPhase(): { ended: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const ended = new Promise<void>((r) => (resolve = r));
  return { ended, resolve };
}
