// The test-tools helper: pretended absences, the one skip line, and a missing tool failing where CI requires it.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { PRETEND_ENV, REQUIRE_ENV, TOOLS, hasTool, onPath, pretendMissing, requireTool, skipLine } from './helpers/tools.js';

describe('the tools the tests need', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('reads WS_GATE_PRETEND_MISSING as a list, and refuses a name it does not know', () => {
    expect([...pretendMissing(' websocketd, lsof ,,')]).toEqual(['websocketd', 'lsof']);
    expect(pretendMissing('').size).toBe(0);
    expect(() => pretendMissing('websocketd,opensll')).toThrow(/unknown tool 'opensll'/);
  });

  it('finds an executable on PATH, and nothing on an empty PATH', () => {
    expect(onPath('node')).toMatch(/node$/);
    expect(onPath('node', '')).toBeNull();
  });

  it('skips a pretended-missing tool after printing one line naming it and its package', () => {
    vi.stubEnv(PRETEND_ENV, 'openssl');
    vi.stubEnv(REQUIRE_ENV, '');
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(hasTool('openssl')).toBe(false);
    expect(requireTool('openssl')).toBe(true);
    expect(requireTool('openssl')).toBe(true);
    expect(write).toHaveBeenCalledTimes(1);
    expect(write).toHaveBeenCalledWith(`${skipLine('openssl')}\n`);
    expect(skipLine('openssl')).toContain('openssl is missing');
    expect(skipLine('openssl')).toContain(`apt-get install ${TOOLS.openssl.package}`);
  });

  it('fails instead of skipping when WS_GATE_REQUIRE_TOOLS=1', () => {
    vi.stubEnv(PRETEND_ENV, 'websocketd');
    vi.stubEnv(REQUIRE_ENV, '1');
    expect(() => requireTool('websocketd')).toThrow(/websocketd is required \(WS_GATE_REQUIRE_TOOLS=1\) but missing/);
  });

  it('does not skip a tool that is here', () => {
    vi.stubEnv(PRETEND_ENV, '');
    // node is on PATH wherever the tests run; ps is asked of the test helper the same way.
    expect(onPath('node')).not.toBeNull();
    if (onPath('ps') !== null) expect(requireTool('ps')).toBe(false);
  });
});
