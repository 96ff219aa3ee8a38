#!/usr/bin/env python3
"""A WebSocket server built on Python `websockets`, started by the tests on loopback.

Usage: size_server.py [--tls CERT KEY]

Prints {"port": N} on its first line, then one JSON line for each thing it
was asked to do. It answers text requests from the client:

  send KIND BYTES FRAMING   KIND text or binary, FRAMING one (a single frame)
                            or fragmented (three frames). Sends a message of
                            BYTES bytes (text: ASCII letters) and prints
                            {"sent": KIND, "bytes": N, "frames": F, "sha256": HEX}.
  rtt COUNT                 COUNT times: sends a short text and at once a
                            ping, and times the ping's pong. Prints
                            {"rtt_ms": [...]}, the round trips it measured.
"""
import asyncio
import hashlib
import json
import ssl
import sys
import time

import websockets


def report(entry):
    sys.stdout.write(json.dumps(entry) + "\n")
    sys.stdout.flush()


def payload(kind, size):
    # Varied bytes, the same every time for a size; text stays ASCII so that
    # a fragment boundary never splits a character.
    pattern = bytes((i * 7 + i // 251) % 256 for i in range(4096))
    if kind == "text":
        pattern = bytes(ord("a") + b % 26 for b in pattern)
    data = (pattern * (size // len(pattern) + 1))[:size]
    return data.decode("ascii") if kind == "text" else data


async def handle(ws, *_):
    async for request in ws:
        words = request.split() if isinstance(request, str) else []
        if len(words) == 4 and words[0] == "send":
            kind, size, framing = words[1], int(words[2]), words[3]
            data = payload(kind, size)
            raw = data.encode("ascii") if kind == "text" else data
            if framing == "fragmented":
                third = size // 3
                parts = [data[:third], data[third:2 * third], data[2 * third:]]
                await ws.send(parts)
            else:
                await ws.send(data)
            report({"sent": kind, "bytes": size, "frames": 3 if framing == "fragmented" else 1,
                    "sha256": hashlib.sha256(raw).hexdigest()})
        elif len(words) == 2 and words[0] == "rtt":
            rtts = []
            for _ in range(int(words[1])):
                await ws.send("tick " + "x" * 40)
                start = time.perf_counter()
                waiter = await ws.ping()
                await waiter
                rtts.append((time.perf_counter() - start) * 1000.0)
                await asyncio.sleep(0.05)
            report({"rtt_ms": rtts})


async def main():
    args = sys.argv[1:]
    context = None
    if "--tls" in args:
        at = args.index("--tls")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args[at + 1], args[at + 2])
    # No keep-alive pings of its own, no limit on what it reads, no
    # compression (Qt offers none anyway).
    async with websockets.serve(handle, "127.0.0.1", 0, ssl=context, ping_interval=None, max_size=None,
                                compression=None) as server:
        report({"port": server.sockets[0].getsockname()[1]})
        await asyncio.Future()


asyncio.run(main())
