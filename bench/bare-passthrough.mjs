#!/usr/bin/env node
// The floor for any Node gateway: node:http in front, one undici Pool behind, the request and the
// response parsed and re-serialised (each SSE event too) and nothing else — no validation, routing,
// limits, ids or metrics. PRODUCT.md's "bare pass-through" reference; the benchmark runs it as a
// path of its own so "what the extra hop costs" is measured on the same machine, in the same run.
//
// Usage: node bench/bare-passthrough.mjs --port P --upstream http://127.0.0.1:U
import http from 'node:http';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    upstream: { type: 'string' },
  },
});

const pool = new Pool(values.upstream, { connections: 1024, pipelining: 1, keepAliveTimeout: 120_000 });

function sendError(response, status, message) {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = JSON.stringify({ error: { message, type: 'bare_passthrough_error' } });
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

async function forwardStream(upstream, response) {
  response.writeHead(upstream.statusCode, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  let buffered = '';
  for await (const part of upstream.body) {
    buffered += part.toString();
    let end = buffered.indexOf('\n\n');
    while (end !== -1) {
      const event = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const data = event.startsWith('data: ') ? event.slice(6) : null;
      if (data !== null) response.write(data === '[DONE]' ? 'data: [DONE]\n\n' : `data: ${JSON.stringify(JSON.parse(data))}\n\n`);
      end = buffered.indexOf('\n\n');
    }
  }
  response.end();
}

async function forward(request, response, rawBody) {
  const body = JSON.stringify(JSON.parse(rawBody));
  const upstream = await pool.request({
    path: '/v1/chat/completions',
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: request.headers.authorization ?? '' },
    body,
  });
  if ((upstream.headers['content-type'] ?? '').startsWith('text/event-stream')) {
    await forwardStream(upstream, response);
    return;
  }
  const text = JSON.stringify(await upstream.body.json());
  response.writeHead(upstream.statusCode, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

const server = http.createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/healthz') {
    response.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 });
    response.end('ok');
    return;
  }
  const parts = [];
  request.on('data', (part) => parts.push(part));
  request.on('end', () => {
    forward(request, response, Buffer.concat(parts).toString()).catch((error) => sendError(response, 502, error.message));
  });
});
server.keepAliveTimeout = 120_000;

server.listen(Number(values.port), values.host, () => {
  process.stdout.write(`${JSON.stringify({ ready: true, port: server.address().port })}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.closeAllConnections();
    server.close(() => pool.close().then(() => process.exit(0)));
  });
}
