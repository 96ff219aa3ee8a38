#!/usr/bin/env python3
"""A plain TCP server that answers a WebSocket upgrade request with given bytes.

Usage: http_answer.py ANSWER_BASE64 keep|half|close

Reads one request head, replaces {ACCEPT} in the answer with the right
Sec-WebSocket-Accept for the request's key, sends it, and then keeps the
connection open until the client goes (keep), shuts down its writing side and
reads until the client goes (half), or closes at once (close). Prints
{"port": N} once listening, then {"request": base64, "answer": base64}: what
it read and what it sent.
"""
import base64
import hashlib
import json
import socket
import sys

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def main():
    answer = base64.b64decode(sys.argv[1])
    mode = sys.argv[2]
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    print(json.dumps({"port": server.getsockname()[1]}), flush=True)
    client, _ = server.accept()
    request = b""
    while b"\r\n\r\n" not in request:
        data = client.recv(4096)
        if not data:
            return
        request += data
    key = b""
    for line in request.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"sec-websocket-key":
            key = value.strip()
    accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
    answer = answer.replace(b"{ACCEPT}", accept)
    print(json.dumps({"request": base64.b64encode(request).decode(),
                      "answer": base64.b64encode(answer).decode()}), flush=True)
    client.sendall(answer)
    if mode == "close":
        client.close()
        return
    if mode == "half":
        client.shutdown(socket.SHUT_WR)
    while client.recv(4096):
        pass
    client.close()


if __name__ == "__main__":
    main()
