#!/usr/bin/env python3
"""A Python `websockets` server that pings its client, started by the tests on loopback.

Usage: pinging_server.py INTERVAL_MS

Prints {"port": N} on its first line. Pings each client every INTERVAL_MS
(websockets' own keep-alive: a 4-byte random payload) and echoes every
message. A text message "burst" makes it send the texts "a" and "b" with a
ping "mid" between them, all at once.
"""
import asyncio
import json
import sys

import websockets


async def handler(websocket, path=None):
    try:
        async for message in websocket:
            if message == "burst":
                await websocket.send("a")
                await websocket.ping(b"mid")
                await websocket.send("b")
            else:
                await websocket.send(message)
    except websockets.ConnectionClosed:
        pass   # a client that goes without a Close is no error here


async def main():
    interval = int(sys.argv[1]) / 1000.0
    async with websockets.serve(handler, "127.0.0.1", 0, ping_interval=interval, ping_timeout=None) as server:
        port = server.sockets[0].getsockname()[1]
        print(json.dumps({"port": port}), flush=True)
        await asyncio.Future()


asyncio.run(main())
