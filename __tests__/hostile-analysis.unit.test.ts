// The hostile-survived judgement and the RFC 6455 expectation of each case of the registry, from results built by hand.

import { describe, expect, it } from 'vitest';
import { judgeHostile } from '../src/analysis/hostile.js';
import { HOSTILE_CASE_IDS, outcomeText, type HostileCaseId, type HostileCaseResult, type HostileResult } from '../src/model/hostile.js';
import { hostileNotRun } from '../src/scenarios/hostile.js';
import { HOSTILE_CASES, type CaseObservation } from '../src/scenarios/hostile/index.js';

const caseMatchesRfc = (id: HostileCaseId, o: CaseObservation): boolean => HOSTILE_CASES[id].matchesRfc(o);

const MiB = 1024 * 1024;

/** A case as a healthy server handles it. */
function good(id: HostileCaseId, extra: Partial<HostileCaseResult> = {}): HostileCaseResult {
  const closed = {
    outcome: 'closed' as const,
    code: id === 'invalid-utf8' ? 1007 : id === 'oversized-message' || id === 'huge-length-claim' ? 1009 : 1002,
  };
  const outcome: Partial<HostileCaseResult> =
    id === 'ping-flood' || id === 'binary-message'
      ? { outcome: 'kept-open', pings: 1000, pongs: 1000 }
      : id === 'slow-handshake'
        ? { outcome: 'kept-open' }
        : id === 'garbage-handshake'
          ? { outcome: 'refused', httpStatus: 400 }
          : closed;
  return {
    id,
    title: HOSTILE_CASES[id].title,
    expected: HOSTILE_CASES[id].expected,
    outcome: 'closed',
    matchesRfc: true,
    ms: 1,
    acceptingAfter: true,
    memoryGrowthBytes: 0,
    ...outcome,
    ...extra,
  };
}

function result(overrides: Partial<HostileResult> = {}, cases = HOSTILE_CASE_IDS.map((id) => good(id))): HostileResult {
  return {
    id: 'hostile',
    enabled: true,
    cases,
    serverSurvived: true,
    stillAccepting: true,
    memory: { beforeBytes: 50 * MiB, peakBytes: 52 * MiB, afterBytes: 51 * MiB },
    memoryGrowthBytes: 2 * MiB,
    servedOthersDuringStalls: { tried: 2, succeeded: 2 },
    durationMs: 2300,
    notes: [],
    ...overrides,
  };
}

const LIMITS = { maxMemoryGrowthMb: 100, strict: false };

describe('caseMatchesRfc', () => {
  const table: Array<[HostileCaseId, CaseObservation, boolean]> = [
    ['invalid-utf8', { outcome: 'closed', code: 1007 }, true],
    ['invalid-utf8', { outcome: 'closed', code: 1002 }, false],
    ['invalid-utf8', { outcome: 'dropped' }, false],
    ['reserved-bits', { outcome: 'closed', code: 1002 }, true],
    ['unknown-opcode', { outcome: 'kept-open' }, false],
    ['fragmented-control', { outcome: 'closed', code: 1002 }, true],
    ['oversized-control', { outcome: 'closed', code: 1000 }, false],
    ['orphan-continuation', { outcome: 'dropped' }, false],
    ['invalid-close-code', { outcome: 'closed', code: 999 }, false],
    ['invalid-close-code', { outcome: 'closed', code: 1002 }, true],
    // Section 5.1: the server "MUST close the connection"; the 1002 close frame is a MAY.
    ['unmasked-frame', { outcome: 'dropped' }, true],
    ['unmasked-frame', { outcome: 'closed', code: 1003 }, true],
    ['unmasked-frame', { outcome: 'kept-open' }, false],
    ['oversized-message', { outcome: 'closed', code: 1009 }, true],
    ['oversized-message', { outcome: 'dropped' }, true],
    // Taken whole within the server's own limit: conformant (its memory is judged apart).
    ['oversized-message', { outcome: 'kept-open' }, true],
    // A valid message: taken, or refused with 1003 (or any deliberate close); an internal error or a drop is not.
    ['binary-message', { outcome: 'kept-open' }, true],
    ['binary-message', { outcome: 'closed', code: 1003 }, true],
    ['binary-message', { outcome: 'closed', code: 1011 }, false],
    ['binary-message', { outcome: 'dropped' }, false],
    ['huge-length-claim', { outcome: 'closed', code: 1002 }, true],
    ['huge-length-claim', { outcome: 'kept-open' }, false],
    ['ping-flood', { outcome: 'kept-open', lastPongAnswered: true }, true],
    ['ping-flood', { outcome: 'kept-open', lastPongAnswered: false }, false],
    ['ping-flood', { outcome: 'closed', code: 1008 }, true],
    // Dropped as flood protection (ws: 60 pongs pending).
    ['ping-flood', { outcome: 'dropped' }, true],
    ['slow-handshake', { outcome: 'dropped' }, true],
    ['slow-handshake', { outcome: 'refused', httpStatus: 408 }, true],
    ['slow-handshake', { outcome: 'kept-open', servedOthers: true }, true],
    ['slow-handshake', { outcome: 'kept-open', servedOthers: false }, false],
    ['garbage-handshake', { outcome: 'refused', httpStatus: 400 }, true],
    ['garbage-handshake', { outcome: 'dropped' }, true],
    ['garbage-handshake', { outcome: 'refused', httpStatus: 500 }, false],
    ['garbage-handshake', { outcome: 'kept-open' }, false],
  ];
  for (const [id, observation, expected] of table) {
    it(`${id}: ${JSON.stringify(observation)} -> ${expected}`, () => {
      expect(caseMatchesRfc(id, observation)).toBe(expected);
    });
  }

  it('the registry holds every case the Report names, in its order, each with a title and an expectation', () => {
    expect(Object.keys(HOSTILE_CASES)).toEqual([...HOSTILE_CASE_IDS]);
    for (const id of HOSTILE_CASE_IDS) {
      expect(HOSTILE_CASES[id].id).toBe(id);
      expect(HOSTILE_CASES[id].title.length).toBeGreaterThan(5);
      expect(HOSTILE_CASES[id].expected.length).toBeGreaterThan(5);
    }
  });

  it('a crash or a refused handshake never matches, whatever the case', () => {
    for (const id of HOSTILE_CASE_IDS) {
      expect(caseMatchesRfc(id, { outcome: 'crashed' }), id).toBe(false);
      if (id !== 'slow-handshake') expect(caseMatchesRfc(id, { outcome: 'refused' }), id).toBe(false);
    }
  });
});

describe('judgeHostile', () => {
  it('passes a server that handled every case as the RFC asks', () => {
    const judged = judgeHostile(result(), LIMITS);
    expect(judged).toMatchObject({ outcome: 'pass', value: 1, failures: [], warnings: [], mismatches: [] });
    expect(judged.measured).toBe('14 cases survived');
    expect(judged.limit).toBe('no crash, still accepting and serving, memory ≤ 100\u00A0MiB');
    expect(judged.detail).toBeUndefined();
  });

  it('warns for cases not handled as the RFC asks, and fails them when strict', () => {
    const cases = HOSTILE_CASE_IDS.map((id) =>
      id === 'invalid-close-code' ? good(id, { code: 1000, reason: 'bye', matchesRfc: false }) : good(id),
    );
    const lenient = judgeHostile(result({}, cases), LIMITS);
    expect(lenient).toMatchObject({ outcome: 'warn', value: 1, failures: [], mismatches: ['invalid-close-code'] });
    expect(lenient.warnings).toEqual([`'invalid-close-code': close 1000 "bye", expected close 1002 (section 7.4)`]);
    expect(lenient.measured).toBe('14 cases survived, 1 not per RFC 6455');
    const strict = judgeHostile(result({}, cases), { ...LIMITS, strict: true });
    expect(strict).toMatchObject({ outcome: 'fail', value: 0, warnings: [] });
    expect(strict.failures).toHaveLength(1);
    expect(strict.limit).toContain('RFC 6455 in every case');
  });

  it('fails a crash and names the case; the cases that did not run are not mismatches', () => {
    const cases = HOSTILE_CASE_IDS.map((id, i) =>
      i === 0
        ? good(id, { outcome: 'crashed', matchesRfc: false, acceptingAfter: false })
        : good(id, { outcome: 'not-run', matchesRfc: false, acceptingAfter: false }),
    );
    const judged = judgeHostile(result({ serverSurvived: false, stillAccepting: false, crashedDuring: 'invalid-utf8' }, cases), LIMITS);
    expect(judged.outcome).toBe('fail');
    expect(judged.failures).toEqual(["the server exited during 'invalid-utf8' (text frame with invalid UTF-8)"]);
    expect(judged.mismatches).toEqual([]);
    expect(judged.measured).toBe('crashed (invalid-utf8)');
    expect(judged.detail).toContain("'invalid-utf8'");
  });

  it('fails a server that stopped accepting handshakes, naming the case after which it did', () => {
    const judged = judgeHostile(result({ stillAccepting: false, stoppedAcceptingAfter: 'ping-flood' }), LIMITS);
    expect(judged.failures).toEqual(["the server stopped accepting handshakes after 'ping-flood'"]);
  });

  it('fails a server whose sessions broke after a case, naming that case and what the session got', () => {
    const problem = 'the server closed the connection (code 1006) without a reason, 2 ms after message 2 was sent';
    const judged = judgeHostile(result({ brokenAfter: { case: 'binary-message', problem } }), LIMITS);
    expect(judged.outcome).toBe('fail');
    expect(judged.failures).toEqual([
      `'binary-message' (binary message (4 bytes)) broke the server's handling: a normal session right after it failed (${problem})`,
    ]);
    expect(judged.measured).toBe('14 cases survived, sessions broken after binary-message');
  });

  it("fails what the cases left behind beyond the signal checks' limits, and only that", () => {
    const before = { fds: 20, lingeringConnections: 0, processes: 1, sessions: 0 };
    const leftBehind = { fds: 4, lingeringConnections: 0, processes: 0, sessions: 0 };
    const limits = { ...LIMITS, leftBehind };
    const sessions = judgeHostile(result({ signals: { before, after: { ...before, fds: 22, sessions: 2 } } }), limits);
    expect(sessions.failures).toEqual(['the hostile cases left behind sessions (stats-url) +2 (0 → 2)']);
    const lingering = judgeHostile(result({ signals: { before, after: { ...before, fds: 25, lingeringConnections: 1 } } }), limits);
    expect(lingering.failures).toEqual(['the hostile cases left behind lingering connections +1 (0 → 1), open fds +5 (20 → 25)']);
    // Within the limits, unread, or not judged: nothing.
    expect(judgeHostile(result({ signals: { before, after: { ...before, fds: 24 } } }), limits).outcome).toBe('pass');
    expect(judgeHostile(result({ signals: { before, after: { ...before, sessions: null } } }), limits).outcome).toBe('pass');
    expect(judgeHostile(result({ signals: { before, after: { ...before, sessions: 3 } } }), LIMITS).outcome).toBe('pass');
  });

  it('fails when handshakes failed while the stalled handshakes were open', () => {
    const judged = judgeHostile(result({ servedOthersDuringStalls: { tried: 2, succeeded: 1 } }), LIMITS);
    expect(judged.outcome).toBe('fail');
    expect(judged.failures[0]).toMatch(/only 1 of 2 handshakes succeeded/);
  });

  it('fails memory growth above the limit and names the case that grew it most', () => {
    const cases = HOSTILE_CASE_IDS.map((id) =>
      good(id, id === 'oversized-message' ? { memoryGrowthBytes: 38 * MiB } : { memoryGrowthBytes: 0.1 * MiB }),
    );
    const over = judgeHostile(result({ memoryGrowthBytes: 41 * MiB }, cases), { ...LIMITS, maxMemoryGrowthMb: 32 });
    expect(over.outcome).toBe('fail');
    expect(over.failures).toEqual(["memory grew by 41.0\u00A0MiB (limit 32\u00A0MiB), most during 'oversized-message' (38.0\u00A0MiB)"]);
    const under = judgeHostile(result({ memoryGrowthBytes: 41 * MiB }, cases), { ...LIMITS, maxMemoryGrowthMb: 64 });
    expect(under.outcome).toBe('pass');
    const off = judgeHostile(result({ memoryGrowthBytes: 900 * MiB }, cases), { ...LIMITS, maxMemoryGrowthMb: null });
    expect(off.outcome).toBe('pass');
    expect(off.limit).toBe('no crash, still accepting and serving');
  });

  it('unreadable memory: a warning under the default limit, a failure under one the user set', () => {
    const unread = result({ memoryGrowthBytes: null, memory: { beforeBytes: null, peakBytes: null, afterBytes: null } });
    expect(judgeHostile(unread, LIMITS)).toMatchObject({ outcome: 'warn', warnings: ['memory growth could not be read'] });
    expect(judgeHostile(unread, { ...LIMITS, memoryLimitExplicit: true })).toMatchObject({
      outcome: 'fail',
      failures: ['memory growth could not be read'],
    });
  });

  it('is not measured when the scenario was not selected', () => {
    const judged = judgeHostile(result({ enabled: false, cases: [], notes: ['not selected'] }), LIMITS);
    expect(judged).toMatchObject({ outcome: 'not-measured', value: null, measured: 'did not run', detail: 'not selected' });
  });

  it('keeps the detail to three causes and counts the rest', () => {
    const cases = HOSTILE_CASE_IDS.map((id) => good(id, { outcome: 'dropped', matchesRfc: false }));
    const judged = judgeHostile(result({}, cases), LIMITS);
    expect(judged.warnings.length).toBeGreaterThan(3);
    expect(judged.detail).toMatch(new RegExp(`; and ${judged.warnings.length - 3} more$`));
  });
});

describe('outcomeText', () => {
  it('says what the server did in a few words', () => {
    expect(outcomeText(good('invalid-utf8', { reason: 'Invalid UTF-8 sequence' }))).toBe('close 1007 "Invalid UTF-8 sequence"');
    expect(outcomeText(good('ping-flood'))).toBe('kept open (pongs 1000/1000)');
    expect(outcomeText(good('ping-flood', { outcome: 'dropped', pongs: 60 }))).toBe('dropped (pongs 60/1000)');
    expect(outcomeText(good('oversized-message', { outcome: 'kept-open', bytesSent: 16 * MiB }))).toBe('kept open (took 16777216 bytes)');
    expect(outcomeText(good('garbage-handshake'))).toBe('HTTP 400');
    expect(outcomeText(good('reserved-bits', { reason: 'x'.repeat(60) }))).toBe(`close 1002 "${'x'.repeat(39)}…"`);
  });
});

describe('a scenario that did not run', () => {
  it('is not measured when not selected, and fails when selected but the run stopped before it', () => {
    const off = hostileNotRun(false, "not in 'scenarios'");
    expect(off).toMatchObject({ enabled: false, cases: [] });
    expect(judgeHostile(off, LIMITS)).toMatchObject({ outcome: 'not-measured', detail: "not in 'scenarios'" });
    const stopped = hostileNotRun(true, 'the run stopped during leak');
    expect(stopped.cases.map((c) => c.outcome)).toEqual(HOSTILE_CASE_IDS.map(() => 'not-run'));
    expect(judgeHostile(stopped, LIMITS)).toMatchObject({ outcome: 'fail', value: 0, detail: 'the run stopped during leak' });
  });
});
