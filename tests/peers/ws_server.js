#!/usr/bin/env node
// A WebSocket server built on Node's `ws`, started by the tests on loopback.
//
// Usage: ws_server.js [--tls CERT KEY] [--require-cert CA]
//                     [--require-header NAME:VALUE] [--require-protocol NAME]
//
// With --require-header, an upgrade without that header (and value) is
// answered 401; with --require-protocol, one that does not offer that
// subprotocol is answered 400. Each refusal is logged as {"event": "refused"}.
//
// Prints {"port": N} on its first line, then one JSON line per thing it sends
// or receives, so a test can compare the frames wsscope saw with the frames
// this peer reports. It adds the response header X-Wsscope-Test: yes and picks
// the subprotocol chat.v2 when the client offers it.
//
// A text message "script" makes it send: text "one", the text "frag-ment" in
// two fragments, binary 00 01 02, and a ping "srv". A text message
// "close <code> <reason>" makes it close with that code and reason. Anything
// else is echoed.
'use strict';

const fs = require('fs');
const http = require('http');
const https = require('https');
const WebSocket = require('ws');

const args = process.argv.slice(2);
let server;
const tls = args.indexOf('--tls');
const requireCert = args.indexOf('--require-cert');
if (tls >= 0) {
  const options = {
    cert: fs.readFileSync(args[tls + 1]),
    key: fs.readFileSync(args[tls + 2]),
  };
  if (requireCert >= 0) {
    // Mutual TLS: only clients with a certificate signed by CA get in.
    options.requestCert = true;
    options.rejectUnauthorized = true;
    options.ca = fs.readFileSync(args[requireCert + 1]);
  }
  server = https.createServer(options);
} else {
  server = http.createServer();
}

const log = (entry) => process.stdout.write(JSON.stringify(entry) + '\n');
const hex = (data) => Buffer.from(data).toString('hex');

const requireHeader = args.indexOf('--require-header');
const requireProtocol = args.indexOf('--require-protocol');
const verifyClient = (info, done) => {
  const request = info.req;
  if (requireHeader >= 0) {
    const spec = args[requireHeader + 1];
    const colon = spec.indexOf(':');
    const name = spec.slice(0, colon).trim().toLowerCase();
    const value = spec.slice(colon + 1).trim();
    if (request.headers[name] !== value) {
      log({ event: 'refused', status: 401, headers: request.rawHeaders });
      return done(false, 401, 'Unauthorized');
    }
  }
  if (requireProtocol >= 0) {
    const offered = (request.headers['sec-websocket-protocol'] || '').split(',').map((p) => p.trim());
    if (!offered.includes(args[requireProtocol + 1])) {
      log({ event: 'refused', status: 400, headers: request.rawHeaders });
      return done(false, 400, 'Bad Request');
    }
  }
  return done(true);
};

const wss = new WebSocket.Server({
  server,
  verifyClient,
  handleProtocols: (protocols) => {
    if (requireProtocol >= 0)
      return protocols.has(args[requireProtocol + 1]) ? args[requireProtocol + 1] : false;
    return protocols.has('chat.v2') ? 'chat.v2' : false;
  },
});

wss.on('headers', (headers) => headers.push('X-Wsscope-Test: yes'));

wss.on('connection', (ws, request) => {
  const entry = { event: 'open', url: request.url, headers: request.rawHeaders, protocol: ws.protocol };
  if (requireCert >= 0 && request.socket.getPeerCertificate) {
    const certificate = request.socket.getPeerCertificate();
    entry.clientSubject = certificate && certificate.subject ? certificate.subject : null;
  }
  log(entry);
  const send = (data, options) => {
    ws.send(data, options);
    log({ dir: 'sent', type: options.binary ? 'binary' : 'text', fin: options.fin !== false, data: hex(data) });
  };
  ws.on('message', (data, isBinary) => {
    log({ dir: 'received', type: isBinary ? 'binary' : 'text', data: hex(data) });
    const text = isBinary ? '' : data.toString();
    if (text === 'script') {
      send('one', { binary: false });
      send('frag-', { binary: false, fin: false });
      send('ment', { binary: false, fin: true });
      send(Buffer.from([0, 1, 2]), { binary: true });
      ws.ping('srv');
      log({ dir: 'sent', type: 'ping', data: hex('srv') });
    } else if (text.startsWith('close ')) {
      const [, code, ...reason] = text.split(' ');
      ws.close(Number(code), reason.join(' '));
      log({ dir: 'sent', type: 'close', code: Number(code), reason: reason.join(' ') });
    } else {
      send(data, { binary: isBinary });
    }
  });
  ws.on('ping', (data) => log({ dir: 'received', type: 'ping', data: hex(data) }));
  ws.on('pong', (data) => log({ dir: 'received', type: 'pong', data: hex(data) }));
  ws.on('close', (code, reason) => log({ dir: 'received', type: 'close', code, reason: reason.toString() }));
});

server.listen(0, '127.0.0.1', () => log({ port: server.address().port }));
