#!/usr/bin/env python3
"""A plain TCP server on loopback that floods its client: a hostile server.

Usage: flood_server.py after-close|endless-200|close-then-flood

Reads one request head, then:
  after-close       answers with a valid 101, waits for the client's first
                    bytes after it (its Close frame) and then sends binary
                    frames of 65535 bytes without end;
  endless-200       answers 200 OK with no length and sends a body without end;
  close-then-flood  answers with a valid 101 and its own Close frame (1000),
                    then sends bytes without end.
Sending stops when the client goes. Prints {"port": N} once listening, then
{"sent": N}: the bytes it managed to send after its answer.
"""
import base64
import hashlib
import json
import socket
import sys

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def report(entry):
    print(json.dumps(entry), flush=True)


def upgrade_answer(request):
    key = b""
    for line in request.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"sec-websocket-key":
            key = value.strip()
    accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
    return (b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n")


def flood(client, block):
    sent = 0
    try:
        while True:
            client.sendall(block)
            sent += len(block)
    except OSError:
        pass
    return sent


def main():
    mode = sys.argv[1]
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    report({"port": server.getsockname()[1]})
    client, _ = server.accept()
    request = b""
    while b"\r\n\r\n" not in request:
        data = client.recv(4096)
        if not data:
            return
        request += data
    if mode == "after-close":
        client.sendall(upgrade_answer(request))
        if not client.recv(4096):
            return
        block = (b"\x82\x7e\xff\xff" + b"\xab" * 65535) * 16
    elif mode == "endless-200":
        client.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n")
        block = b"x" * (1024 * 1024)
    else:
        client.sendall(upgrade_answer(request) + b"\x88\x02\x03\xe8")
        block = b"\x00" * (1024 * 1024)
    report({"sent": flood(client, block)})
    client.close()


if __name__ == "__main__":
    main()
