// A ws echo server WITHOUT a heartbeat: a client that vanishes without FIN or RST (a dropped Wi-Fi, a NAT that
// forgot the flow) stays open here for good. The gate's dead-peers scenario fails it.
// Listens on 127.0.0.1:$PORT (default 8080).
import { WebSocketServer } from 'ws';

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';
const wss = new WebSocketServer({ port, host });

wss.on('connection', function onConnection(socket) {
  socket.on('message', function onMessage(data, isBinary) {
    socket.send(data, { binary: isBinary });
  });
  socket.on('error', function onError() {
    socket.terminate();
  });
});
wss.on('listening', () => console.log(`no-heartbeat echo server listening on ws://${host}:${port}`));

function shutdown() {
  for (const client of wss.clients) client.terminate();
  wss.close(() => process.exit(0));
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
