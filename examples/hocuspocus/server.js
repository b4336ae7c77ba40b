// A Hocuspocus (Yjs) collaboration server with default settings.
// Listens on 127.0.0.1:$PORT (default 1234). It speaks a binary Yjs protocol and closes with 4401 "Unauthorized"
// on text it does not understand, which the gate's recovery reads as a responsive server when `message` is not set.
import { Server } from '@hocuspocus/server';

const port = Number(process.env.PORT ?? 1234);
const host = process.env.HOST ?? '127.0.0.1';

// Server.listen() passes `address` where Node expects `host` and so binds every interface: listen ourselves.
const server = new Server({ quiet: true, stopOnSignals: false });
server.httpServer.listen(port, host, () => console.log(`hocuspocus server listening on ws://${host}:${port}`));

async function shutdown() {
  await server.destroy();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
