// One variant of the HTTP layer per run (argv[2]); reports its own CPU time over IPC.
//   node-http-static / hono-static: parse the JSON body, answer a small JSON (no upstream)
//   node-http / hono:                parse, call the upstream with undici, parse, re-serialise
//   node-http-sse / hono-sse:        answer 50 SSE chunks generated in process
//   node-http-sse-pass:              pipe an upstream SSE stream through unchanged
//   liter:                           the real gateway from dist/ (engine, validation, metrics...)
import { createServer } from 'node:http';
import { Agent, request } from 'undici';

const variant = process.argv[2];
const upstreamURL = process.env.UPSTREAM;
const agent = new Agent({ connections: 64, keepAliveTimeout: 60_000 });
let start = process.cpuUsage();
process.on('message', (message) => {
  if (message === 'reset') {
    start = process.cpuUsage();
    process.send({ reset: true });
  } else if (message === 'report') {
    const used = process.cpuUsage(start);
    process.send({ cpuMicros: used.user + used.system, rss: process.memoryUsage().rss });
  }
});
process.on('SIGTERM', () => process.exit(0));

async function callUpstream(payload) {
  const response = await request(`${upstreamURL}/v1/chat/completions`, {
    method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json', authorization: 'Bearer x' }, body: JSON.stringify(payload),
  });
  return response;
}
const sseChunk = (model, index) =>
  `{"id":"chatcmpl-1","object":"chat.completion.chunk","model":${JSON.stringify(model)},"choices":[{"index":0,"delta":{"content":${JSON.stringify(`token${index}`)}},"finish_reason":null}]}`;

function listenNode(handler) {
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => void handler(JSON.parse(Buffer.concat(chunks).toString('utf8')), res));
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
}
function sendJSON(res, value) {
  const text = JSON.stringify(value);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
async function listenHono(register) {
  const { Hono } = await import('hono');
  const { serve } = await import('@hono/node-server');
  const app = new Hono();
  await register(app);
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => process.send({ port: info.port }));
  server.keepAliveTimeout = 60_000;
}

switch (variant) {
  case 'node-http-static':
    listenNode((payload, res) => sendJSON(res, { ok: true, model: payload.model }));
    break;
  case 'hono-static':
    await listenHono((app) => app.post('/v1/chat/completions', async (c) => c.json({ ok: true, model: (await c.req.json()).model })));
    break;
  case 'node-http':
    listenNode(async (payload, res) => sendJSON(res, await (await callUpstream(payload)).body.json()));
    break;
  case 'hono':
    await listenHono((app) => app.post('/v1/chat/completions', async (c) => c.json(await (await callUpstream(await c.req.json())).body.json())));
    break;
  case 'node-http-sse':
    listenNode(async (payload, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      for (let index = 0; index < 50; index++) {
        await Promise.resolve();
        if (!res.write(`data: ${sseChunk(payload.model, index)}\n\n`)) await new Promise((resolve) => res.once('drain', resolve));
      }
      res.end('data: [DONE]\n\n');
    });
    break;
  case 'hono-sse': {
    const { streamSSE } = await import('hono/streaming');
    await listenHono((app) =>
      app.post('/v1/chat/completions', async (c) => {
        const payload = await c.req.json();
        return streamSSE(c, async (stream) => {
          for (let index = 0; index < 50; index++) {
            await Promise.resolve();
            await stream.writeSSE({ data: sseChunk(payload.model, index) });
          }
          await stream.writeSSE({ data: '[DONE]' });
        });
      }),
    );
    break;
  }
  case 'node-http-sse-pass':
    listenNode(async (payload, res) => {
      const upstream = await callUpstream({ ...payload, stream: true });
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for await (const chunk of upstream.body) if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
      res.end();
    });
    break;
  case 'liter': {
    const { createEngine } = await import('../../../dist/create-engine.js');
    const { startGateway } = await import('../../../dist/gateway/index.js');
    const engine = createEngine({
      providers: { openai: { baseURL: `${upstreamURL}/v1`, apiKey: 'sk-bench', maxConcurrency: 256 } },
      server: { apiKeys: process.env.KEYS ? ['bench-key'] : [] },
    });
    const gateway = await startGateway({ engine, config: engine.config.server, host: '127.0.0.1', port: 0 });
    process.send({ port: gateway.port });
    break;
  }
  default:
    throw new Error(`unknown variant ${variant}`);
}
