// Keeps secrets (header values) out of reports, even when the server prints or echoes them back.

/** Secrets shorter than this are not searched for: replacing "1" everywhere would wreck the report. */
export const MIN_SECRET_LENGTH = 4;

/** A deep copy of `value` with every occurrence of each secret in every string replaced by ***. */
export function redactSecrets<T>(value: T, secrets: readonly string[]): T {
  const wanted = [...new Set(secrets.filter((s) => s.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
  if (wanted.length === 0) return value;
  const redact = (text: string): string => wanted.reduce((t, secret) => t.split(secret).join('***'), text);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redact(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
