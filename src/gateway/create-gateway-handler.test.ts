import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createGatewayHandler } from './create-gateway-handler.js';
import { createMemoryResponse, injectRequest } from './inject-request.js';
import { createChatResponse, createScriptedEngine } from './testing/create-scripted-engine.js';

const CHAT_BODY = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] };

function createHandler(options: Parameters<typeof createGatewayHandler>[1] = {}) {
  const engine = createScriptedEngine({
    chat: () => createChatResponse(),
    models: [
      { id: 'chat-default', kind: 'route' },
      { id: 'openai/gpt-4o-mini', kind: 'provider-model', provider: 'openai' },
    ],
    stats: [{ name: 'openai', inFlight: 3, queued: 1, maxConcurrency: 64 }],
  });
  const logs: string[] = [];
  const handler = createGatewayHandler(engine, { log: (line) => logs.push(line), ...options });
  return { engine, handler, logs };
}

describe('routing', () => {
  it('answers an unknown path with a 404 in the OpenAI error format naming the path', async () => {
    const { handler } = createHandler();
    const response = await injectRequest(handler, '/v1/completions', { method: 'POST', body: {} });
    expect(response.status).toBe(404);
    expect(response.json()).toMatchObject({ error: { type: 'not_found_error', code: 'not_found', param: null } });
    expect(response.json<{ error: { message: string } }>().error.message).toContain('POST /v1/completions');
  });

  it('answers a wrong method with a 405 and an Allow header', async () => {
    const { handler } = createHandler();
    const response = await injectRequest(handler, '/v1/chat/completions', { method: 'GET' });
    expect(response.status).toBe(405);
    expect(response.headers['allow']).toBe('POST');
    expect(response.json()).toMatchObject({ error: { code: 'method_not_allowed', type: 'invalid_request_error' } });
  });

  it('answers a wrong method on /v1/messages in the Anthropic error format', async () => {
    const { handler } = createHandler();
    const response = await injectRequest(handler, '/v1/messages', { method: 'GET' });
    expect(response.status).toBe(405);
    expect(response.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });

  it('ignores the query string and accepts the paths without /v1', async () => {
    const { handler, engine } = createHandler();
    expect((await injectRequest(handler, '/v1/chat/completions?api-version=1', { body: CHAT_BODY })).status).toBe(200);
    expect((await injectRequest(handler, '/chat/completions', { body: CHAT_BODY })).status).toBe(200);
    expect(engine.calls).toHaveLength(2);
  });
});

describe('probes and models', () => {
  it('/healthz is 200 even while draining; /readyz turns 503 while draining', async () => {
    const { handler } = createHandler();
    expect((await injectRequest(handler, '/healthz')).status).toBe(200);
    expect((await injectRequest(handler, '/readyz')).json()).toEqual({ status: 'ready' });
    handler.setDraining(true);
    expect((await injectRequest(handler, '/healthz')).status).toBe(200);
    const ready = await injectRequest(handler, '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.json()).toEqual({ status: 'draining' });
    expect(ready.headers['connection']).toBe('close');
  });

  it('/readyz is 503 while the extra readiness condition is false', async () => {
    let ready = false;
    const { handler } = createHandler({ isReady: () => ready });
    expect((await injectRequest(handler, '/readyz')).status).toBe(503);
    ready = true;
    expect((await injectRequest(handler, '/readyz')).status).toBe(200);
  });

  it('lists the engine models in the OpenAI list format and retrieves one by its slashed id', async () => {
    const { handler } = createHandler();
    const list = await injectRequest(handler, '/v1/models');
    expect(list.json()).toEqual({
      object: 'list',
      data: [
        { id: 'chat-default', object: 'model', created: 0, owned_by: 'liter-llm' },
        { id: 'openai/gpt-4o-mini', object: 'model', created: 0, owned_by: 'openai' },
      ],
    });
    const one = await injectRequest(handler, '/v1/models/openai/gpt-4o-mini');
    expect(one.json()).toEqual({ id: 'openai/gpt-4o-mini', object: 'model', created: 0, owned_by: 'openai' });
    const missing = await injectRequest(handler, '/v1/models/openai/nope');
    expect(missing.status).toBe(404);
  });

  it('/metrics counts every answer by endpoint and HTTP status, bad requests included', async () => {
    const { handler } = createHandler();
    await injectRequest(handler, '/v1/chat/completions', { body: CHAT_BODY });
    await injectRequest(handler, '/v1/chat/completions', { body: CHAT_BODY });
    await injectRequest(handler, '/v1/chat/completions', { body: { model: 'x' } });
    const metrics = await injectRequest(handler, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toContain('liter_llm_gateway_responses_total{endpoint="/v1/chat/completions",status="200"} 2');
    expect(metrics.body).toContain('liter_llm_gateway_responses_total{endpoint="/v1/chat/completions",status="400"} 1');
    // The caller's model names never become label values here.
    expect(metrics.body).not.toContain('gpt-4o-mini');
  });
});

describe('request ids and trace context', () => {
  it("echoes the caller's x-request-id and hands it to the engine with the trace context", async () => {
    const { handler, engine } = createHandler();
    const response = await injectRequest(handler, '/v1/chat/completions', {
      body: CHAT_BODY,
      headers: {
        'x-request-id': 'caller-123',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        tracestate: 'vendor=abc',
      },
    });
    expect(response.headers['x-request-id']).toBe('caller-123');
    const options = engine.calls[0]?.options;
    expect(options?.requestId).toBe('caller-123');
    expect(options?.traceparent).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    expect(options?.tracestate).toBe('vendor=abc');
    expect(options?.signal).toMatchObject({ aborted: false });
    expect(typeof options?.signal?.addEventListener).toBe('function');
  });

  it('generates a request id when none (or an unusable one) is sent, on errors too', async () => {
    const { handler, engine } = createHandler();
    const ok = await injectRequest(handler, '/v1/chat/completions', { body: CHAT_BODY });
    expect(ok.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(engine.calls[0]?.options?.requestId).toBe(ok.headers['x-request-id']);
    const tooLong = await injectRequest(handler, '/nope', { headers: { 'x-request-id': 'x'.repeat(500) } });
    expect(tooLong.status).toBe(404);
    expect(tooLong.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('authentication with server.api_keys', () => {
  const keys = { server: { apiKeys: ['key-one', 'key-two'] } };

  it('rejects a missing key with 401 in the OpenAI format, before reading the body', async () => {
    const { handler, engine } = createHandler(keys);
    const response = await injectRequest(handler, '/v1/chat/completions', { body: CHAT_BODY });
    expect(response.status).toBe(401);
    expect(response.json()).toMatchObject({ error: { type: 'authentication_error', code: 'authentication' } });
    expect(response.json<{ error: { message: string } }>().error.message).toContain('missing API key');
    expect(engine.calls).toHaveLength(0);
  });

  it('rejects a wrong key with 401 and never echoes it', async () => {
    const { handler } = createHandler(keys);
    const response = await injectRequest(handler, '/v1/chat/completions', {
      body: CHAT_BODY,
      headers: { authorization: 'Bearer key-three-secret' },
    });
    expect(response.status).toBe(401);
    expect(response.body).toContain('invalid API key');
    expect(response.body).not.toContain('key-three-secret');
  });

  it('accepts any configured key as a bearer token or as x-api-key', async () => {
    const { handler } = createHandler(keys);
    const bearer = await injectRequest(handler, '/v1/chat/completions', {
      body: CHAT_BODY,
      headers: { authorization: 'Bearer key-two' },
    });
    expect(bearer.status).toBe(200);
    const apiKey = await injectRequest(handler, '/v1/models', { headers: { 'x-api-key': 'key-one' } });
    expect(apiKey.status).toBe(200);
  });

  it('answers /v1/messages auth failures in the Anthropic format', async () => {
    const { handler } = createHandler(keys);
    const response = await injectRequest(handler, '/v1/messages', { body: {}, headers: { 'x-api-key': 'wrong' } });
    expect(response.status).toBe(401);
    expect(response.json()).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error' },
      request_id: response.headers['x-request-id'],
    });
  });

  it('leaves probes and metrics open', async () => {
    const { handler } = createHandler(keys);
    expect((await injectRequest(handler, '/healthz')).status).toBe(200);
    expect((await injectRequest(handler, '/readyz')).status).toBe(200);
    expect((await injectRequest(handler, '/metrics')).status).toBe(200);
  });

  it('asks for a key on /metrics with metricsRequireKey, never on the probes', async () => {
    const { handler } = createHandler({ server: { apiKeys: ['key-one'], metricsRequireKey: true } });
    const bare = await injectRequest(handler, '/metrics');
    expect(bare.status).toBe(401);
    expect(bare.body).not.toContain('liter_llm');
    expect((await injectRequest(handler, '/metrics', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const scraped = await injectRequest(handler, '/metrics', { headers: { authorization: 'Bearer key-one' } });
    expect(scraped.status).toBe(200);
    expect(scraped.body).toContain('liter_llm_gateway_responses_total');
    expect((await injectRequest(handler, '/healthz')).status).toBe(200);
    expect((await injectRequest(handler, '/readyz')).status).toBe(200);
    handler.updateServerConfig({ metricsRequireKey: false });
    expect((await injectRequest(handler, '/metrics')).status).toBe(200);
    handler.updateServerConfig({ metricsRequireKey: true });
    expect((await injectRequest(handler, '/metrics')).status).toBe(401);
  });

  it('leaves /metrics open when metricsRequireKey is set but there are no keys to check', async () => {
    const { handler } = createHandler({ server: { metricsRequireKey: true } });
    expect((await injectRequest(handler, '/metrics')).status).toBe(200);
  });

  it('refuses a key list with no usable key instead of serving without authentication', () => {
    for (const apiKeys of [[''], ['  ', '\n']]) {
      expect(() => createHandler({ server: { apiKeys } })).toThrow(
        expect.objectContaining({
          code: 'invalid_request',
          message: expect.stringContaining('server.apiKeys holds no usable key'),
        }),
      );
    }
  });

  it('never matches a blank key beside real ones', async () => {
    const { handler } = createHandler({ server: { apiKeys: ['', ' ', 'key-one'] } });
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer ' },
      { 'x-api-key': '' },
      { 'x-api-key': ' ' },
      { authorization: 'Bearer  ' },
    ];
    for (const headers of attempts) {
      expect((await injectRequest(handler, '/v1/chat/completions', { body: CHAT_BODY, headers })).status).toBe(401);
    }
    const accepted = await injectRequest(handler, '/v1/chat/completions', {
      body: CHAT_BODY,
      headers: { authorization: 'Bearer key-one' },
    });
    expect(accepted.status).toBe(200);
  });

  it('refuses a reload to blank keys and keeps the previous ones', async () => {
    const { handler } = createHandler({ server: { apiKeys: ['key-one'], maxBodyBytes: 1024 } });
    expect(() => handler.updateServerConfig({ apiKeys: [''], maxBodyBytes: 10 })).toThrow(/no usable key/);
    expect((await injectRequest(handler, '/v1/chat/completions', { body: CHAT_BODY })).status).toBe(401);
    const kept = await injectRequest(handler, '/v1/chat/completions', {
      body: CHAT_BODY,
      headers: { authorization: 'Bearer key-one' },
    });
    expect(kept.status).toBe(200);
  });

  it('applies reloaded keys to the requests that follow', async () => {
    const { handler } = createHandler(keys);
    handler.updateServerConfig({ apiKeys: [] });
    expect((await injectRequest(handler, '/v1/chat/completions', { body: CHAT_BODY })).status).toBe(200);
    handler.updateServerConfig({ apiKeys: ['new-key'] });
    expect(
      (await injectRequest(handler, '/v1/chat/completions', { body: CHAT_BODY, headers: { authorization: 'Bearer key-one' } }))
        .status,
    ).toBe(401);
  });
});

describe('request bodies', () => {
  it('answers malformed JSON with a 400 naming the problem', async () => {
    const { handler } = createHandler();
    const response = await injectRequest(handler, '/v1/chat/completions', { method: 'POST', body: '{"model": "m",' });
    expect(response.status).toBe(400);
    const error = response.json<{ error: { message: string; code: string; type: string } }>().error;
    expect(error.code).toBe('invalid_request');
    expect(error.type).toBe('invalid_request_error');
    expect(error.message).toMatch(/^the request body is not valid JSON: .+/);
  });

  it('answers an empty body and a non-object body with a 400', async () => {
    const { handler } = createHandler();
    const empty = await injectRequest(handler, '/v1/chat/completions', { method: 'POST', body: '' });
    expect(empty.status).toBe(400);
    expect(empty.json<{ error: { message: string } }>().error.message).toContain('empty');
    const list = await injectRequest(handler, '/v1/chat/completions', { method: 'POST', body: '[1,2]' });
    expect(list.status).toBe(400);
    expect(list.json<{ error: { message: string } }>().error.message).toBe('the request body: expected an object, got an array');
  });

  it('refuses a declared Content-Length over server.max_body_bytes with 413 before the body arrives, then drops it', async () => {
    const { handler, engine } = createHandler({ server: { maxBodyBytes: 100 } });
    const request = createPushedRequest({ 'content-length': '5000' });
    const response = createMemoryResponse();
    await handler.handle(request, response);
    const result = response.result();
    expect(result.status).toBe(413);
    expect(result.headers['connection']).toBeUndefined();
    expect(result.json()).toMatchObject({ error: { code: 'payload_too_large', type: 'invalid_request_error' } });
    expect(result.json<{ error: { message: string } }>().error.message).toContain('5000 bytes');
    expect(engine.calls).toHaveLength(0);
    request.push('x'.repeat(5000));
    request.push(null);
    await new Promise((resolve) => request.once('end', resolve));
  });

  it('answers an undeclared body with 413 as soon as it passes the limit, without waiting for the rest', async () => {
    const { handler } = createHandler({ server: { maxBodyBytes: 100 } });
    const request = createPushedRequest();
    request.push('x'.repeat(60));
    request.push('x'.repeat(60));
    const response = createMemoryResponse();
    await handler.handle(request, response);
    expect(response.result().status).toBe(413);
    for (let index = 0; index < 50; index++) request.push('x'.repeat(60));
    request.push(null);
    await new Promise((resolve) => request.once('end', resolve));
  });

  it('accepts a body of exactly the limit', async () => {
    const text = JSON.stringify(CHAT_BODY);
    const { handler } = createHandler({ server: { maxBodyBytes: Buffer.byteLength(text) } });
    expect((await injectRequest(handler, '/v1/chat/completions', { method: 'POST', body: text })).status).toBe(200);
  });
});

/** A POST whose body the test pushes piece by piece (`push(null)` ends it). */
function createPushedRequest(headers: Record<string, string> = {}) {
  return Object.assign(new Readable({ read() {} }), {
    method: 'POST',
    url: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', ...headers },
  });
}

describe('unexpected failures', () => {
  it('answers a bug with a generic 500, logs the details on one line, and never leaks them', async () => {
    const engine = createScriptedEngine({
      chat: () => {
        throw new TypeError('cannot read properties of undefined (secret detail)');
      },
    });
    const logs: string[] = [];
    const handler = createGatewayHandler(engine, { log: (line) => logs.push(line) });
    const response = await injectRequest(handler, '/v1/chat/completions', {
      body: CHAT_BODY,
      headers: { 'x-request-id': 'r-500' },
    });
    expect(response.status).toBe(500);
    expect(response.json()).toMatchObject({
      error: { type: 'server_error', code: 'internal', message: 'internal error in the gateway' },
    });
    expect(response.body).not.toContain('secret detail');
    expect(logs).toHaveLength(1);
    expect(logs[0]!.split('\n')).toHaveLength(1);
    expect(JSON.parse(logs[0]!)).toMatchObject({ level: 'error', request_id: 'r-500' });
  });

  it('keeps the logged details of a bug to 8 KiB, whatever the error quotes', async () => {
    const engine = createScriptedEngine({
      chat: () => {
        throw new TypeError(`no such model ${'m'.repeat(9 * 1024 * 1024)}`);
      },
    });
    const logs: string[] = [];
    const handler = createGatewayHandler(engine, { log: (line) => logs.push(line) });
    expect((await injectRequest(handler, '/v1/chat/completions', { body: CHAT_BODY })).status).toBe(500);
    expect(logs).toHaveLength(1);
    const { error } = JSON.parse(logs[0]!) as { error: string };
    expect(error.startsWith('TypeError: no such model mmm')).toBe(true);
    expect(error.length).toBe(8 * 1024);
  });

  it('tracks requests in flight and resolves whenIdle once they end', async () => {
    let release!: () => void;
    const engine = createScriptedEngine({
      chat: () => new Promise((resolve) => (release = () => resolve(createChatResponse()))),
    });
    const handler = createGatewayHandler(engine);
    const pending = injectRequest(handler, '/v1/chat/completions', { body: CHAT_BODY });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(handler.inFlight).toBe(1);
    let idle = false;
    const idlePromise = handler.whenIdle().then(() => (idle = true));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(idle).toBe(false);
    release();
    await pending;
    await idlePromise;
    expect(handler.inFlight).toBe(0);
  });
});
