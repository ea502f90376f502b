import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../create-engine.js';
import type { ReloadableEngine } from '../engine/create-engine-core.js';
import { MockProviderServer } from '../testing/mock-provider-server.js';
import { createGatewayHandler, type GatewayHandler } from './create-gateway-handler.js';
import { injectRequest } from './inject-request.js';

// What a caller of the gateway sees for upstream faults, through the real engine and adapters.
const SECRET_HEADER = 'azure-key-0123456789abcdef01';
let upstream: MockProviderServer;
let engine: ReloadableEngine;
let gateway: GatewayHandler;

beforeAll(async () => {
  upstream = await MockProviderServer.start();
  engine = createEngine({
    providers: {
      vllm: { type: 'openai-compatible', baseURL: `${upstream.url}/v1`, headers: { 'api-key': SECRET_HEADER }, maxRetries: 0 },
      huggingface: { baseURL: upstream.url, apiKey: 'hf_test_0123456789abcdef', embedAPI: 'feature-extraction' },
    },
  });
  gateway = createGatewayHandler(engine);
});
afterAll(async () => {
  await engine.close();
  await upstream.close();
});

const chat = (model: string) =>
  injectRequest(gateway, '/v1/chat/completions', { body: { model, messages: [{ role: 'user', content: 'Hi' }] } });
const errorOf = (body: string) =>
  (JSON.parse(body) as { error: { message: string; type: string; code: string; param?: string } }).error;

describe('upstream faults at the gateway', () => {
  it("a vLLM error object in a 200 answer is the caller's 400, with the server's words", async () => {
    upstream.enqueue({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ object: 'error', message: 'temperature must be non-negative', type: 'BadRequestError', code: 400 }),
    });
    const response = await chat('vllm/m');
    expect(response.status).toBe(400);
    expect(errorOf(response.body)).toMatchObject({ type: 'invalid_request_error', code: 'invalid_request' });
    expect(errorOf(response.body).message).toContain('temperature must be non-negative');
  });

  it('an upstream redirect is a 502 that says where it pointed', async () => {
    upstream.enqueue({ status: 301, headers: { location: 'https://llm.example.com/v1/chat/completions' }, body: '' });
    const response = await chat('vllm/m');
    expect(response.status).toBe(502);
    expect(errorOf(response.body).message).toContain('redirected to https://llm.example.com/v1/chat/completions');
  });

  it('an upstream error that quotes a configured header value does not hand it to the caller', async () => {
    upstream.enqueue({
      status: 401,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ error: { message: `Access denied due to invalid subscription key ${SECRET_HEADER}` } }),
    });
    const response = await chat('vllm/m');
    expect(response.status).toBe(502);
    expect(response.body).toContain('[REDACTED]');
    expect(response.body).not.toContain(SECRET_HEADER);
  });

  it('a Hugging Face model id that climbs out of its path is a 400 naming model, and nothing is sent', async () => {
    const before = upstream.requests.length;
    const response = await injectRequest(gateway, '/v1/embeddings', {
      body: { model: 'huggingface/../../api/whoami-v2', input: 'hi' },
    });
    expect(response.status).toBe(400);
    expect(errorOf(response.body)).toMatchObject({ code: 'invalid_request', param: 'model' });
    expect(upstream.requests.length).toBe(before);
  });
});
