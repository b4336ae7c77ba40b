// A ws echo server that bounds what it buffers per client: past MAX_BUFFERED_BYTES (default 1 MiB) of unsent
// answers it stops reading that client (TCP pushes back on the sender) until they drain, and a client stuck that
// way for SLOW_CLIENT_TIMEOUT_MS (default 10000) is dropped with close code 1008.
// Listens on 127.0.0.1:$PORT (default 8080).
import { WebSocketServer } from 'ws';

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';
const maxBuffered = Number(process.env.MAX_BUFFERED_BYTES ?? 1024 * 1024);
const slowClientTimeoutMs = Number(process.env.SLOW_CLIENT_TIMEOUT_MS ?? 10000);
const wss = new WebSocketServer({ port, host, perMessageDeflate: false });

wss.on('connection', function onConnection(socket) {
  let stuckTimer = null;

  function onSent() {
    // Answers drained below the limit: read the client again.
    if (socket.isPaused && socket.bufferedAmount < maxBuffered) {
      clearTimeout(stuckTimer);
      stuckTimer = null;
      socket.resume();
    }
  }

  function onStuck() {
    socket.close(1008, 'too slow to read');
    // A peer that does not read will not read our close frame either.
    setTimeout(() => socket.terminate(), 1000).unref();
  }

  socket.on('message', function onMessage(data, isBinary) {
    socket.send(data, { binary: isBinary }, onSent);
    if (socket.bufferedAmount >= maxBuffered && !socket.isPaused) {
      socket.pause();
      stuckTimer = setTimeout(onStuck, slowClientTimeoutMs);
    }
  });
  socket.on('close', function onClose() {
    clearTimeout(stuckTimer);
  });
  socket.on('error', function onError() {
    socket.terminate();
  });
});
wss.on('listening', () => console.log(`bounded echo server (${maxBuffered} bytes per client) listening on ws://${host}:${port}`));

function shutdown() {
  for (const client of wss.clients) client.terminate();
  wss.close(() => process.exit(0));
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
