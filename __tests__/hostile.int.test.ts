// The hostile scenario against real servers over loopback: four healthy implementations survive every case,
// a server that decodes text with a throwing decoder crashes (and the check names the case), and a server
// without a size limit shows the 16 MiB it kept.

import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { judgeHostile } from '../src/analysis/hostile.js';
import { HOSTILE_CASE_IDS, outcomeText, type HostileResult } from '../src/model/hostile.js';
import { recoveryPassed } from '../src/analysis/recovery.js';
import { adapterFor } from '../src/client/protocols/registry.js';
import { parseConfig } from '../src/config/parse.js';
import { runHostile, type HostileSpec } from '../src/scenarios/hostile.js';
import { runRecovery } from '../src/scenarios/recovery.js';
import { ROOT } from './helpers/gate-run.js';
import { selfSignedCert } from './helpers/certificate.js';
import { expectNothingAdded, settledResourceCounts, unhandledRejectionsCollected } from './helpers/resources.js';
import { NODE, fixturePath, testServers, type TestServer } from './helpers/test-server.js';

const SERVERS = {
  ws: `${NODE} ${JSON.stringify(join(ROOT, 'examples/echo-server.js'))}`,
  'socket.io': `${NODE} ${JSON.stringify(join(ROOT, 'examples/socketio/server.js'))}`,
  faye: `${NODE} ${fixturePath('faye-echo-server.js')}`,
  'python websockets': `/usr/bin/python3 ${JSON.stringify(join(ROOT, 'examples/python/echo_server.py'))}`,
} as const;
const PATHS: Partial<Record<keyof typeof SERVERS, string>> = { 'socket.io': '/socket.io/?EIO=4&transport=websocket' };

const SPEC: HostileSpec = { maxBytes: 16 * 1024 * 1024, pings: 1000 };
const MiB = 1024 * 1024;

const { start: startServer } = testServers();

/** Recovery's exchange at its defaults, held for no time, in the server's protocol: what the phase tries after each case. */
const RECOVERY = { ...parseConfig({ url: 'ws://127.0.0.1:1/' }).recovery, holdMs: 0 };

function probesFor(r: TestServer, protocol: 'raw' | 'socket.io' = 'raw') {
  const signal = new AbortController().signal;
  return {
    signal,
    isServerAlive: r.running,
    readMemory: r.rss,
    servesSession: async () => {
      const session = await runRecovery(RECOVERY, r.target, signal, adapterFor(protocol));
      return recoveryPassed(session) ? null : session.problems.join('; ');
    },
  };
}

function table(name: string, result: HostileResult): string {
  const rows = result.cases.map(
    (c) =>
      `  ${c.id.padEnd(20)} ${outcomeText(c).padEnd(48)} ${c.matchesRfc ? 'rfc' : '---'} ${c.ms.toFixed(1).padStart(7)} ms ` +
      `${((c.memoryGrowthBytes ?? 0) / MiB).toFixed(1).padStart(6)} MiB`,
  );
  const mem = result.memoryGrowthBytes === null ? 'n/a' : `${(result.memoryGrowthBytes / MiB).toFixed(1)} MiB`;
  const { beforeBytes, afterBytes } = result.memory;
  const end = beforeBytes !== null && afterBytes !== null ? `${((afterBytes - beforeBytes) / MiB).toFixed(1)} MiB` : 'n/a';
  return (
    `${name}: ${result.durationMs} ms, memory peak +${mem}, end +${end}, served during stalls ` +
    `${result.servedOthersDuringStalls.succeeded}/${result.servedOthersDuringStalls.tried}\n${rows.join('\n')}`
  );
}

describe('healthy servers survive every hostile case', () => {
  for (const [name, command] of Object.entries(SERVERS) as Array<[keyof typeof SERVERS, string]>) {
    it(name, async () => {
      const r = await startServer(command, { path: PATHS[name] ?? '/' });
      const result = await runHostile(SPEC, r.target, probesFor(r, name === 'socket.io' ? 'socket.io' : 'raw'));
      console.log(table(name, result));
      expect(result.cases.map((c) => c.id)).toEqual([...HOSTILE_CASE_IDS]);
      expect(result.serverSurvived).toBe(true);
      // A normal session after every case: none broke what the server does for everyone else.
      expect(result.brokenAfter).toBeUndefined();
      expect(result.stillAccepting).toBe(true);
      for (const c of result.cases) {
        expect(c.outcome, c.id).not.toMatch(c.id === 'garbage-handshake' ? /crashed|not-run/ : /crashed|not-run|refused/);
        expect(c.acceptingAfter, c.id).toBe(true);
      }
      expect(result.servedOthersDuringStalls).toEqual({ tried: 2, succeeded: 2 });
      // The budget is 5 s; the assertion leaves three times that for a loaded machine.
      expect(result.durationMs).toBeLessThan(15_000);
      // The proposed default limit: healthy servers taking a 16 MiB message grew by up to 60 MiB (faye).
      const judged = judgeHostile(result, { maxMemoryGrowthMb: 100, strict: false });
      expect(judged.failures).toEqual([]);
      expect(judged.outcome).not.toBe('fail');
      expect(r.running()).toBe(true);
    });
  }
});

describe('over TLS', () => {
  let cert: ReturnType<typeof selfSignedCert> | null = null;
  afterAll(() => cert && rmSync(cert.dir, { recursive: true, force: true }));

  it('a wss:// echo server survives every case, the broken handshakes sent inside TLS', async () => {
    cert = selfSignedCert();
    const r = await startServer(`${NODE} ${fixturePath('wss-echo-server.js')}`, {
      scheme: 'wss',
      env: { TLS_CERT: cert.cert, TLS_KEY: cert.key },
      target: { ca: readFileSync(cert.cert, 'utf8') },
    });
    const result = await runHostile(SPEC, r.target, probesFor(r));
    console.log(table('ws over TLS', result));
    expect(result).toMatchObject({ serverSurvived: true, stillAccepting: true, servedOthersDuringStalls: { tried: 2, succeeded: 2 } });
    expect(result.cases.find((c) => c.id === 'invalid-utf8')).toMatchObject({ outcome: 'closed', code: 1007, matchesRfc: true });
    expect(result.cases.find((c) => c.id === 'garbage-handshake')).toMatchObject({ outcome: 'refused', httpStatus: 400 });
    for (const c of result.cases) expect(c.acceptingAfter, c.id).toBe(true);
  });
});

describe('servers that hostile input hurts', () => {
  it('a server whose text decoder throws crashes on invalid UTF-8, and the check names the case', async () => {
    const r = await startServer(`${NODE} ${fixturePath('hostile-crash-server.js')}`);
    const result = await runHostile(SPEC, r.target, probesFor(r));
    console.log(table('crash fixture', result));
    expect(result.serverSurvived).toBe(false);
    expect(result.crashedDuring).toBe('invalid-utf8');
    expect(result.cases[0]).toMatchObject({ id: 'invalid-utf8', outcome: 'crashed', matchesRfc: false, acceptingAfter: false });
    expect(result.cases.slice(1).every((c) => c.outcome === 'not-run')).toBe(true);
    expect(r.running()).toBe(false);
    const judged = judgeHostile(result, { maxMemoryGrowthMb: 64, strict: false });
    expect(judged.outcome).toBe('fail');
    expect(judged.failures[0]).toContain("'invalid-utf8'");
    expect(judged.measured).toBe('crashed (invalid-utf8)');
  });

  it('a server without a size limit keeps the whole oversized message, and its memory shows it', async () => {
    const r = await startServer(`${NODE} ${fixturePath('hostile-buffering-server.js')}`);
    const result = await runHostile(SPEC, r.target, probesFor(r));
    console.log(table('buffering fixture', result));
    // Taking it whole is within its own (raised) limit: what shows the buffering is the memory it grew by.
    const big = result.cases.find((c) => c.id === 'oversized-message')!;
    expect(big).toMatchObject({ outcome: 'kept-open', bytesSent: SPEC.maxBytes, matchesRfc: true });
    console.log(`buffering fixture: oversized-message grew the server by ${(big.memoryGrowthBytes! / MiB).toFixed(1)} MiB`);
    expect(big.memoryGrowthBytes).toBeGreaterThanOrEqual(SPEC.maxBytes);
    expect(result.serverSurvived).toBe(true);
    const judged = judgeHostile(result, { maxMemoryGrowthMb: 8, strict: false });
    expect(judged.outcome).toBe('fail');
    expect(judged.failures.join('\n')).toContain("most during 'oversized-message'");
  });
});

describe('nothing of ours stays open', () => {
  const rejections = unhandledRejectionsCollected();

  it('after a full run, a crash, and a run stopped by its signal in the middle of the stalled handshakes', async () => {
    const healthy = await startServer(SERVERS.ws);
    const crashing = await startServer(`${NODE} ${fixturePath('hostile-crash-server.js')}`);
    const before = await settledResourceCounts();

    await runHostile(SPEC, healthy.target, probesFor(healthy));
    await runHostile(SPEC, crashing.target, probesFor(crashing));
    const controller = new AbortController();
    const stopAt = setTimeout(() => controller.abort(), 300);
    const start = performance.now();
    const stalls = { ...SPEC, cases: ['slow-handshake', 'garbage-handshake'] as const };
    const stopped = await runHostile(stalls, healthy.target, { ...probesFor(healthy), signal: controller.signal });
    clearTimeout(stopAt);
    const elapsed = performance.now() - start;

    expectNothingAdded(before, await settledResourceCounts());
    expect(rejections).toEqual([]);
    // The stalls hold for close-timeout-ms (2 s) unless the signal ends them.
    expect(elapsed).toBeLessThan(1500);
    expect(stopped.notes).toContain('the run was stopped');
    expect(stopped.cases.map((c) => [c.id, c.outcome, c.detail])).toEqual([
      ['slow-handshake', 'not-run', 'the run was stopped during the case'],
      ['garbage-handshake', 'not-run', 'the run was stopped during the case'],
    ]);
  });
});
