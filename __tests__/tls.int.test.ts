// wss:// with a self-signed certificate made for the test: trusted through ca-file, or unverified with
// insecure-tls; refused (fast, with what to change) without either; bad ca-file is bad input.

import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config/types.js';
import { parseConfig } from '../src/config/parse.js';
import { notPassed, runCli } from './helpers/cli-run.js';
import { ECHO_SERVER, QUICK, check, expectNothingLeftRunning, gate } from './helpers/gate-run.js';
import { selfSignedCert } from './helpers/certificate.js';
import { requireTool } from './helpers/tools.js';

const WSS_SERVER = fileURLToPath(new URL('./fixtures/wss-echo-server.js', import.meta.url));
const NO_OPENSSL = requireTool('openssl');
let CERT = '';
let KEY = '';
let dir = '';
/** A self-signed certificate (its own CA) for localhost, 127.0.0.1 and ::1, valid for a day. */
beforeAll(() => {
  if (!NO_OPENSSL) ({ cert: CERT, key: KEY, dir } = selfSignedCert('DNS:localhost,IP:127.0.0.1,IP:::1'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const wssServer = (url = 'wss://127.0.0.1:0/'): Record<string, string> => ({
  'server-command': `node ${JSON.stringify(WSS_SERVER)}`,
  'server-env': `TLS_CERT=${CERT}\nTLS_KEY=${KEY}`,
  url,
});

describe.skipIf(NO_OPENSSL)('wss:// with a self-signed certificate', () => {
  it('passes every default check through the CLI bundle when ca-file trusts the certificate (localhost URL)', async () => {
    const run = await runCli({ ...wssServer('wss://localhost:0/'), 'ca-file': CERT, expect: 'echo' });
    expect(run.code, run.stderr).toBe(0);
    const report = run.report!;
    expect(notPassed(report)).toEqual([]);
    expect(report.scenarios.recovery).toMatchObject({ pongsReceived: 3, messagesAnswered: 5, closedCleanly: true });
    expect(report.server.logTail.join('\n')).toContain('wss echo server listening');
    expect(report.config['ca-file']).toBe(CERT);
    expectNothingLeftRunning(report);
  });

  it('passes with insecure-tls: true and no CA', async () => {
    const report = await gate({ ...QUICK, ...wssServer(), 'insecure-tls': 'true', expect: 'echo' });
    // QUICK makes too few connections for some checks to judge: none may fail.
    expect(notPassed(report).filter((line) => !line.includes(': not-measured,'))).toEqual([]);
    expect(report.verdict).toBe('pass');
    expect(report.scenarios.recovery).toMatchObject({ messagesAnswered: 5, closedCleanly: true });
    expectNothingLeftRunning(report);
  });

  it('reads an https:// stats-url with the same trust as the WebSocket connections', async () => {
    const stats = { 'stats-url': 'https://127.0.0.1:0/stats' };
    const trusted = await gate({ ...QUICK, ...wssServer(), ...stats, 'ca-file': CERT });
    expect(check(trusted, 'session-growth')).toMatchObject({ status: 'pass', value: 0 });
    expect(trusted.signals.baseline!.sessions).toBe(0);
    const skipped = await gate({ ...QUICK, ...wssServer(), ...stats, 'insecure-tls': 'true' });
    expect(check(skipped, 'session-growth')).toMatchObject({ status: 'pass', value: 0 });
  });

  it('refuses the certificate without either, at the first handshake and saying what to set', async () => {
    const started = Date.now();
    const report = await gate({ ...QUICK, ...wssServer() });
    expect(Date.now() - started).toBeLessThan(10_000);
    const ready = check(report, 'server-ready');
    expect(ready.status).toBe('fail');
    expect(ready.detail).toMatch(/TLS handshake with wss:\/\/127\.0\.0\.1:\d+\/ failed: self[- ]signed certificate/);
    expect(ready.detail).toContain('set ca-file');
    expect(report.stopped).toMatchObject({ reason: 'startup-failed', phase: 'startup' });
    expectNothingLeftRunning(report);
  });

  it('says that a plain ws server does not speak TLS when the URL is wss://', async () => {
    const report = await gate({ ...QUICK, 'server-command': `node ${JSON.stringify(ECHO_SERVER)}`, url: 'wss://127.0.0.1:0/' });
    expect(check(report, 'server-ready').detail).toContain('does not speak TLS on this port: use a ws:// URL');
    expectNothingLeftRunning(report);
  });

  it('trusts a wrong CA no more than none', async () => {
    // Another self-made CA, valid for the same address: not the one that signed the server's certificate.
    const other = selfSignedCert();
    try {
      const report = await gate({ ...QUICK, ...wssServer(), 'ca-file': other.cert });
      expect(check(report, 'server-ready').detail).toMatch(/TLS handshake .* failed/);
      expectNothingLeftRunning(report);
    } finally {
      rmSync(other.dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(NO_OPENSSL)('ca-file and insecure-tls as input', () => {
  const URL_ONLY = { url: 'wss://127.0.0.1:8443/' };

  it('reads the PEM text once, before anything starts', () => {
    const config = parseConfig({ ...URL_ONLY, 'ca-file': CERT });
    expect(config.client.ca).toContain('-----BEGIN CERTIFICATE-----');
    expect(config.client.insecureTls).toBe(false);
    expect(parseConfig({ ...URL_ONLY, 'insecure-tls': 'TRUE' }).client).toMatchObject({ ca: null, insecureTls: true });
  });

  it.each([
    ['a missing file', () => join(dir, 'missing.pem'), 'no such file'],
    ['a directory', () => dir, 'not a file'],
    ['a key instead of a certificate', () => KEY, 'no -----BEGIN CERTIFICATE----- in it'],
    ['an empty file', () => (writeFileSync(join(dir, 'empty.pem'), ''), join(dir, 'empty.pem')), 'no -----BEGIN CERTIFICATE----- in it'],
  ])('refuses %s with one line naming ca-file and the path', (_name, path, why) => {
    const given = path();
    expect(() => parseConfig({ ...URL_ONLY, 'ca-file': given })).toThrow(ConfigError);
    expect(() => parseConfig({ ...URL_ONLY, 'ca-file': given })).toThrow(
      `'ca-file' must be the path of a readable PEM file of CA certificates (${why}), got '${given}'`,
    );
  });

  it('the CLI exits 2 on a missing ca-file, before starting the server', async () => {
    const marker = join(dir, 'started');
    const run = await runCli({
      'server-command': `touch ${JSON.stringify(marker)}`,
      url: 'wss://127.0.0.1:0/',
      'ca-file': join(dir, 'nope.pem'),
    });
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      `ws-resilience-gate: 'ca-file' must be the path of a readable PEM file of CA certificates (no such file), got ` +
        `'${join(dir, 'nope.pem')}'`,
    );
    expect(run.report).toBeNull();
    expect(() => execFileSync('test', ['-e', marker])).toThrow();
  });
});
