"""A WebSocket echo server on Python's `websockets` (Debian: python3-websockets; or pip install websockets).

Listens on 127.0.0.1:$PORT (default 8080) and echoes every message; pings are answered by the library.
Runs on websockets 10 (Debian 12's, the legacy implementation) as on the current releases (the asyncio one).
"""
import asyncio
import os
import signal

import websockets
from websockets.exceptions import ConnectionClosed


async def echo(websocket, path=None):
    # `path` is passed only by websockets before 10.1; later versions call the handler with the connection alone.
    try:
        async for message in websocket:
            await websocket.send(message)
    except ConnectionClosed:
        # A client that vanishes without a close handshake (a dropped network, a killed tab) is routine for a
        # server: without this, websockets logs "connection handler failed" with a traceback for every one.
        pass


async def main():
    port = int(os.environ.get("PORT", "8080"))
    host = os.environ.get("HOST", "127.0.0.1")
    loop = asyncio.get_running_loop()
    stop = loop.create_future()

    def on_signal():
        # The same stop may arrive twice (a supervisor signalling the process group and then the pid): the
        # second must not set the future again, which raises InvalidStateError into the log.
        if not stop.done():
            stop.set_result(None)

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, on_signal)
    async with websockets.serve(echo, host, port):
        print(f"python echo server listening on ws://{host}:{port}", flush=True)
        await stop


if __name__ == "__main__":
    asyncio.run(main())
