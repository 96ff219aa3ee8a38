// Node's ws as a client: connects to argv[2] offering the subprotocols in
// argv[3] (comma-separated) with the header "X-Test-Client: node-ws", sends
// one text message, waits for its echo, closes with 1000 and prints one JSON
// line: the subprotocol answered, the echo, the close code.
const WebSocket = require('ws');

const url = process.argv[2];
const protocols = (process.argv[3] || '').split(',').filter((p) => p.length > 0);
const ws = new WebSocket(url, protocols, { headers: { 'X-Test-Client': 'node-ws' } });
const result = { protocol: null, echo: null, code: null, error: null };
ws.on('open', () => {
  result.protocol = ws.protocol;
  ws.send('hello from node');
});
ws.on('message', (data) => {
  result.echo = data.toString();
  ws.close(1000, 'done');
});
ws.on('unexpected-response', (request, response) => {
  result.error = 'status ' + response.statusCode;
  console.log(JSON.stringify(result));
  process.exit(0);
});
ws.on('error', (error) => {
  result.error = String(error.message);
});
ws.on('close', (code) => {
  result.code = code;
  console.log(JSON.stringify(result));
});
