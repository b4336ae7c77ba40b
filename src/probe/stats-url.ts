// Sessions a server reports about itself: one numeric field of a JSON document at `stats-url`.

import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';

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
export async function readSessions(url: string, field: string, timeoutMs: number): Promise<number> {
  const { status, text } = await getText(url, timeoutMs);
  if (status < 200 || status >= 300) throw new Error(`HTTP ${status} from ${url}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${url} did not return JSON: ${text.slice(0, 80)}`);
  }
  return numberAt(json, field);
}

/** One GET without keep-alive (no pooled socket outlives the call). */
function getText(url: string, timeoutMs: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const get = url.startsWith('https:') ? httpsGet : httpGet;
    const request = get(url, { agent: false, headers: { accept: 'application/json', connection: 'close' }, timeout: timeoutMs }, (response) => {
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
