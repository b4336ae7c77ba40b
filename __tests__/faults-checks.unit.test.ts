// The fault checks from measured results: dead-peer reaping and slow-consumer memory, every outcome.

import { describe, expect, it } from 'vitest';
import { finalize } from '../src/analysis/check-draft.js';
import { deadPeerReapingCheck, slowConsumerMemoryCheck } from '../src/analysis/checks-faults.js';
import { parseConfig } from '../src/config/parse.js';
import type { DeadPeersResult, SlowConsumerResult } from '../src/model/faults.js';
import { clientOutcome } from '../src/scenarios/dead-peers.js';
import { memoryGrowth } from '../src/scenarios/slow-consumer.js';

const MB = 1024 * 1024;
const { value: defaultMb, explicit } = parseConfig({ url: 'ws://127.0.0.1:1/' }).limits.maxSlowConsumerGrowthMb;
const DEFAULT_LIMIT = { value: defaultMb!, explicit };

function deadPeers(over: Partial<DeadPeersResult>): DeadPeersResult {
  return {
    id: 'dead-peers',
    enabled: true,
    clients: 4,
    silenced: 4,
    connectFailures: {},
    reaped: 4,
    reapedLate: 0,
    stillOpen: 0,
    timeoutMs: 60_000,
    watchedMs: 60_000,
    perClient: [],
    reapMs: { count: 4, mean: 1500, p50: 1500, p95: 1900, p99: 1900, max: 1900 },
    lateMs: null,
    serverSideOpen: 0,
    stoppedEarly: false,
    durationMs: 2000,
    ...over,
  };
}

function slow(over: Partial<SlowConsumerResult>): SlowConsumerResult {
  return {
    id: 'slow-consumer',
    enabled: true,
    mode: 'echo',
    connected: true,
    messagesSent: 100,
    bytesSent: 64 * MB,
    serverBytesWhilePaused: 0,
    serverBytesAfter: 64 * MB,
    memoryBeforeBytes: 50 * MB,
    memoryPeakBytes: 60 * MB,
    memoryGrowthBytes: 10 * MB,
    serverClosed: false,
    serverPausedReading: true,
    endedBy: 'duration',
    durationMs: 10_000,
    ...over,
  };
}

describe('dead-peer-reaping', () => {
  it('passes when every silent client was reaped', () => {
    expect(deadPeerReapingCheck(deadPeers({}))).toMatchObject({
      outcome: 'pass',
      measured: '4/4 reaped (slowest 1.9 s)',
      limit: 'all within 60 s',
      value: 0,
    });
  });

  it('without a heartbeat: fails saying none reaped them within the watch past the limit, and the fix', () => {
    const check = deadPeerReapingCheck(deadPeers({ reaped: 1, stillOpen: 3, watchedMs: 120_000 }));
    expect(check).toMatchObject({
      outcome: 'fail',
      value: 3,
      detail:
        '3 dead connections not reaped within 120 s: no heartbeat; add a ping/pong heartbeat that closes a peer whose pong does not come',
    });
    expect(deadPeerReapingCheck(deadPeers({ reaped: 3, stillOpen: 1, watchedMs: 120_000 })).detail).toMatch(
      /^1 dead connection not reaped within 120 s: no heartbeat/,
    );
  });

  it('with a heartbeat slower than the limit: fails saying when it did reap them, and to shorten it or raise the limit', () => {
    const lateMs = { count: 4, mean: 62_003, p50: 62_003, p95: 62_006, p99: 62_006, max: 62_006 };
    const check = deadPeerReapingCheck(deadPeers({ reaped: 1, reapedLate: 4, silenced: 5, lateMs, watchedMs: 120_000 }));
    expect(check).toMatchObject({
      outcome: 'fail',
      value: 4,
      measured: '1/5 reaped (slowest 1.9 s), 4 late (after 62.0 s)',
      detail:
        '4 dead connections reaped after 62.0 s, later than the 60 s limit: shorten the heartbeat (ping interval plus pong timeout) or ' +
        'raise dead-peer-timeout-s',
    });
    expect(check.detail).not.toMatch(/no heartbeat|add a ping/);
    const spread = { ...lateMs, count: 2, p50: 61_200, max: 88_000 };
    const both = deadPeerReapingCheck(
      deadPeers({ reaped: 0, reapMs: null, reapedLate: 2, stillOpen: 2, lateMs: spread, watchedMs: 120_000 }),
    );
    expect(both.detail).toMatch(/^2 dead connections reaped after 61\.2 s–88\.0 s, later than the 60 s limit: .*; /);
    expect(both.detail).toMatch(/; 2 dead connections not reaped within 120 s: no heartbeat/);
  });

  it('is a warning at warn level, and not measured when the run stopped first', () => {
    expect(finalize(deadPeerReapingCheck(deadPeers({ reaped: 0, stillOpen: 4, reapMs: null })), 'warn').status).toBe('warn');
    const stopped = deadPeerReapingCheck(deadPeers({ reaped: 0, stillOpen: 4, reapMs: null, stoppedEarly: true, durationMs: 5200 }));
    expect(stopped).toMatchObject({ outcome: 'not-measured', detail: '4 dead connections still open when the run stopped (5.2 s)' });
  });

  it('fails when no client went silent, with the connect failures', () => {
    const check = deadPeerReapingCheck(deadPeers({ silenced: 0, reaped: 0, reapMs: null, connectFailures: { refused: 4 } }));
    expect(check).toMatchObject({ outcome: 'fail', measured: 'none', detail: 'no client completed the handshake (refused 4)' });
  });

  it('a client is reaped by the earlier of close frame and TCP close, within the timeout; late within the watch', () => {
    const s = (closeFrameAt: number | null, upstreamClosedAt: number | null) => ({
      client: 1,
      silentAt: 1000,
      closeFrameAt,
      pair: { upstreamClosedAt },
    });
    expect(clientOutcome(s(2000, 31_000), 5000)).toEqual({
      client: 1,
      reapedAfterMs: 1000,
      gaveUpAfterMs: 1000,
      closeFrameAfterMs: 1000,
      tcpClosedAfterMs: 30_000,
    });
    expect(clientOutcome(s(null, 1500), 5000)).toEqual({
      client: 1,
      reapedAfterMs: 500,
      gaveUpAfterMs: 500,
      closeFrameAfterMs: null,
      tcpClosedAfterMs: 500,
    });
    expect(clientOutcome(s(null, 7000), 5000)).toMatchObject({ reapedAfterMs: null, gaveUpAfterMs: null, tcpClosedAfterMs: 6000 });
    expect(clientOutcome(s(null, 7000), 5000, 10_000)).toMatchObject({ reapedAfterMs: null, gaveUpAfterMs: 6000 });
    expect(clientOutcome(s(null, null), 5000, 10_000)).toMatchObject({ reapedAfterMs: null, gaveUpAfterMs: null });
  });
});

describe('slow-consumer-memory', () => {
  it('passes within the default 50 MB, saying how the server reacted', () => {
    const check = slowConsumerMemoryCheck(slow({}), DEFAULT_LIMIT);
    expect(check).toMatchObject({
      outcome: 'pass',
      measured: '+10.0\u00A0MiB',
      limit: '≤\u00A050\u00A0MiB',
      threshold: { op: '<=', value: 50, unit: 'MiB' },
      value: 10,
    });
    expect(check.detail).toBe('the server wrote 64.0\u00A0MiB towards a client that did not read; the server stopped reading it');
  });

  it('fails above the limit with the fix', () => {
    const check = slowConsumerMemoryCheck(slow({ memoryGrowthBytes: 123 * MB, serverPausedReading: false }), {
      value: 100,
      explicit: true,
    });
    expect(check).toMatchObject({ outcome: 'fail', limit: '≤\u00A0100\u00A0MiB', value: 123 });
    expect(check.detail).toMatch(/buffering it in memory: check bufferedAmount and pause or drop a client that does not read$/);
  });

  it('without a memory reading: not measured by default, failed when the limit was set explicitly', () => {
    expect(slowConsumerMemoryCheck(slow({ memoryGrowthBytes: null }), DEFAULT_LIMIT).outcome).toBe('not-measured');
    expect(slowConsumerMemoryCheck(slow({ memoryGrowthBytes: null }), { value: 50, explicit: true }).outcome).toBe('fail');
  });

  it('fails when the slow client could not connect', () => {
    expect(slowConsumerMemoryCheck(slow({ connected: false, connectFailure: 'refused' }), DEFAULT_LIMIT)).toMatchObject({
      outcome: 'fail',
      detail: 'the slow client could not connect (refused)',
    });
  });

  it('growth is the peak reading over the one before, ignoring missing readings', () => {
    expect(memoryGrowth(100, [null, 150, 120])).toEqual({ peak: 150, growth: 50 });
    expect(memoryGrowth(100, [90])).toEqual({ peak: 90, growth: 0 });
    expect(memoryGrowth(null, [150])).toEqual({ peak: 150, growth: null });
    expect(memoryGrowth(100, [null])).toEqual({ peak: null, growth: null });
  });
});
