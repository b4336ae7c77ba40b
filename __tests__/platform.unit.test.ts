// The macOS and Windows branches of launching, listing, finding and ending the server's processes, as pure
// functions fed with what ps, lsof and PowerShell print there.

import { describe, expect, it } from 'vitest';
import { firstPid, portOwnerCommand } from '../src/server/port-owner.js';
import { WINDOWS_TABLE_SCRIPT, descendantsIn, parsePsTable, parseWindowsTable, powershellArgs } from '../src/server/process-tree.js';
import { killPlan, spawnOptionsFor } from '../src/server/server-process.js';

/** `ps -A -o pid=,ppid=,stat=` on macOS: launchd, a shell wrapper running the server, which has a child and a zombie. */
const MACOS_PS = `    1     0 Ss
  412     1 S
 5001   412 S
 5002  5001 S+
 5003  5002 S
 5004  5002 Z
 5005  5003 R
 6000     1 Ss
`;

/** WINDOWS_TABLE_SCRIPT on a runner (CRLF): cmd.exe 7000 started the server 7004; 7008 got an old parent's pid. */
const WINDOWS_TABLE = [
  '0 0 0',
  '4 0 133500000000000000',
  '7000 6996 133800000000001000',
  '7004 7000 133800000000002000',
  '7012 7004 133800000000003000',
  '7008 7000 133700000000000000',
  '',
].join('\r\n');

describe('process table on macOS (ps)', () => {
  it('lists the root and its descendants, root first, without zombies', () => {
    expect(descendantsIn(5001, parsePsTable(MACOS_PS))).toEqual([5001, 5002, 5003, 5005]);
  });
  it('is empty when the root is gone or a zombie', () => {
    expect(descendantsIn(4242, parsePsTable(MACOS_PS))).toEqual([]);
    expect(descendantsIn(5004, parsePsTable(MACOS_PS))).toEqual([]);
  });
  it('skips lines that are not pid ppid stat', () => {
    expect(parsePsTable('  PID  PPID STAT\n\n  12 1 S\ngarbage\n')).toEqual([{ pid: 12, ppid: 1, zombie: false }]);
  });
});

describe('process table on Windows (PowerShell, CIM)', () => {
  it("lists the tree under cmd.exe, leaving out a process that got a dead parent's reused pid", () => {
    const rows = parseWindowsTable(WINDOWS_TABLE);
    expect(rows).toHaveLength(6);
    expect(descendantsIn(7000, rows)).toEqual([7000, 7004, 7012]);
  });
  it('does not loop on the System Idle Process, its own parent', () => {
    expect(descendantsIn(0, parseWindowsTable(WINDOWS_TABLE))).toEqual([0, 4]);
  });
  it('runs its script without a profile and with no quoting to get wrong', () => {
    const args = powershellArgs(WINDOWS_TABLE_SCRIPT);
    expect(args.slice(0, 3)).toEqual(['-NoProfile', '-NonInteractive', '-EncodedCommand']);
    expect(Buffer.from(args[3]!, 'base64').toString('utf16le')).toBe(WINDOWS_TABLE_SCRIPT);
    expect(args[3]).toMatch(/^[A-Za-z0-9+/=]+$/);
  });
});

describe('launching and ending the tree', () => {
  it('spawns through a shell; in a process group of its own except on Windows, which has none', () => {
    expect(spawnOptionsFor('linux')).toEqual({ shell: true, detached: true, windowsHide: true });
    expect(spawnOptionsFor('darwin')).toEqual({ shell: true, detached: true, windowsHide: true });
    expect(spawnOptionsFor('win32')).toEqual({ shell: true, detached: false, windowsHide: true });
  });
  it.each(['linux', 'darwin'] as const)('on %s signals the process group, then every pid of the tree once', (platform) => {
    expect(killPlan(platform, 100, [100, 101, 102, 101], 'SIGTERM')).toEqual([
      { kind: 'signal', pid: -100, signal: 'SIGTERM' },
      { kind: 'signal', pid: 100, signal: 'SIGTERM' },
      { kind: 'signal', pid: 101, signal: 'SIGTERM' },
      { kind: 'signal', pid: 102, signal: 'SIGTERM' },
    ]);
  });
  it('on Windows runs one taskkill /T /F for the root and every live pid: no signals, no negative pid', () => {
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      expect(killPlan('win32', 7000, [7004, 7000, 7012], signal)).toEqual([
        { kind: 'taskkill', args: ['/T', '/F', '/PID', '7000', '/PID', '7004', '/PID', '7012'] },
      ]);
    }
    expect(killPlan('win32', 7000, [], 'SIGTERM')).toEqual([{ kind: 'taskkill', args: ['/T', '/F', '/PID', '7000'] }]);
  });
});

describe('the owner of a listening port off Linux', () => {
  it('asks lsof on macOS and Get-NetTCPConnection on Windows', () => {
    expect(portOwnerCommand('darwin', 8080)).toEqual(['lsof', ['-nP', '-iTCP:8080', '-sTCP:LISTEN', '-t']]);
    const [file, args] = portOwnerCommand('win32', 8080);
    expect(file).toBe('powershell.exe');
    expect(Buffer.from(args.at(-1)!, 'base64').toString('utf16le')).toContain('Get-NetTCPConnection -State Listen -LocalPort 8080');
  });
  it('takes the first pid listed that is not the gate itself', () => {
    expect(firstPid('5003\n5003\n', 1)).toBe(5003);
    expect(firstPid('4321\r\n5003\r\n', 4321)).toBe(5003);
    expect(firstPid('', 1)).toBeNull();
    expect(firstPid('0\r\n', 1)).toBeNull();
  });
});
