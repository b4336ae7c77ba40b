// What a phase is: a name, when it runs, and what it does to the run. The runner walks a table of them.

import type { Config } from '../config/types.js';
import type { PhaseName } from '../model/report.js';
import type { RunContext } from './context.js';

export interface Phase {
  name: PhaseName;
  /** False skips the phase (a scenario the user turned off, a warm-up of zero connections). */
  enabled(config: Config): boolean;
  /**
   * The progress line when the phase starts (what earlier phases learnt, such as the protocol, is in `run`); none
   * when the phase speaks for itself.
   */
  describe?(config: Config, run: RunContext): string;
  /** Does the phase's work. A stop ends it early: it returns (or throws StopRun) and the runner tears down. */
  run(run: RunContext): Promise<void>;
}
