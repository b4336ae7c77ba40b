// The programs some tests need beyond Node (Python websockets, FastAPI, aiohttp and tornado, websocketd, openssl,
// lsof, ps, Go with gorilla/websocket and client_golang, a JDK with Netty): whether each is here, one printed line
// when one is not, and a failure instead of a skip where CI asks for every one of them.

import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The tools a test may need, with the Debian package that brings each. */
export const TOOLS = {
  'python3-websockets': { package: 'python3-websockets', skips: "the tests against Python's websockets echo server" },
  websocketd: { package: 'websocketd', skips: 'the tests against websocketd wrapping cat' },
  openssl: { package: 'openssl', skips: 'the wss:// tests (they make a self-signed certificate)' },
  lsof: { package: 'lsof', skips: 'the test of the port-owner lookup the gate does on macOS' },
  ps: { package: 'procps', skips: 'the test of the process-tree listing the gate does on macOS' },
  'go-gorilla': {
    package: 'golang-go golang-github-gorilla-websocket-dev',
    skips: "the tests against gorilla/websocket's chat example (built at test time)",
  },
  'python3-fastapi': { package: 'python3-fastapi python3-uvicorn', skips: "the tests against FastAPI's documented WebSocket chat" },
  // A test tool from npm, never a dependency of the gate (461 MB): installed into a git-ignored folder.
  artillery: { package: 'artillery (npm)', skips: 'the test that runs an exported script with Artillery itself' },
  'python3-aiohttp': { package: 'python3-aiohttp', skips: 'the aiohttp server of the clean Python series' },
  'python3-tornado': { package: 'python3-tornado', skips: 'the tornado server of the clean Python series' },
  'go-prometheus': {
    package: 'golang-go golang-github-gorilla-websocket-dev golang-github-prometheus-client-golang-dev',
    skips: "the metrics-url tests against a Go server exposing client_golang's /metrics (built at test time)",
  },
  'jdk-netty': {
    package: 'openjdk-17-jdk-headless libnetty-java',
    skips: 'the class-histogram tests against a Netty WebSocket server (compiled at test time; read with jcmd)',
  },
} as const;

/** Where `.ci/run` installs Artillery (npm, into a git-ignored folder of the clone). */
export const ARTILLERY_BIN = join(fileURLToPath(new URL('../../', import.meta.url)), '.tools/artillery/node_modules/.bin/artillery');

/** How to get a tool: its Debian package, or for Artillery the npm install `.ci/run` does. */
export function howToGet(tool: Tool): string {
  if (tool === 'artillery') return 'PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix .tools/artillery artillery';
  return `apt-get install ${TOOLS[tool].package}`;
}

export type Tool = keyof typeof TOOLS;

/** `WS_GATE_REQUIRE_TOOLS=1` (CI): a missing tool fails the test file instead of skipping it. */
export const REQUIRE_ENV = 'WS_GATE_REQUIRE_TOOLS';
/** `WS_GATE_PRETEND_MISSING=websocketd,lsof`: treat these as absent, to see a bare machine's run without uninstalling anything. */
export const PRETEND_ENV = 'WS_GATE_PRETEND_MISSING';

/** The Python the tests and the example workflows use: Debian's, not a pyenv or venv shim that may lack websockets. */
export const SYSTEM_PYTHON = '/usr/bin/python3';

/** An executable file of that name in a PATH directory. */
export function onPath(name: string, path = process.env.PATH ?? ''): string | null {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // Not in this directory.
    }
  }
  return null;
}

/** Where Debian's golang-github-gorilla-websocket-dev puts the library (a GOPATH root). */
export const DEBIAN_GOCODE = '/usr/share/gocode';

/** Where Debian's libnetty-java puts Netty's jars. */
export const DEBIAN_JAVA = '/usr/share/java';

/** The Python modules each Python tool stands for. */
const PYTHON_MODULES: Partial<Record<Tool, string>> = {
  'python3-websockets': 'import websockets',
  'python3-fastapi': 'import fastapi, uvicorn',
  'python3-aiohttp': 'import aiohttp',
  'python3-tornado': 'import tornado',
};

function probe(tool: Tool): boolean {
  const modules = PYTHON_MODULES[tool];
  if (modules) return spawnSync(SYSTEM_PYTHON, ['-c', modules], { stdio: 'ignore', timeout: 10_000 }).status === 0;
  if (tool === 'artillery') return existsSync(ARTILLERY_BIN);
  const gorilla = (): boolean => onPath('go') !== null && existsSync(join(DEBIAN_GOCODE, 'src/github.com/gorilla/websocket'));
  if (tool === 'go-gorilla') return gorilla();
  if (tool === 'go-prometheus') return gorilla() && existsSync(join(DEBIAN_GOCODE, 'src/github.com/prometheus/client_golang/prometheus'));
  if (tool === 'jdk-netty')
    return onPath('javac') !== null && onPath('jcmd') !== null && existsSync(join(DEBIAN_JAVA, 'netty-codec-http.jar'));
  return onPath(tool) !== null;
}

/** Names in WS_GATE_PRETEND_MISSING; an unknown name is an error, so a typo does not silently test nothing. */
export function pretendMissing(value = process.env[PRETEND_ENV] ?? ''): Set<Tool> {
  const names = value
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  for (const name of names) {
    if (!(name in TOOLS)) throw new Error(`${PRETEND_ENV}: unknown tool '${name}' (known: ${Object.keys(TOOLS).join(', ')})`);
  }
  return new Set(names as Tool[]);
}

const found = new Map<Tool, boolean>();

/** Whether the tool is here (probed once per test file), honouring WS_GATE_PRETEND_MISSING. */
export function hasTool(tool: Tool): boolean {
  if (pretendMissing().has(tool)) return false;
  if (!found.has(tool)) found.set(tool, probe(tool));
  return found.get(tool)!;
}

/** The line printed when a tool is missing: what is skipped, and how to get the tool. */
export function skipLine(tool: Tool): string {
  const how = tool === 'artillery' ? howToGet(tool) : `Debian: ${howToGet(tool)}`;
  return `${tool} is missing: skipping ${TOOLS[tool].skips} (${how})`;
}

const printed = new Set<Tool>();

/**
 * The condition for `describe.skipIf` / `it.skipIf`: true (skip) when the tool is missing, after printing one line
 * saying so. With WS_GATE_REQUIRE_TOOLS=1 a missing tool throws instead, which fails the test file.
 */
export function requireTool(tool: Tool): boolean {
  if (hasTool(tool)) return false;
  if (process.env[REQUIRE_ENV] === '1') {
    throw new Error(`${tool} is required (${REQUIRE_ENV}=1) but missing: ${howToGet(tool)}`);
  }
  if (!printed.has(tool)) {
    printed.add(tool);
    // Straight to stderr: the runner shows it once per file, not once per skipped test.
    process.stderr.write(`${skipLine(tool)}\n`);
  }
  return true;
}

let ipv6Printed = false;

/**
 * Whether ::1 is configured (containers often run without IPv6). Printed once when it is not; never a failure,
 * since a machine without IPv6 loopback is a place the gate must work, not a broken test setup.
 */
export function hasIpv6Loopback(): boolean {
  const here = Object.values(networkInterfaces()).some((addresses) => addresses?.some((a) => a.family === 'IPv6' && a.address === '::1'));
  if (!here && !ipv6Printed) {
    ipv6Printed = true;
    process.stderr.write('::1 is not configured: skipping the IPv6 loopback cases (the 127.0.0.1 ones still run)\n');
  }
  return here;
}
