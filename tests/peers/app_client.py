#!/usr/bin/python3
# A client written the way people write their first one with websocket-client:
# WebSocketApp with keep-alive pings. Connects to argv[1], sends a text and a
# binary message, keeps the connection open for argv[2] seconds (pings go out
# every 2 s meanwhile), closes with 1000 and prints one JSON line of what it
# received.
import json
import sys
import threading
import time

import websocket

url = sys.argv[1]
stay = float(sys.argv[2]) if len(sys.argv) > 2 else 5.0
received = []
errors = []


def on_open(ws):
    def talk():
        ws.send("hello from websocket-client")
        ws.send(bytes(range(256)), opcode=websocket.ABNF.OPCODE_BINARY)
        time.sleep(stay)
        ws.close(status=1000, reason=b"bye")

    threading.Thread(target=talk, daemon=True).start()


def on_message(ws, message):
    received.append(message.hex() if isinstance(message, bytes) else message)


def on_error(ws, error):
    errors.append(repr(error))


app = websocket.WebSocketApp(url, on_open=on_open, on_message=on_message, on_error=on_error)
# ping_timeout must be below ping_interval (websocket-client 1.2.3 checks it).
app.run_forever(ping_interval=2, ping_timeout=1)
print(json.dumps({"received": received, "errors": errors}), flush=True)
