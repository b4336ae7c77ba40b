// One run's exact leak signals: read at baseline and after cooldown, with what made any of them n/a.

import type { Config } from '../config/types.js';
import type { SignalReading } from '../model/report.js';
import { readSignals } from './proc-signals.js';
import { readSessions } from './stats-url.js';

export class ExactSignals {
  baseline: SignalReading | null = null;
  after: SignalReading | null = null;
  /** Why a signal could not be read (a stats-url error), one line each. */
  readonly notes: string[] = [];

  /**
   * @param port the server's port (port 0 of the url already replaced)
   * @param listTree lists the server tree now; null when no pid is known
   */
  constructor(
    private readonly config: Config,
    private readonly port: number,
    private readonly listTree: (() => Promise<number[]>) | null,
  ) {}

  async readBaseline(): Promise<void> {
    this.baseline = await this.read();
  }

  async readAfter(): Promise<void> {
    this.after = await this.read();
  }

  /** A reading now, kept nowhere: the hostile phase reads before and after its cases. */
  readNow(): Promise<SignalReading> {
    return this.read();
  }

  /** Both readings and the notes, as the report's analysis takes them. */
  readings(): { baseline: SignalReading | null; after: SignalReading | null; notes: string[] } {
    return { baseline: this.baseline, after: this.after, notes: [...this.notes] };
  }

  private async read(): Promise<SignalReading> {
    const pids = this.listTree ? await this.listTree() : [];
    const reading: SignalReading = { ...(await readSignals(pids, this.port)), sessions: null };
    const { stats, client } = this.config;
    if (stats.url) {
      try {
        reading.sessions = await readSessions(statsUrlFor(stats.url, this.port), stats.field, client.connectTimeoutMs, {
          ca: client.ca,
          rejectUnauthorized: !client.insecureTls,
        });
      } catch (err) {
        this.notes.push(`stats-url: ${(err as Error).message}`);
      }
    }
    return reading;
  }
}

/** Port 0 in stats-url means the server's own port (which port 0 in url may have picked). */
export function statsUrlFor(statsUrl: string, serverPort: number): string {
  const stats = new URL(statsUrl);
  if (stats.port === '0') stats.port = String(serverPort);
  return stats.toString();
}
