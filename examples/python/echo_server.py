"""A WebSocket echo server on Python's `websockets` (Debian: python3-websockets).

Listens on 127.0.0.1:$PORT (default 8080) and echoes every message; pings are answered by the library.
"""
import asyncio
import os
import signal

import websockets


async def echo(websocket, path=None):
    async for message in websocket:
        await websocket.send(message)


async def main():
    port = int(os.environ.get("PORT", "8080"))
    host = os.environ.get("HOST", "127.0.0.1")
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set_result, None)
    async with websockets.serve(echo, host, port):
        print(f"python echo server listening on ws://{host}:{port}", flush=True)
        await stop


if __name__ == "__main__":
    asyncio.run(main())
