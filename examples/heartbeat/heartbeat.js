// A ws echo server WITH a ping/pong heartbeat (the pattern from the ws README): every HEARTBEAT_MS (default 30000)
// each client must have answered the previous ping, or it is terminated. A silent peer is gone within two intervals.
// Listens on 127.0.0.1:$PORT (default 8080).
import { WebSocketServer } from 'ws';

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';
const heartbeatMs = Number(process.env.HEARTBEAT_MS ?? 30000);
const wss = new WebSocketServer({ port, host });
const alive = new WeakMap();

wss.on('connection', function onConnection(socket) {
  alive.set(socket, true);
  socket.on('pong', function onPong() {
    alive.set(socket, true);
  });
  socket.on('message', function onMessage(data, isBinary) {
    socket.send(data, { binary: isBinary });
  });
  socket.on('error', function onError() {
    socket.terminate();
  });
});

const heartbeat = setInterval(function sweep() {
  for (const socket of wss.clients) {
    // No pong since the last sweep: the peer is dead, whatever TCP believes.
    if (!alive.get(socket)) {
      socket.terminate();
      continue;
    }
    alive.set(socket, false);
    socket.ping();
  }
}, heartbeatMs);

wss.on('close', function onClose() {
  clearInterval(heartbeat);
});
wss.on('listening', () => console.log(`heartbeat echo server (every ${heartbeatMs} ms) listening on ws://${host}:${port}`));

function shutdown() {
  for (const client of wss.clients) client.terminate();
  wss.close(() => process.exit(0));
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
