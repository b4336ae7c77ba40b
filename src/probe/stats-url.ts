// Sessions a server reports about itself: one numeric field of a JSON document at `stats-url`.

import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { rootCertificates } from 'node:tls';

/** Reads `field` (a dotted path such as `ws.sessions`) from `json`; throws when it is not a number. */
export function numberAt(json: unknown, field: string): number {
  let value: unknown = json;
  for (const key of field.split('.')) {
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`field '${field}' is ${value === undefined ? 'missing' : `not a number (${JSON.stringify(value)?.slice(0, 80)})`}`);
  }
  return value;
}

/** GETs the stats URL (bounded by timeoutMs) and returns the session count it reports. */
export async function readSessions(url: string, field: string, timeoutMs: number, tls: StatsTls = {}): Promise<number> {
  const { status, text } = await getText(url, timeoutMs, tls);
  if (status < 200 || status >= 300) throw new Error(`HTTP ${status} from ${url}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${url} did not return JSON: ${text.slice(0, 80)}`);
  }
  return numberAt(json, field);
}

/** https:// stats URLs trust what the WebSocket connections trust (ca-file, insecure-tls). */
export interface StatsTls {
  ca?: string | null;
  rejectUnauthorized?: boolean;
}

/** One GET without keep-alive (no pooled socket outlives the call). */
function getText(url: string, timeoutMs: number, tls: StatsTls): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const https = url.startsWith('https:');
    const get = https ? httpsGet : httpGet;
    const options = {
      agent: false as const,
      headers: { accept: 'application/json', connection: 'close' },
      timeout: timeoutMs,
      ...(https && tls.ca ? { ca: [...rootCertificates, tls.ca] } : {}),
      ...(https && tls.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
    };
    const request = get(url, options, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (text.length < 1_000_000) text += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    request.on('error', reject);
  });
}
