// Clean servers the leak verdicts must never fail: ours, and one not written in this project.

import { ECHO_SERVER, ROOT } from './gate-run.js';

export const PYTHON_ECHO_SERVER = `/usr/bin/python3 ${JSON.stringify(`${ROOT}examples/python/echo_server.py`)}`;

export const CLEAN_SERVERS: Array<[string, string]> = [
  ['the example Node ws echo server', `node ${JSON.stringify(ECHO_SERVER)}`],
  ["Python's websockets echo server (Debian python3-websockets)", PYTHON_ECHO_SERVER],
];
