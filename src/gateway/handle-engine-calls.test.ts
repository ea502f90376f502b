/**
 * /v1/engine/*: the stdio protocol's calls over HTTP, through a real gateway (port 0) on the real
 * engine, against the local provider servers. What the HTTP answers carry is checked against what
 * the stdio protocol (the in-process loopback, the same serveProtocol as `engine --stdio`) answers
 * for the same call, so a binding can parse both with one parser.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../create-engine.js';
import type { LiterLLMConfigInput } from '../engine/config/liter-llm-config-input.js';
import type { ReloadableEngine } from '../engine/create-engine-core.js';
import { createLoopbackClient, type LoopbackClient } from '../protocol/create-loopback-client.js';
import { engineFrameSchema } from '../protocol/engine-frame-schema.js';
import type { AttemptRecord, ChatResponse } from '../spec/chat-response.js';
import { createFailingHandler } from '../testing/create-failing-handler.js';
import { echoOpenAIHandler, openAIFailureFormat } from '../testing/echo-openai-handler.js';
import { MockProviderServer } from '../testing/mock-provider-server.js';
import { startGateway, type RunningGateway } from './start-gateway.js';

const API_KEY = 'lk-engine-http-test-0123456789';
const HELLO = { role: 'user', content: 'Hello there' } as const;

let echo: MockProviderServer;
let limited: MockProviderServer;
let rejecting: MockProviderServer;
let broken: MockProviderServer;
let midStream: MockProviderServer;
let hanging: MockProviderServer;
// Two engines of one config: the gateway's, and the one behind the stdio loopback, so that one's
// limiter state (a 429 pauses the model) does not change the other's answers.
let engine: ReloadableEngine;
let stdioEngine: ReloadableEngine;
let gateway: RunningGateway;
let loopback: LoopbackClient;

beforeAll(async () => {
  echo = await MockProviderServer.start({ handler: echoOpenAIHandler });
  limited = await MockProviderServer.start({
    handler: createFailingHandler(echoOpenAIHandler, openAIFailureFormat, { failRate: 1, status: 429, retryAfterSeconds: 3 }),
  });
  rejecting = await MockProviderServer.start({
    handler: createFailingHandler(echoOpenAIHandler, openAIFailureFormat, { failRate: 1, status: 401 }),
  });
  broken = await MockProviderServer.start({
    handler: createFailingHandler(echoOpenAIHandler, openAIFailureFormat, { failRate: 1, status: 500 }),
  });
  midStream = await MockProviderServer.start({
    handler: createFailingHandler(echoOpenAIHandler, openAIFailureFormat, { failRate: 1, failMidStream: 'error' }),
  });
  // "hang" in the prompt: the status line and the first two stream events, then nothing (a stuck model server).
  hanging = await MockProviderServer.start({
    handler: async (request) => {
      const response = await echoOpenAIHandler(request);
      if (!JSON.stringify(request.json).includes('hang')) return response;
      return Array.isArray(response.body)
        ? { ...response, hangAfterChunks: 2 }
        : { ...response, body: '{"id":', hangAfterChunks: 1 };
    },
  });
  const config: LiterLLMConfigInput = {
    providers: {
      echo: { type: 'openai-compatible', baseURL: `${echo.url}/v1`, models: ['m'] },
      limited: { type: 'openai-compatible', baseURL: `${limited.url}/v1`, maxRetries: 0 },
      rejecting: { type: 'openai-compatible', baseURL: `${rejecting.url}/v1`, apiKey: 'sk-revoked-0123456789', maxRetries: 0 },
      broken: { type: 'openai-compatible', baseURL: `${broken.url}/v1`, maxRetries: 1 },
      midstream: { type: 'openai-compatible', baseURL: `${midStream.url}/v1`, maxRetries: 0 },
      single: { type: 'openai-compatible', baseURL: `${hanging.url}/v1`, maxConcurrency: 1, maxQueueWaitMs: 0, maxRetries: 0 },
    },
    routes: { fast: { targets: [{ provider: 'broken', model: 'm' }], fallbacks: ['echo/m'] } },
  };
  engine = createEngine(config);
  gateway = await startGateway({ engine, config: { apiKeys: [API_KEY] }, host: '127.0.0.1', port: 0 });
  stdioEngine = createEngine(config);
  loopback = createLoopbackClient(stdioEngine);
});

afterAll(async () => {
  await loopback.close();
  await gateway.close();
  await Promise.all([engine.close(), stdioEngine.close()]);
  await Promise.all([echo, limited, rejecting, broken, midStream, hanging].map((server) => server.close()));
});

afterEach(() => {
  hanging.requests.length = 0;
});

function call(
  path: string,
  body?: unknown,
  init: { key?: string | null; signal?: AbortSignal; url?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const key = init.key === undefined ? API_KEY : init.key;
  if (key !== null) headers['authorization'] = `Bearer ${key}`;
  return fetch(`${init.url ?? gateway.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers,
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    ...(init.signal !== undefined && { signal: init.signal }),
  });
}

/** The SSE body's frames, each one checked against the protocol's engine frame schema (with a placeholder id). */
function parseFrames(text: string): Record<string, unknown>[] {
  const events = text.split('\n\n').filter((event) => event !== '');
  return events.map((event) => {
    expect(event.startsWith('data: ')).toBe(true);
    expect(event.includes('\n')).toBe(false);
    const frame = JSON.parse(event.slice('data: '.length)) as Record<string, unknown>;
    expect(engineFrameSchema.safeParse({ ...frame, id: 0 }).success).toBe(true);
    return frame;
  });
}

/** What differs between two calls by design: ids and timings. */
function comparable(response: { requestId?: string; attempts?: readonly AttemptRecord[] | undefined }): unknown {
  return {
    ...response,
    ...('id' in response && { id: '' }),
    requestId: '',
    attempts: response.attempts?.map((attempt) => ({ ...attempt, durationMs: 0 })),
  };
}

async function waitFor(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function inFlight(provider: string): number {
  return engine.stats().find((stats) => stats.name === provider)?.inFlight ?? -1;
}

describe('POST /v1/engine/chat', () => {
  it('answers the stdio result frame without id: the ChatResponse with provider, rawFinishReason and attempts', async () => {
    const request = { model: 'echo/m', messages: [HELLO] };
    const response = await call('/v1/engine/chat', { params: request, options: { requestId: 'req-engine-1' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-request-id')).toBe('req-engine-1');
    const body = (await response.json()) as { type: string; result: ChatResponse };
    expect(Object.keys(body)).toEqual(['type', 'result']);
    expect(body.type).toBe('result');
    expect(engineFrameSchema.safeParse({ ...body, id: 0 }).success).toBe(true);
    expect(body.result).toMatchObject({
      provider: 'echo',
      text: 'Echo: Hello there',
      finishReason: 'stop',
      rawFinishReason: 'stop',
      attempts: [{ provider: 'echo', model: 'm', outcome: 'ok' }],
    });
    // The same call over the stdio protocol: the same payload.
    const overStdio = await loopback.chat(request);
    expect(comparable(body.result)).toEqual(comparable(overStdio));
  });

  it('retries and fallbacks show in attempts; options.maxRetries applies to the call', async () => {
    const response = await call('/v1/engine/chat', { params: { model: 'fast', messages: [HELLO] } });
    expect(response.status).toBe(200);
    const { result } = (await response.json()) as { result: ChatResponse };
    expect(result.provider).toBe('echo');
    expect(result.attempts!.map((attempt) => [attempt.provider, attempt.outcome])).toEqual([
      ['broken', 'provider_unavailable'],
      ['broken', 'provider_unavailable'],
      ['echo', 'ok'],
    ]);
    const once = await call('/v1/engine/chat', { params: { model: 'fast', messages: [HELLO] }, options: { maxRetries: 0 } });
    const { result: onceResult } = (await once.json()) as { result: ChatResponse };
    expect(onceResult.attempts!.map((attempt) => attempt.provider)).toEqual(['broken', 'echo']);
  });

  it('refuses a call without the key or with a wrong one (401, the protocol error frame), and takes the right one', async () => {
    for (const key of [null, 'lk-wrong-key-0123456789']) {
      const refused = await call('/v1/engine/chat', { params: { model: 'echo/m', messages: [HELLO] } }, { key });
      expect(refused.status).toBe(401);
      const body = (await refused.json()) as Record<string, unknown>;
      expect(body).toEqual({
        type: 'error',
        error: { code: 'authentication', message: expect.stringContaining('API key'), retryable: false },
      });
      expect(JSON.stringify(body)).not.toContain(API_KEY);
    }
    for (const path of ['/v1/engine/models', '/v1/engine/stats']) {
      expect((await call(path, undefined, { key: null })).status).toBe(401);
    }
    const accepted = await call('/v1/engine/chat', { params: { model: 'echo/m', messages: [HELLO] } });
    expect(accepted.status).toBe(200);
  });

  it('an invalid body is a 400 naming the field in param, exactly as engine --stdio names it', async () => {
    const cases = [
      { params: { model: 'echo/m', messages: [{ role: 'robot', content: 'Hi' }] } },
      { params: { model: 'echo/m', messages: [HELLO], temperature: 'warm' } },
      { params: { model: 'echo/m', messages: [HELLO] }, options: { timeoutMs: -5 } },
      { params: { model: 'echo/m', messages: [HELLO] }, extra: true },
      { params: { model: 'echo/m', messages: [HELLO], maxTokens: 0 } },
    ];
    const params: unknown[] = [];
    for (const [index, body] of cases.entries()) {
      const response = await call('/v1/engine/chat', body);
      expect(response.status).toBe(400);
      const answer = (await response.json()) as { type: string; error: { code: string; param?: string } };
      expect(answer.type).toBe('error');
      expect(answer.error.code).toBe('invalid_request');
      // The stdio engine, given the same call as a frame.
      const id = 9000 + index;
      loopback.send({ id, method: 'chat', ...body });
      const frame = await loopback.nextFrame(id);
      expect(frame.type).toBe('error');
      expect(answer.error).toEqual((frame as { error: unknown }).error);
      params.push(answer.error.param);
    }
    expect(params.slice(0, 4)).toEqual(['params.messages[0].role', 'params.temperature', 'options.timeoutMs', 'extra']);
    // The last one passes the schema; the engine's own validation names the field (camelCase, as on stdio).
    expect(params[4]).toBe('maxTokens');
  });

  it('nesting: the body may nest as deep as a stdio frame may (the envelope adds levels), and past it both refuse alike', async () => {
    // A tool schema N levels deep. Up to 63 levels the engine takes it; from 64 the engine's own
    // limit for free-form JSON refuses it (MAX_JSON_DEPTH, the same on both transports); from 68 the
    // frame (MAX_FRAME_DEPTH) or the body around it nests too deep. Every level on both sides of both
    // bounds gets the same answer over HTTP as over stdio: the same type, code and param.
    const nest = (levels: number): Record<string, unknown> => (levels === 0 ? { type: 'string' } : { a: nest(levels - 1) });
    const tools = (levels: number) => [{ type: 'function', name: 'deep', parameters: nest(levels) }];
    const outcomes = new Set<string>();
    for (let levels = 60; levels <= 72; levels++) {
      const body = { params: { model: 'echo/m', messages: [HELLO], tools: tools(levels) } };
      const response = await call('/v1/engine/chat', body);
      const answer = (await response.json()) as { type: string; error?: { code: string; param: string } };
      loopback.send({ id: 9200 + levels, method: 'chat', ...body });
      const frame = (await loopback.nextFrame(9200 + levels)) as { type: string; error?: { code: string; param: string } };
      expect(answer.type, `${levels} levels`).toBe(frame.type);
      expect(response.status, `${levels} levels`).toBe(frame.type === 'result' ? 200 : 400);
      if (frame.type === 'error') {
        expect(answer.error, `${levels} levels`).toMatchObject({ code: frame.error!.code, param: frame.error!.param });
      }
      outcomes.add(
        frame.type === 'result' ? 'accepted' : frame.error!.param.startsWith('params.') ? 'frame depth' : 'engine depth',
      );
    }
    // The sweep crosses both bounds: a call accepted, one the engine refuses, one refused for the frame's depth.
    expect([...outcomes].sort()).toEqual(['accepted', 'engine depth', 'frame depth']);
  });

  it('the HTTP layer faults are protocol error frames too: not JSON, wrong method, unknown path, too large', async () => {
    const notJSON = await call('/v1/engine/chat', '{"params":');
    expect(notJSON.status).toBe(400);
    expect(await notJSON.json()).toMatchObject({ type: 'error', error: { code: 'invalid_request', retryable: false } });
    const wrongMethod = await call('/v1/engine/chat');
    expect(wrongMethod.status).toBe(405);
    expect(await wrongMethod.json()).toMatchObject({ type: 'error', error: { code: 'invalid_request' } });
    const unknown = await call('/v1/engine/chats', { params: {} });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ type: 'error', error: { code: 'not_found' } });
    const small = await startGateway({ engine, config: { apiKeys: [API_KEY], maxBodyBytes: 64 }, host: '127.0.0.1', port: 0 });
    try {
      const tooLarge = await call(
        '/v1/engine/chat',
        { params: { model: 'echo/m', messages: [{ role: 'user', content: 'x'.repeat(100) }] } },
        { url: small.url },
      );
      expect(tooLarge.status).toBe(413);
      expect(await tooLarge.json()).toMatchObject({
        type: 'error',
        error: { code: 'invalid_request', message: expect.stringContaining('server.max_body_bytes') },
      });
    } finally {
      await small.close();
    }
  });

  it('upstream errors: the status the gateway maps for the code, retry-after, the same error as over stdio', async () => {
    const cases = [
      { model: 'limited/m', status: 429, code: 'rate_limited', retryAfter: '3', retryAfterMs: 3000 },
      { model: 'rejecting/m', status: 502, code: 'authentication', retryAfter: null, retryAfterMs: undefined },
      { model: 'broken/m', status: 502, code: 'provider_unavailable', retryAfter: null, retryAfterMs: undefined },
      { model: 'nowhere/m', status: 404, code: 'not_found', retryAfter: null, retryAfterMs: undefined },
    ];
    for (const expected of cases) {
      const request = { model: expected.model, messages: [HELLO] };
      const response = await call('/v1/engine/chat', { params: request });
      expect(response.status, expected.model).toBe(expected.status);
      expect(response.headers.get('retry-after'), expected.model).toBe(expected.retryAfter);
      const body = (await response.json()) as { type: string; error: Record<string, unknown> };
      expect(body.type).toBe('error');
      expect(body.error.code, expected.model).toBe(expected.code);
      expect(body.error['retryAfterMs'], expected.model).toBe(expected.retryAfterMs);
      loopback.send({ id: 9100, method: 'chat', params: request });
      const frame = (await loopback.nextFrame(9100)) as { error: Record<string, unknown> };
      // The provider's own request id and the mock's call count differ per call; the rest is the stdio error frame's.
      const same = (error: Record<string, unknown>) => ({
        ...error,
        requestId: undefined,
        message: String(error['message']).replace(/call \d+/, 'call N'),
      });
      expect(same(body.error)).toEqual(same(frame.error));
      expect(JSON.stringify(body)).not.toContain('sk-revoked');
      if (expected.code === 'rate_limited')
        expect(body.error).toMatchObject({ provider: 'limited', status: 429, retryable: true, requestId: expect.any(String) });
    }
  });
});

describe('POST /v1/engine/chat.stream', () => {
  it('streams event frames then one result frame with the attempts; the events are those of stdio', async () => {
    const request = { model: 'echo/m', messages: [HELLO] };
    const response = await call('/v1/engine/chat.stream', { params: request, options: { requestId: 'req-stream-1' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const frames = parseFrames(await response.text());
    const result = frames.at(-1)!;
    expect(result).toMatchObject({
      type: 'result',
      result: { requestId: 'req-stream-1', attempts: [{ provider: 'echo', model: 'm', outcome: 'ok' }] },
    });
    const events = frames.slice(0, -1);
    expect(events.every((frame) => frame['type'] === 'event')).toBe(true);
    const types = events.map((frame) => (frame['event'] as { type: string }).type);
    expect(types[0]).toBe('start');
    expect(types).toContain('text-delta');
    expect(types.at(-1)).toBe('finish');

    const overStdio = loopback.chatStream(request);
    const stdioEvents: unknown[] = [];
    for await (const event of overStdio) stdioEvents.push(event);
    const strip = (event: unknown) => ({ ...(event as object), id: '', requestId: '' });
    expect(events.map((frame) => strip(frame['event']))).toEqual(stdioEvents.map(strip));
  });

  it('an error before the first event is a non-200 protocol error with retry-after', async () => {
    const response = await call('/v1/engine/chat.stream', { params: { model: 'limited/m', messages: [HELLO] } });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    // The model is paused since the 429s above: the wait left, at most the provider's 3 s.
    const body = (await response.json()) as { type: string; error: { code: string; retryAfterMs: number } };
    expect(body).toMatchObject({ type: 'error', error: { code: 'rate_limited' } });
    expect(body.error.retryAfterMs).toBeGreaterThan(0);
    expect(body.error.retryAfterMs).toBeLessThanOrEqual(3000);
  });

  it('an error mid-stream ends the stream with an in-band error frame', async () => {
    const response = await call('/v1/engine/chat.stream', { params: { model: 'midstream/m', messages: [HELLO] } });
    expect(response.status).toBe(200);
    const frames = parseFrames(await response.text());
    expect(frames.length).toBeGreaterThan(1);
    expect(frames.slice(0, -1).every((frame) => frame['type'] === 'event')).toBe(true);
    expect(frames.at(-1)).toMatchObject({ type: 'error', error: { code: 'provider_unavailable', provider: 'midstream' } });
    expect(frames.filter((frame) => frame['type'] !== 'event')).toHaveLength(1);
  });

  it('a client that disconnects mid-stream aborts the call upstream and frees the permit (max_concurrency 1)', async () => {
    const controller = new AbortController();
    const response = await call(
      '/v1/engine/chat.stream',
      { params: { model: 'single/m', messages: [{ role: 'user', content: 'hang please' }] } },
      { signal: controller.signal },
    );
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('"type":"event"');
    expect(inFlight('single')).toBe(1);
    const abortsBefore = hanging.abortedRequests;
    controller.abort();
    await hanging.waitForAborts(abortsBefore + 1);
    await waitFor(() => inFlight('single') === 0);
    // No queue wait and one permit: this gets a 200 only if the abandoned stream gave its permit back.
    const next = await call('/v1/engine/chat', { params: { model: 'single/m', messages: [HELLO] } });
    expect(next.status).toBe(200);
  });
});

describe('POST /v1/engine/embed, GET /v1/engine/models and /v1/engine/stats', () => {
  it('embed answers the EmbedResponse as the stdio result', async () => {
    const request = { model: 'echo/text-embedding', input: ['a', 'b'] };
    const response = await call('/v1/engine/embed', { params: request });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { type: string; result: { embeddings: number[][]; provider: string } };
    expect(body.type).toBe('result');
    expect(body.result.provider).toBe('echo');
    expect(body.result.embeddings).toHaveLength(2);
    const overStdio = await loopback.embed(request);
    expect(comparable(body.result as never)).toEqual(comparable(overStdio));
    const invalid = await call('/v1/engine/embed', { params: { model: 'echo/e', input: 5 } });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: { param: string } }).error.param).toBe('params.input');
  });

  it('models and stats answer the stdio results', async () => {
    const models = await call('/v1/engine/models');
    expect(models.status).toBe(200);
    expect(await models.json()).toEqual({ type: 'result', result: { models: await loopback.models() } });
    const stats = await call('/v1/engine/stats');
    expect(stats.status).toBe(200);
    const body = (await stats.json()) as { type: string; result: { providers: { name: string; maxConcurrency: number }[] } };
    expect(body.type).toBe('result');
    expect(body.result.providers.find((provider) => provider.name === 'single')).toMatchObject({
      maxConcurrency: 1,
      inFlight: 0,
    });
    expect(body.result.providers.map((provider) => provider.name)).toEqual(
      (await loopback.stats()).map((provider) => provider.name),
    );
  });

  it('counts responses per endpoint in the gateway metrics', async () => {
    const { body } = await gateway.handler.metrics.render();
    expect(body).toMatch(/liter_llm_gateway_responses_total\{endpoint="\/v1\/engine\/chat",status="200"\} \d+/);
    expect(body).toMatch(/liter_llm_gateway_responses_total\{endpoint="\/v1\/engine\/chat",status="401"\} \d+/);
  });
});

describe('drain', () => {
  it('cuts calls still running at the deadline: a 503 error frame for chat, an in-band error frame for a stream', async () => {
    const drainEngine = createEngine({
      providers: { single: { type: 'openai-compatible', baseURL: `${hanging.url}/v1`, maxConcurrency: 4, maxRetries: 0 } },
    });
    const draining = await startGateway({ engine: drainEngine, config: { drainTimeoutMs: 150 }, host: '127.0.0.1', port: 0 });
    try {
      const body = { params: { model: 'single/m', messages: [{ role: 'user', content: 'hang please' }] } };
      const json = call('/v1/engine/chat', body, { url: draining.url, key: null });
      const stream = await call('/v1/engine/chat.stream', body, { url: draining.url, key: null });
      expect(stream.status).toBe(200);
      await waitFor(() => hanging.requests.length === 2);
      expect(await draining.drain()).toEqual({ completed: false, abandoned: 2 });
      const jsonResponse = await json;
      expect(jsonResponse.status).toBe(503);
      expect(jsonResponse.headers.get('connection')).toBe('close');
      expect(await jsonResponse.json()).toMatchObject({
        type: 'error',
        error: { code: 'provider_unavailable', retryable: true, message: expect.stringContaining('drain') },
      });
      const frames = parseFrames(await stream.text());
      expect(frames.at(-1)).toMatchObject({ type: 'error', error: { code: 'provider_unavailable', retryable: true } });
    } finally {
      await draining.close();
      await drainEngine.close();
    }
  });
});
