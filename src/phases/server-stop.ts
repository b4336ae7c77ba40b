// The server's closing in teardown: the tree stopped (or an attached server left running), and what the report
// says of it: the pids that survived, a shutdown killed after the grace, a server still listening on its port.

import type { ServerHandle } from '../server/handle.js';
import { leftListeningText, listenerAfterTeardown } from '../server/endpoint.js';
import type { RunContext } from './context.js';

/** Ends the launched tree; what survived it, or left it and still holds the port, goes into the report. */
export async function stopServer(run: RunContext, server: ServerHandle): Promise<void> {
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
  if (left) {
    if (left.pid !== null && !survivors.includes(left.pid)) run.serverInfo.survivors = [...survivors, left.pid];
    run.serverInfo.leftListening = leftListeningText(left);
    run.progress(`⚠ ${run.serverInfo.leftListening}`);
  }
}

/** An attached server keeps running: the report lists the tree the run saw. */
export function leaveAttached(run: RunContext, server: ServerHandle): void {
  Object.assign(run.serverInfo, { survivors: [], logTail: server.logTail(), pidsSeen: server.pidsSeen() });
}
