#!/usr/bin/env node
// A WebSocket server built on Node's `ws`, started by the tests on loopback:
// the same requests as size_server.py.
//
// Usage: size_server.js [--tls CERT KEY]
//
// Prints {"port": N}, then for each text request "send KIND BYTES FRAMING"
// (KIND text or binary, FRAMING one or fragmented) sends a message of BYTES
// bytes, as one frame or as three, and prints
// {"sent": KIND, "bytes": N, "frames": F, "sha256": HEX}.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const https = require('https');
const WebSocket = require('ws');

const args = process.argv.slice(2);
const tls = args.indexOf('--tls');
const server = tls >= 0
  ? https.createServer({ cert: fs.readFileSync(args[tls + 1]), key: fs.readFileSync(args[tls + 2]) })
  : http.createServer();
const log = (entry) => process.stdout.write(JSON.stringify(entry) + '\n');

// Varied bytes, the same every time for a size; text stays ASCII.
const payload = (kind, size) => {
  const pattern = Buffer.alloc(4096);
  for (let i = 0; i < pattern.length; ++i) {
    const b = (i * 7 + Math.floor(i / 251)) % 256;
    pattern[i] = kind === 'text' ? 0x61 + (b % 26) : b;
  }
  const data = Buffer.alloc(size);
  for (let at = 0; at < size; at += pattern.length)
    pattern.copy(data, at, 0, Math.min(pattern.length, size - at));
  return data;
};

const wss = new WebSocket.Server({ server, perMessageDeflate: false });
wss.on('connection', (ws) => {
  ws.on('message', (message, isBinary) => {
    const words = isBinary ? [] : message.toString().split(' ');
    if (words.length !== 4 || words[0] !== 'send')
      return;
    const [, kind, sizeText, framing] = words;
    const size = Number(sizeText);
    const data = payload(kind, size);
    const binary = kind === 'binary';
    if (framing === 'fragmented') {
      const third = Math.floor(size / 3);
      ws.send(data.subarray(0, third), { binary, fin: false });
      ws.send(data.subarray(third, 2 * third), { binary, fin: false });
      ws.send(data.subarray(2 * third), { binary, fin: true });
    } else {
      ws.send(data, { binary });
    }
    log({ sent: kind, bytes: size, frames: framing === 'fragmented' ? 3 : 1,
          sha256: crypto.createHash('sha256').update(data).digest('hex') });
  });
});

server.listen(0, '127.0.0.1', () => log({ port: server.address().port }));
