// The heap evidence inputs (proposed for inputs.ts): their defaults, descriptions and one pure parser.

import { ConfigError } from './types.js';

/** Name -> default and the description action.yml would carry. */
export const HEAP_INPUTS = {
  'heap-snapshots': {
    default: 'auto',
    description:
      'auto: take V8 heap snapshots of a Node server (after warm-up, each leak round and cooldown) and name what it retains per connection; off: never.',
  },
  'max-retained-per-connection': {
    default: '0.5',
    description:
      'Fail when a constructor grows by at least this many instances per connection, steadily across rounds (and by 20 or more in all); off: report only.',
  },
  'heap-ignore': {
    default: '',
    description: 'Comma-separated constructor or native type names that are bounded caches in your server: never reported as leaks.',
  },
  'heap-snapshot-dir': {
    default: '',
    description:
      'Keep the heap snapshots in this directory (they hold the server memory: tokens, user data). Empty: a private temporary directory, deleted after reading.',
  },
  'heap-snapshot-timeout-s': {
    default: '60',
    description: 'Seconds to wait for one heap snapshot to be written before giving up on heap evidence.',
  },
  'heap-snapshot-max-mb': {
    default: '512',
    description:
      'No heap snapshot of a server process whose RSS is above this many MB: writing one pauses the server and can double its memory.',
  },
} as const;

export type HeapInputName = keyof typeof HEAP_INPUTS;

/** The heap evidence settings, validated. */
export interface HeapConfig {
  enabled: boolean;
  /** null: growth is reported, never a failure. */
  maxRetainedPerConnection: number | null;
  ignore: string[];
  /** Where to keep snapshots; null: a private temporary directory, removed after the run. */
  keepDir: string | null;
  timeoutMs: number;
  maxRssBytes: number;
}

function number(name: HeapInputName, text: string, min: number, max: number): number {
  const value = /^[+]?(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value) || value < min || value > max) throw new ConfigError(name, text, `a number from ${min} to ${max}`);
  return value;
}

/**
 * Parses the heap inputs; `get` returns the raw text of one (the default when the user gave none). Throws a
 * ConfigError naming the first bad input.
 */
export function parseHeapConfig(get: (name: HeapInputName) => string): HeapConfig {
  const value = (name: HeapInputName): string => get(name).trim();
  const mode = value('heap-snapshots').toLowerCase();
  if (mode !== 'auto' && mode !== 'off') throw new ConfigError('heap-snapshots', get('heap-snapshots'), 'auto or off');
  const limitText = value('max-retained-per-connection');
  const maxRetainedPerConnection =
    limitText.toLowerCase() === 'off'
      ? null
      : (() => {
          try {
            return number('max-retained-per-connection', limitText, 0.01, 1000);
          } catch {
            throw new ConfigError('max-retained-per-connection', limitText, 'a number from 0.01 to 1000, or off');
          }
        })();
  const dir = value('heap-snapshot-dir');
  return {
    enabled: mode === 'auto',
    maxRetainedPerConnection,
    ignore: [
      ...new Set(
        value('heap-ignore')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ),
    ],
    keepDir: dir === '' ? null : dir,
    timeoutMs: number('heap-snapshot-timeout-s', value('heap-snapshot-timeout-s'), 1, 3600) * 1000,
    maxRssBytes: number('heap-snapshot-max-mb', value('heap-snapshot-max-mb'), 1, 1_048_576) * 1024 * 1024,
  };
}
