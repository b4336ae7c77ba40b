// A Socket.IO echo server: the gate reaches it on Engine.IO's raw WebSocket transport.
// Listens on 127.0.0.1:$PORT (default 3000); `echo` events are answered with an `echo` event. Gate it at
// ws://127.0.0.1:0/socket.io/?EIO=4&transport=websocket (see socketio.yml beside this file).
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';
const httpServer = createServer();
const io = new Server(httpServer);

io.on('connection', (socket) => {
  socket.on('echo', (payload) => socket.emit('echo', payload));
});
httpServer.listen(port, host, () => console.log(`socket.io server listening on http://${host}:${port}`));

function shutdown() {
  io.close(() => process.exit(0));
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
