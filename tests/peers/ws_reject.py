#!/usr/bin/env python3
"""A Python `websockets` server that turns every upgrade away with 401.

Usage: ws_reject.py

Its process_request hook answers 401 Unauthorized with a JSON body and a
WWW-Authenticate header, as an API that wants a token does. Prints
{"port": N} once listening.
"""
import asyncio
import http
import json

import websockets

BODY = json.dumps({"error": "unauthorized", "hint": "send a bearer token"}).encode()


async def refuse(path, request_headers):
    return (http.HTTPStatus.UNAUTHORIZED,
            [("Content-Type", "application/json"), ("WWW-Authenticate", 'Bearer realm="api"')],
            BODY)


async def never(websocket, path):
    await websocket.close()


async def main():
    async with websockets.serve(never, "127.0.0.1", 0, process_request=refuse) as server:
        port = server.sockets[0].getsockname()[1]
        print(json.dumps({"port": port}), flush=True)
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main())
