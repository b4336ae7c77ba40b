// A self-signed certificate for the wss:// tests, made at test time with openssl.

import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A self-signed certificate (its own CA), valid for a day, as PEM files in a new temp directory the caller
 * removes; `names` is its subjectAltName (default the loopback IP).
 */
export function selfSignedCert(names = 'IP:127.0.0.1'): { cert: string; key: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ws-gate-cert-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const subject = ['-subj', '/CN=ws-resilience-gate test', '-addext', `subjectAltName=${names}`];
  const args = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', ...subject];
  execFileSync('openssl', args, { stdio: 'ignore' });
  return { cert, key, dir };
}
