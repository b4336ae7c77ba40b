// The inputs that name files and folders: read or checked once, before anything starts, so a wrong path is bad input.

import { readFileSync, statSync } from 'node:fs';
import { SESSION_MAX_BYTES, type SessionFile } from './session.js';
import { ConfigError } from './types.js';

/** Largest ca-file read: a bundle of every public CA is about 250 KB. */
const CA_FILE_MAX_BYTES = 5 * 1024 * 1024;

/**
 * The PEM text of ca-file, read once before anything starts so a wrong path is bad input (one line naming
 * the input), not a wss:// handshake that fails at every attempt until startup-timeout-s.
 */
export function readCaFile(path: string): string | null {
  if (path === '') return null;
  const accepted = (why: string): string => `the path of a readable PEM file of CA certificates (${why})`;
  let text: string;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new ConfigError('ca-file', path, accepted('not a file'));
    if (stat.size > CA_FILE_MAX_BYTES)
      throw new ConfigError('ca-file', path, accepted(`larger than ${CA_FILE_MAX_BYTES / 1024 / 1024} MB`));
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError('ca-file', path, accepted(code === 'ENOENT' ? 'no such file' : (code ?? 'unreadable')));
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----'))
    throw new ConfigError('ca-file', path, accepted('no -----BEGIN CERTIFICATE----- in it'));
  return text;
}

/** The server's directory must exist before anything starts (only a launched server needs one). */
export function parseWorkingDirectory(path: string, launching: boolean): string {
  if (!launching) return path;
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    // reported below
  }
  if (!isDirectory) throw new ConfigError('working-directory', path, 'an existing directory (the server command runs there)');
  return path;
}

/**
 * session-file: `PATH` or `PATH#scenario`, read once before anything starts (at most SESSION_MAX_BYTES). Null when
 * the input is empty.
 */
export function readSessionFile(value: string): SessionFile | null {
  if (value === '') return null;
  const hash = value.lastIndexOf('#');
  const path = hash === -1 ? value : value.slice(0, hash);
  const scenario = hash === -1 || hash === value.length - 1 ? null : value.slice(hash + 1);
  const accepted = (why: string): string => `the path of a readable Artillery script, optionally followed by #scenario-name (${why})`;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new ConfigError('session-file', value, accepted('not a file'));
    if (stat.size > SESSION_MAX_BYTES)
      throw new ConfigError('session-file', value, accepted(`larger than ${SESSION_MAX_BYTES / 1024} KiB`));
    return { path, scenario, text: readFileSync(path, 'utf8') };
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError('session-file', value, accepted(code === 'ENOENT' ? 'no such file' : (code ?? 'unreadable')));
  }
}
