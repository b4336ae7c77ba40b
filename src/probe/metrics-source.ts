// Prometheus metrics as leak evidence, for any runtime and in attach mode too: the page at `metrics-url` is read
// at each boundary (a timeout and a size cap), and every gauge that counts something (goroutines, open fds,
// handles, threads, the app's own) is a series for the same diff as the heap's classes.

import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import type { ClassCount, RetainerStep } from '../model/evidence.js';
import {
  EvidenceError,
  readingOf,
  type EvidenceSource,
  type ProcessReading,
  type ReadOptions,
  type Reading,
  type SourceTargets,
} from './evidence-source.js';
import { parseMetrics, seriesKey, type MetricsPage } from './prometheus-text.js';

/** A page larger than this is refused: a metrics page of a server is kilobytes; this bounds a hostile one. */
export const MAX_METRICS_BYTES = 4 * 1024 * 1024;

/**
 * Gauges whose name says they do not count things held: times, ratios, temperatures, build info. `_bytes` gauges
 * are read as bytes (listed by growth, never suspects: a byte figure read without a full GC is allocator noise).
 */
const NOT_COUNTS = /_(seconds|ratio|percent|celsius|info|timestamp|time|fraction|utilization)$/;

/**
 * Gauges that count garbage as well as what is held: Go's heap objects include every object not yet swept since
 * the last GC, so a clean server's count climbs with the connections made until its next cycle.
 */
export const METRICS_NOISE: readonly string[] = ['go_memstats_heap_objects'];

/** The absolute URL to read: a path alone means the server's own host and port, over http (https for wss). */
export function metricsUrlFor(metricsUrl: string, serverUrl: string): string {
  if (!metricsUrl.startsWith('/')) return metricsUrl;
  const server = new URL(serverUrl);
  const scheme = server.protocol === 'wss:' ? 'https:' : 'http:';
  return `${scheme}//${server.host}${metricsUrl}`;
}

/** The page's gauges as counts per series (pure): count gauges as counts, `_bytes` ones as bytes, the rest left out. */
export function gaugeCounts(page: MetricsPage, ignore: readonly string[] = []): ClassCount[] {
  const ignored = new Set([...METRICS_NOISE, ...ignore]);
  const out: ClassCount[] = [];
  for (const sample of page.samples) {
    if (page.types.get(sample.name) !== 'gauge' || !Number.isFinite(sample.value)) continue;
    const key = seriesKey(sample);
    if (ignored.has(sample.name) || ignored.has(key) || NOT_COUNTS.test(sample.name)) continue;
    const bytes = /_bytes$/.test(sample.name);
    out.push({ kind: 'gauge', name: key, count: bytes ? 0 : sample.value, bytes: bytes ? sample.value : 0 });
  }
  return out;
}

export interface MetricsOptions {
  /** The absolute URL (metricsUrlFor). */
  url: string;
  /** Series or metric names to leave out (metrics-ignore). */
  ignore: readonly string[];
  /** From the request to the whole page. */
  timeoutMs: number;
  /** https: what the WebSocket connections trust. */
  ca?: string | null;
  rejectUnauthorized?: boolean;
}

export class MetricsSource implements EvidenceSource {
  readonly id = 'metrics' as const;

  constructor(private readonly options: MetricsOptions) {}

  launchEnv(env: Readonly<Record<string, string>>): Record<string, string> {
    return { ...env };
  }

  /** One read now: a page that does not answer, or has no gauge, is said at once rather than at the end. */
  async find(): Promise<SourceTargets> {
    try {
      const counts = gaugeCounts(await this.page(this.options.timeoutMs), this.options.ignore);
      if (counts.length === 0) return { processes: [], readable: false, reason: `${this.options.url} has no gauge` };
      return { processes: [], readable: true, reason: null };
    } catch (err) {
      return { processes: [], readable: false, reason: (err as Error).message };
    }
  }

  async read(options: ReadOptions): Promise<Reading> {
    return readingOf(await this.counts(options));
  }

  private async counts(options: ReadOptions): Promise<ProcessReading[]> {
    const started = performance.now();
    const page = await this.page(Math.min(options.timeoutMs, this.options.timeoutMs), options.signal);
    const takeMs = Math.round(performance.now() - started);
    return [{ pid: null, classes: gaugeCounts(page, this.options.ignore), totalBytes: null, takeMs, readMs: 0 }];
  }

  async explain(): Promise<Map<string, RetainerStep[] | null>> {
    return new Map();
  }

  async dispose(): Promise<void> {}

  private async page(timeoutMs: number, signal?: AbortSignal): Promise<MetricsPage> {
    const text = await fetchCapped(this.options, timeoutMs, signal);
    try {
      return parseMetrics(text);
    } catch (err) {
      throw new EvidenceError(`${this.options.url} is not a Prometheus text page: ${(err as Error).message}`);
    }
  }
}

/** One GET without keep-alive, ended at timeoutMs or at MAX_METRICS_BYTES, whichever comes first. */
export function fetchCapped(options: MetricsOptions, timeoutMs: number, signal?: AbortSignal): Promise<string> {
  const { url } = options;
  return new Promise((resolve, reject) => {
    const https = url.startsWith('https:');
    const request = (https ? httpsGet : httpGet)(
      url,
      {
        agent: false,
        headers: { accept: 'text/plain;version=0.0.4', connection: 'close' },
        signal,
        ...(https && options.ca ? { ca: options.ca } : {}),
        ...(https && options.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
      },
      (response) => {
        if ((response.statusCode ?? 0) < 200 || (response.statusCode ?? 0) >= 300) {
          response.resume();
          request.destroy(new EvidenceError(`HTTP ${response.statusCode} from ${url}`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_METRICS_BYTES) request.destroy(new EvidenceError(`${url} sent more than ${MAX_METRICS_BYTES} bytes`));
          else chunks.push(chunk);
        });
        response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        response.on('error', reject);
      },
    );
    const timer = setTimeout(() => request.destroy(new EvidenceError(`no whole page from ${url} within ${timeoutMs} ms`)), timeoutMs);
    request.on('close', () => clearTimeout(timer));
    request.on('error', (err: NodeJS.ErrnoException) =>
      reject(err instanceof EvidenceError || err.name === 'AbortError' ? err : new EvidenceError(`${url}: ${err.code ?? err.message}`)),
    );
  });
}
