// The servers the tests and the evidence series start, as shell command lines: imports nothing of the test runner,
// so scripts can use it too.

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SYSTEM_PYTHON } from './tools.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `node` as the tests run it, quoted for a shell command. */
export const NODE = JSON.stringify(process.execPath);

/** A path under the repository root, absolute and quoted for a shell command. */
export function rootPath(relative: string): string {
  return JSON.stringify(join(ROOT, relative));
}

/** Absolute path of a file under __tests__/fixtures, quoted for a shell command. */
export function fixturePath(name: string): string {
  return rootPath(join('__tests__', 'fixtures', name));
}

/** Absolute path of a file under examples/, quoted for a shell command. */
export function examplePath(name: string): string {
  return rootPath(join('examples', name));
}

/** The servers several test files start, as command lines. */
export const SERVERS = {
  echo: `${NODE} ${examplePath('echo-server.js')}`,
  python: `${SYSTEM_PYTHON} ${examplePath('python/echo_server.py')}`,
  socketIo: `${NODE} ${examplePath('socketio/server.js')}`,
  socketIoDynamic: `${NODE} ${fixturePath('socketio-dynamic-server.js')}`,
  graphqlWs: `${NODE} ${examplePath('graphql-ws/server.js')}`,
  hocuspocus: `${NODE} ${examplePath('hocuspocus/server.js')}`,
  strict: `${NODE} ${fixturePath('strict-server.js')}`,
  faulty: `${NODE} ${fixturePath('faulty-server.js')}`,
  faye: `${NODE} ${fixturePath('faye-echo-server.js')}`,
  wssEcho: `${NODE} ${fixturePath('wss-echo-server.js')}`,
} as const;

/** The URL path Socket.IO's WebSocket transport answers on. */
export const SOCKET_IO_PATH = '/socket.io/?EIO=4&transport=websocket';
