#!/usr/bin/env node
// The benchmark's upstream: a minimal OpenAI Chat Completions server with a fixed latency.
//
// It runs as its own process so that its CPU never mixes with the gateway's. The latency comes from
// the model name ("bench-50ms" waits 50 ms), because every gateway forwards the model name
// unchanged while custom headers may be dropped; so one upstream serves every cell of the run.
//
// JSON: the whole chat.completion after the latency.
// SSE (stream: true): the opening chunk (role, empty content) after the latency, then CONTENT_CHUNKS
// content chunks, the finish chunk, the usage chunk when stream_options.include_usage asks for it,
// and `data: [DONE]` — each written separately, one per tick of a CHUNK_SPACING_MS ticker, the way OpenAI sends them
// (shapes follow src/providers/openai/__fixtures__/openai-chat/chat-stream-usage.sse).
//
// Usage: node bench/mock-upstream.mjs --port P [--chunk-spacing-ms 1] [--content-chunks 20]
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'chunk-spacing-ms': { type: 'string', default: '1' },
    'content-chunks': { type: 'string', default: '20' },
  },
});

const CHUNK_SPACING_MS = Number(values['chunk-spacing-ms']);
const CONTENT_CHUNKS = Number(values['content-chunks']);
const CREATED = 1_727_346_171;
const FINGERPRINT = 'fp_7568d46099';
// Tokens of a typical short answer; each content chunk carries one.
const TOKENS = [
  'The',
  ' quick',
  ' brown',
  ' fox',
  ' jumps',
  ' over',
  ' the',
  ' lazy',
  ' dog',
  ',',
  ' and',
  ' then',
  ' it',
  ' rests',
  ' under',
  ' a',
  ' tall',
  ' oak',
  ' tree',
  '.',
];

function tokenAt(index) {
  return TOKENS[index % TOKENS.length];
}

let nextId = 0;
function createId() {
  nextId += 1;
  return `chatcmpl-bench${nextId.toString(36).padStart(12, '0')}`;
}

function parseLatencyMs(model) {
  const match = /-(\d+)ms$/.exec(model);
  return match ? Number(match[1]) : 0;
}

function createUsage(completionTokens) {
  return {
    prompt_tokens: 19,
    completion_tokens: completionTokens,
    total_tokens: 19 + completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function createCompletion(model) {
  let content = '';
  for (let index = 0; index < CONTENT_CHUNKS; index += 1) content += tokenAt(index);
  return JSON.stringify({
    id: createId(),
    object: 'chat.completion',
    created: CREATED,
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: createUsage(CONTENT_CHUNKS),
    service_tier: 'default',
    system_fingerprint: FINGERPRINT,
  });
}

function createChunk(id, model, delta, finishReason) {
  return createChunkEvent(id, model, [{ index: 0, delta, logprobs: null, finish_reason: finishReason }], null);
}

/** The last chunk of a stream that asked for `stream_options.include_usage`: no choices, the usage. */
function createUsageChunk(id, model) {
  return createChunkEvent(id, model, [], createUsage(CONTENT_CHUNKS));
}

function createChunkEvent(id, model, choices, usage) {
  return `data: ${JSON.stringify({
    id,
    object: 'chat.completion.chunk',
    created: CREATED,
    model,
    service_tier: 'default',
    system_fingerprint: FINGERPRINT,
    choices,
    usage,
  })}\n\n`;
}

/** The frames of one stream, in order; the first one leaves after the latency. */
function createStreamFrames(model, includeUsage) {
  const id = createId();
  const frames = [createChunk(id, model, { role: 'assistant', content: '', refusal: null }, null)];
  for (let index = 0; index < CONTENT_CHUNKS; index += 1) {
    frames.push(createChunk(id, model, { content: tokenAt(index) }, null));
  }
  frames.push(createChunk(id, model, {}, 'stop'));
  if (includeUsage) frames.push(createUsageChunk(id, model));
  frames.push('data: [DONE]\n\n');
  return frames;
}

function sendError(response, status, message) {
  const body = JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: null } });
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

function sendJSON(response, model) {
  const body = createCompletion(model);
  response.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-request-id': 'req_bench',
    'openai-processing-ms': '1',
  });
  response.end(body);
}

// Streams advance together on one shared ticker, the way an inference server emits one token for
// every running sequence per decoding step; one timer per stream would cost this process far more CPU
// at 256 streams, and this process shares a core with the load generator.
const streams = new Set();
let ticker = null;

function tick() {
  for (const stream of streams) writeNextFrame(stream);
  if (streams.size === 0) {
    clearInterval(ticker);
    ticker = null;
  }
}

function writeNextFrame(stream) {
  const { response, frames } = stream;
  if (response.destroyed) {
    streams.delete(stream);
    return;
  }
  const frame = frames[stream.index];
  stream.index += 1;
  if (stream.index === frames.length) {
    streams.delete(stream);
    response.end(frame);
  } else {
    response.write(frame);
  }
}

// Every stream of one model says the same thing: its frames are built once, as bytes, so the
// upstream spends its CPU on the socket writes only.
const cachedFrames = new Map();
function getStreamFrames(model, includeUsage) {
  const key = `${model}|${includeUsage}`;
  let frames = cachedFrames.get(key);
  if (!frames) {
    frames = createStreamFrames(model, includeUsage).map((frame) => Buffer.from(frame));
    cachedFrames.set(key, frames);
  }
  return frames;
}

function sendStream(response, model, includeUsage) {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-request-id': 'req_bench',
    'openai-processing-ms': '1',
  });
  const stream = { response, frames: getStreamFrames(model, includeUsage), index: 0 };
  // The opening chunk leaves now (after the latency); the rest on the next ticks.
  writeNextFrame(stream);
  streams.add(stream);
  ticker ??= setInterval(tick, CHUNK_SPACING_MS);
}

function answer(request, response, rawBody) {
  let body;
  try {
    body = JSON.parse(rawBody);
  } catch {
    sendError(response, 400, 'We could not parse the JSON body of your request.');
    return;
  }
  const model = typeof body.model === 'string' ? body.model : 'bench-0ms';
  const latencyMs = parseLatencyMs(model);
  const respond =
    body.stream === true
      ? () => sendStream(response, model, body.stream_options?.include_usage === true)
      : () => sendJSON(response, model);
  if (latencyMs > 0) setTimeout(respond, latencyMs);
  else respond();
}

const server = http.createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/healthz') {
    response.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 });
    response.end('ok');
    return;
  }
  if (request.method !== 'POST' || !request.url.endsWith('/chat/completions')) {
    sendError(response, 404, `Unknown request URL: ${request.method} ${request.url}`);
    return;
  }
  const parts = [];
  request.on('data', (part) => parts.push(part));
  request.on('end', () => answer(request, response, parts.length === 1 ? parts[0].toString() : Buffer.concat(parts).toString()));
});
// Gateways keep pooled connections open between cells; never close them under their feet.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 125_000;
server.requestTimeout = 0;

server.listen(Number(values.port), values.host, () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ ready: true, port: address.port })}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}
