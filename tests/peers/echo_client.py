#!/usr/bin/env python3
"""Talks to a wsscope echo server the way many Python tutorials do.

Usage: echo_client.py URL

Sends a text and a binary message, expects both back unchanged, and keeps the
connection up with run_forever(ping_interval=2, ping_timeout=5) until at least
one pong has come back. Prints one line per finding and exits 0 only when the
echoes matched and a pong arrived.
"""
import sys
import threading

import websocket

TEXT = "h\u00e9llo from websocket-client \u2603"
BINARY = bytes(range(256))


def main():
    url = sys.argv[1]
    got = {"text": None, "binary": None, "pongs": 0, "error": None}

    def maybe_done(ws):
        if got["text"] is not None and got["binary"] is not None and got["pongs"] >= 1:
            ws.close()

    def on_open(ws):
        ws.send(TEXT)
        ws.send(BINARY, opcode=websocket.ABNF.OPCODE_BINARY)

    def on_message(ws, message):
        if isinstance(message, bytes):
            got["binary"] = message
        else:
            got["text"] = message
        maybe_done(ws)

    def on_pong(ws, payload):
        got["pongs"] += 1
        maybe_done(ws)

    def on_error(ws, error):
        got["error"] = repr(error)

    app = websocket.WebSocketApp(url, on_open=on_open, on_message=on_message,
                                 on_pong=on_pong, on_error=on_error)
    watchdog = threading.Timer(20.0, app.close)
    watchdog.start()
    try:
        app.run_forever(ping_interval=2, ping_timeout=5)
    except websocket.WebSocketException as refused:
        # websocket-client before 1.4 (Debian 12 ships 1.2.3) insists on
        # ping_interval > ping_timeout and refuses the tutorials' 2 s / 5 s.
        print("websocket-client %s refused ping_timeout=5 (%s); using ping_timeout=1"
              % (websocket.__version__, refused))
        app.run_forever(ping_interval=2, ping_timeout=1)
    watchdog.cancel()

    ok = True
    if got["text"] == TEXT:
        print("text echo ok")
    else:
        print("text echo wrong: %r" % (got["text"],))
        ok = False
    if got["binary"] == BINARY:
        print("binary echo ok")
    else:
        print("binary echo wrong: %r" % (got["binary"],))
        ok = False
    print("pongs: %d" % got["pongs"])
    if got["pongs"] < 1:
        ok = False
    if got["error"]:
        print("error: %s" % got["error"])
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
