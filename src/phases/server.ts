// The server in a run: launched (or attached to) by startup, watched for an early exit, and closed in teardown by
// the closing startup deferred: the tree stopped, and what the report says of it (the pids that survived, a
// shutdown killed after the grace, a server still listening on its port, a server the start command detached).

import { resolve } from 'node:path';
import { describeExit } from '../model/format.js';
import {
  detachedListener,
  detachedText,
  existingListener,
  leftListeningText,
  listenerAfterTeardown,
  pickFreePort,
  portOf,
  withPort,
} from '../server/endpoint.js';
import { AttachedServer, type ServerHandle } from '../server/handle.js';
import { findPortOwner } from '../server/port-owner.js';
import { exitBeforeReadyText } from '../server/readiness.js';
import type { ExitInfo } from '../server/server-process.js';
import { StopRun, type RunContext } from './context.js';
import { prepareHeap } from './heap.js';

/** Where the server listens, and a signal aborted when its command exits 0 before the first handshake. */
export interface Started {
  url: string;
  exitedBeforeReady: AbortSignal;
}

/** Picks the port, refuses a port already taken, spawns the command and watches it for an early exit. */
export async function launch(run: RunContext): Promise<Started> {
  const { config } = run;
  let url = config.client.url;
  const env = { ...config.server.env };
  if (portOf(url) === 0) {
    const port = await pickFreePort();
    url = withPort(url, port);
    env.PORT ??= String(port);
  }
  run.serverInfo.url = url;
  const squatter = await existingListener(url);
  if (squatter) {
    throw new StopRun({
      phase: 'startup',
      reason: 'startup-failed',
      message: `something already answers on ${squatter}: stop it or choose another port in 'url' (the gate would test the wrong process)`,
    });
  }
  const logPath = run.serverLogPath;
  run.serverInfo.logPath = logPath;
  run.progress(`▶ startup: launching \`${config.server.command}\` (log: ${logPath})`);
  // Registers the removal of the evidence's files before the server's stop: teardown runs it after the stop.
  const launchEnv = await prepareHeap(run, env);
  const cwd = resolve(config.server.workingDirectory);
  const server = await run.launcher({ command: config.server.command!, cwd, env: launchEnv, logPath });
  run.server = server;
  run.defer('stopping the server', () => stopServer(run, server));
  run.serverInfo.pid = server.pid;
  run.serverInfo.pidSource = 'launched';
  const early = new AbortController();
  server.onUnexpectedExit((exit) => {
    run.serverInfo.exit = { ...exit, phase: run.phase, atMs: run.elapsed() };
    // Exit code 0 before the first handshake is a start script that does not stay in the foreground, not a crash:
    // startup ends its wait and says what became of a server the script may have detached (exitedZeroBeforeReady).
    if (run.serverInfo.readyAfterMs === null && exit.code === 0) early.abort();
    else run.stop('crash', `the server exited during ${run.phase} with ${describeExit(exit)}`);
  });
  return { url, exitedBeforeReady: early.signal };
}

/** Attach mode: the server is the user's, running before the gate and after it. */
export async function attachTo(run: RunContext): Promise<Started> {
  run.progress(`▶ startup: attaching to ${run.config.client.url}`);
  return { url: run.config.client.url, exitedBeforeReady: new AbortController().signal };
}

/** Attach mode, once the server answered: the pid given, or the owner of the listening port. */
export async function findAttachedPid(run: RunContext, url: string): Promise<void> {
  if (run.serverInfo.pid === null) {
    const owner = await findPortOwner(portOf(url));
    if (owner !== null) {
      run.serverInfo.pid = owner;
      run.serverInfo.pidSource = 'port-owner';
    }
  }
  const server = new AttachedServer(run.serverInfo.pid);
  run.server = server;
  run.defer('leaving the attached server running', () => leaveAttached(run, server));
}

/**
 * The stop for a start command that exited 0 before the server accepted a handshake. A server it put in the
 * background of its own group is ended with the group in teardown; one it detached (setsid, a daemon mode) would
 * outlive the gate unmentioned, often binding the port a moment after the command exited: the port is watched
 * briefly, and such a process is named, left running, in the stop's message.
 */
export async function exitedZeroBeforeReady(run: RunContext, exit: ExitInfo): Promise<StopRun> {
  const server = run.server;
  const detached = server?.pid != null ? await detachedListener(run.serverInfo.url, server.pid, run.signal) : null;
  if (detached) {
    run.serverInfo.detached = detached;
    run.progress(`⚠ ${detachedText(detached)}`);
  }
  const message = `${exitBeforeReadyText(exit)}${detached ? `; ${detachedText(detached)}` : ''}`;
  return new StopRun({ phase: 'startup', reason: 'startup-failed', message });
}

/** Ends the launched tree; what survived it, or left it and still holds the port, goes into the report. */
async function stopServer(run: RunContext, server: ServerHandle): Promise<void> {
  const graceMs = run.config.server.shutdownGraceMs;
  const survivors = await server.stop(graceMs);
  Object.assign(run.serverInfo, { survivors, logTail: server.logTail(), pidsSeen: server.pidsSeen() });
  if (server.killedAfterGrace) {
    run.serverInfo.killedAfterGrace =
      `the server did not exit within shutdown-grace-s (${graceMs / 1000} s) of SIGTERM and was killed (SIGKILL): ` +
      'its own shutdown did not finish, so its log may end early (a longer shutdown-grace-s lets it)';
    run.progress(`⚠ ${run.serverInfo.killedAfterGrace}`);
  }
  if (survivors.length > 0) run.progress(`⚠ processes of the server tree survived teardown: ${survivors.join(', ')}`);
  // A server that left the tree (setsid, a daemon, a backgrounded start script) still holds the port.
  const left = await listenerAfterTeardown(run.serverInfo.url);
  if (!left) return;
  if (left.pid !== null && !survivors.includes(left.pid)) run.serverInfo.survivors = [...survivors, left.pid];
  // One the start-up failure named already is not told twice.
  if (left.pid !== null && left.pid === run.serverInfo.detached?.pid) return;
  run.serverInfo.leftListening = leftListeningText(left);
  run.progress(`⚠ ${run.serverInfo.leftListening}`);
}

/** An attached server keeps running: the report lists the tree the run saw. */
function leaveAttached(run: RunContext, server: ServerHandle): void {
  Object.assign(run.serverInfo, { survivors: [], logTail: server.logTail(), pidsSeen: server.pidsSeen() });
}
