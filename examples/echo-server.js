// A well-behaved WebSocket echo server: the example the gate runs against with `npm start`.
// Listens on 127.0.0.1:$PORT (default 8080), echoes every message, answers pings (ws does that).
import { WebSocketServer } from 'ws';

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';
const wss = new WebSocketServer({ port, host });

wss.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  socket.on('error', () => socket.terminate());
});
wss.on('listening', () => console.log(`echo server listening on ws://${host}:${port}`));

function shutdown() {
  for (const client of wss.clients) client.terminate();
  wss.close(() => process.exit(0));
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
