// The evidence series `npm run evidence` runs: whole default gate runs repeated against one server, with the
// checks each run must end with. Adding a series is one entry here (and, when it needs a program from outside
// npm, its tool in __tests__/helpers/tools.ts).

import type { RawInputs } from '../../src/config/inputs.js';
import type { CheckId } from '../../src/model/checks.js';
import { buildGoFixture } from '../../__tests__/helpers/go-build.js';
import { buildJavaFixture } from '../../__tests__/helpers/java-build.js';
import type { Tool } from '../../__tests__/helpers/tools.js';

/** What a series needs made before its runs (a binary built, a server started) and removed after them. */
export interface Prepared {
  /** Added to the series' inputs for every run. */
  inputs: RawInputs;
  /** The same inputs as the results record them: what was built, not the temporary path it was built to. */
  shown: RawInputs;
  cleanup(): Promise<void>;
}

export interface Series {
  /** Names the results file (docs/evidence/<id>.json) and selects the series on the command line. */
  id: string;
  /** The server, as a row of the docs' table names it. */
  title: string;
  /** Whole gate runs, one after another. */
  runs: number;
  /** The gate's inputs (report-path is always off). */
  inputs: RawInputs;
  /**
   * The checks every run must fail or warn on, and no others: [] for a clean server (a false positive is any check
   * that does not pass), the leak's check for a leaking one.
   */
  expectNotPassed: CheckId[];
  /** A program from outside npm the server needs: without it the series is skipped with one line. */
  needs?: Tool;
  /** Runs once before the series; its cleanup runs after it, whatever happened. */
  prepare?: () => Promise<Prepared>;
}

/** The default profile on a server the gate starts on a free port; commands run from the repository root. */
const launched = (command: string, extra: RawInputs = {}): RawInputs => ({ 'server-command': command, url: 'ws://127.0.0.1:0/', ...extra });

/**
 * gorilla/websocket's chat example (__tests__/fixtures/gorilla-chat), built once, run as its README runs it with
 * the dead-peers scenario added: its heartbeat at the real timings, which the tests only run scaled down.
 */
function gorillaChat(id: string, title: string, extra: RawInputs, expectNotPassed: CheckId[]): Series {
  return {
    id,
    title,
    runs: 1,
    inputs: { url: 'ws://127.0.0.1:0/ws', scenarios: 'flapping,leak,recovery,dead-peers', ...extra },
    expectNotPassed,
    needs: 'go-gorilla',
    prepare: async () => {
      const chat = buildGoFixture('__tests__/fixtures/gorilla-chat', 'chat');
      return {
        inputs: { 'server-command': `${JSON.stringify(chat.binary)} -addr=127.0.0.1:$PORT` },
        shown: { 'server-command': '<go build of __tests__/fixtures/gorilla-chat> -addr=127.0.0.1:$PORT' },
        cleanup: async () => chat.remove(),
      };
    },
  };
}

/** A Python fixture of the leak evidence tests, under Debian's Python. */
const python = (fixture: string, env = 'LEAK=none'): RawInputs =>
  launched(`/usr/bin/python3 __tests__/fixtures/python/${fixture}`, { 'server-env': env });

/** The Go server exposing client_golang's /metrics (__tests__/fixtures/go-metrics), built once. */
function goMetrics(id: string, title: string, leak: string, expectNotPassed: CheckId[]): Series {
  return {
    id,
    title,
    runs: leak === 'none' ? 10 : 3,
    inputs: { url: 'ws://127.0.0.1:0/', 'metrics-url': '/metrics', 'server-env': `LEAK=${leak}` },
    expectNotPassed,
    needs: 'go-prometheus',
    prepare: async () => {
      const server = buildGoFixture('__tests__/fixtures/go-metrics', 'wsmetrics');
      return {
        inputs: { 'server-command': JSON.stringify(server.binary) },
        shown: { 'server-command': '<go build of __tests__/fixtures/go-metrics>' },
        cleanup: async () => server.remove(),
      };
    },
  };
}

/** The Netty WebSocket server on the JVM (__tests__/fixtures/java/NettyWsServer.java), compiled once, read with jcmd. */
function nettyJvm(id: string, title: string, runs: number, leak: string, expectNotPassed: CheckId[]): Series {
  return {
    id,
    title,
    runs,
    inputs: { url: 'ws://127.0.0.1:0/', 'server-env': `LEAK=${leak}` },
    expectNotPassed,
    needs: 'jdk-netty',
    prepare: async () => {
      const server = buildJavaFixture('__tests__/fixtures/java/NettyWsServer.java');
      return {
        inputs: { 'server-command': server.command },
        shown: {
          'server-command': 'java -cp <javac of __tests__/fixtures/java/NettyWsServer.java>:<Debian libnetty-java jars> NettyWsServer',
        },
        cleanup: async () => server.remove(),
      };
    },
  };
}

/** Leak evidence in every runtime (docs/leak-judging.md): clean servers must pass every run, leaks fail on retained-objects. */
const EVIDENCE_SERIES: Series[] = [
  {
    id: 'clean-python-aiohttp',
    title: 'aiohttp echo server (Debian python3-aiohttp), Python census',
    runs: 10,
    inputs: python('aiohttp_server.py'),
    expectNotPassed: [],
    needs: 'python3-aiohttp',
  },
  {
    id: 'clean-python-fastapi',
    title: 'FastAPI ConnectionManager with disconnect (Debian python3-fastapi), Python census',
    runs: 10,
    inputs: python('fastapi_server.py'),
    expectNotPassed: [],
    needs: 'python3-fastapi',
  },
  {
    id: 'clean-python-tornado',
    title: 'tornado echo server (Debian python3-tornado), Python census',
    runs: 10,
    inputs: python('tornado_server.py'),
    expectNotPassed: [],
    needs: 'python3-tornado',
  },
  {
    id: 'clean-python-websockets-fixture',
    title: '`websockets` echo server of the leak fixtures, LEAK=none, Python census',
    runs: 10,
    inputs: python('websockets_server.py'),
    expectNotPassed: [],
    needs: 'python3-websockets',
  },
  {
    id: 'leak-python-session',
    title: '`websockets` keeping a 20 KB Session per connection',
    runs: 3,
    inputs: python('websockets_server.py', 'LEAK=session'),
    expectNotPassed: ['retained-objects'],
    needs: 'python3-websockets',
  },
  {
    id: 'leak-python-fastapi-workers',
    title: 'FastAPI ConnectionManager without disconnect, uvicorn --workers 2',
    runs: 3,
    inputs: python('fastapi_server.py', 'LEAK=manager\nWORKERS=2'),
    expectNotPassed: ['retained-objects'],
    needs: 'python3-fastapi',
  },
  {
    id: 'clean-node-cluster',
    title: 'node:cluster, 2 workers, clean',
    runs: 5,
    inputs: launched('node __tests__/fixtures/cluster-server.js'),
    expectNotPassed: [],
  },
  {
    id: 'leak-node-cluster',
    title: 'node:cluster, 2 workers, a Presence per connection in each',
    runs: 3,
    inputs: launched('node __tests__/fixtures/cluster-server.js', { 'server-env': 'LEAK=presence' }),
    expectNotPassed: ['retained-objects'],
  },
  goMetrics('clean-go-metrics', "Go gorilla server with client_golang's /metrics, clean", 'none', []),
  goMetrics('leak-go-metrics', "Go gorilla server with client_golang's /metrics, a goroutine per connection", 'goroutine', [
    'retained-objects',
  ]),
  nettyJvm('leak-jvm-netty', 'Netty server keeping a Session per connection, jcmd class histogram', 3, 'session', ['retained-objects']),
  nettyJvm('clean-jvm-netty', 'Netty echo server, clean, jcmd class histogram', 5, 'none', []),
];

export const SERIES: Series[] = [
  {
    id: 'clean-node',
    title: 'example Node `ws` echo server',
    runs: 10,
    inputs: launched('node examples/echo-server.js'),
    expectNotPassed: [],
  },
  {
    id: 'clean-node-soak',
    title: 'example Node `ws` echo server, soak profile (3,000 leak connections)',
    runs: 3,
    inputs: launched('node examples/echo-server.js', { profile: 'soak' }),
    expectNotPassed: [],
  },
  {
    id: 'clean-socketio',
    title: 'Socket.IO example server, every client in its session (namespace connect)',
    runs: 10,
    inputs: { 'server-command': 'node examples/socketio/server.js', url: 'ws://127.0.0.1:0/socket.io/?EIO=4&transport=websocket' },
    expectNotPassed: [],
  },
  {
    id: 'clean-python',
    title: 'Python `websockets` echo server (Debian python3-websockets)',
    runs: 10,
    inputs: launched('/usr/bin/python3 examples/python/echo_server.py'),
    expectNotPassed: [],
    needs: 'python3-websockets',
  },
  gorillaChat('dead-peers-gorilla-defaults', "gorilla/websocket's chat example (pongWait 60 s), dead-peers at the default 90 s", {}, []),
  gorillaChat(
    'dead-peers-gorilla-late',
    "gorilla/websocket's chat example with pongWait 90 s, dead-peers at 60 s",
    { 'server-env': 'PONG_WAIT_MS=90000', 'dead-peer-timeout-s': '60' },
    ['dead-peer-reaping'],
  ),
  ...EVIDENCE_SERIES,
];
