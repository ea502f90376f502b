/**
 * Issue 12, item 3: one upstream 429 must not lock a whole provider for as long as it asks. Through
 * the real adapters, undici pools and a local server speaking each provider's wire format.
 */
import { describe, expect, it } from 'vitest';
import { createGatewayHandler } from '../src/gateway/create-gateway-handler.js';
import { injectRequest } from '../src/gateway/inject-request.js';
import { failureOf } from '../src/testing/failure-of.js';
import { USER, useLocalEngines } from './local-engines.js';

const { server, engine } = useLocalEngines();

function tooManyRequests(headers: Record<string, string>) {
  return {
    status: 429,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ error: { message: 'Rate limit reached for gpt-4o', type: 'requests', code: 'rate_limit_exceeded' } }),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('an upstream 429 pauses what it was about, for a bounded time', () => {
  it('OpenAI retry-after: 3600 pauses that model only, at most max_rate_limit_pause_ms, then one probe', async () => {
    const upstream = await server();
    upstream.enqueue(
      tooManyRequests({ 'retry-after': '3600', 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '1h0m0s' }),
    );
    const llm = engine({
      providers: {
        openai: { baseURL: `${upstream.url}/v1`, apiKey: 'sk-test-key-123456', maxRetries: 0, maxRateLimitPauseMs: 400 },
      },
    });
    const first = await failureOf(llm.chat({ model: 'openai/gpt-4o', messages: USER }));
    expect([first.code, first.status]).toEqual(['rate_limited', 429]);

    // Another model of the same provider is not held back.
    expect((await llm.chat({ model: 'openai/gpt-4o-mini', messages: USER })).text).toBe('Echo: Hello there');
    // The paused model is turned away locally, with a wait no longer than the cap.
    const local = await failureOf(llm.chat({ model: 'openai/gpt-4o', messages: USER }));
    expect(local.code).toBe('rate_limited');
    expect(local.status).toBeUndefined();
    expect(local.retryAfterMs).toBeGreaterThan(0);
    expect(local.retryAfterMs).toBeLessThanOrEqual(400);
    expect(upstream.requests).toHaveLength(2);

    // The gateway's answer carries a valid Retry-After for it.
    const response = await injectRequest(createGatewayHandler(llm), '/v1/chat/completions', {
      body: { model: 'openai/gpt-4o', messages: USER },
    });
    expect(response.status).toBe(429);
    expect(response.headers['retry-after']).toBe('1');

    // After the cap, a probe goes up, and its success opens the model again: no restart needed.
    await sleep(450);
    expect((await llm.chat({ model: 'openai/gpt-4o', messages: USER })).text).toBe('Echo: Hello there');
    expect((await llm.chat({ model: 'openai/gpt-4o', messages: USER })).text).toBe('Echo: Hello there');
    expect(upstream.requests.map((request) => (request.json as { model: string }).model)).toEqual([
      'gpt-4o',
      'gpt-4o-mini',
      'gpt-4o',
      'gpt-4o',
    ]);
  });

  it('retry-after-ms: 1e308 is a bounded pause, not forever, and the gateway says Retry-After: 1', async () => {
    const upstream = await server();
    upstream.enqueue(tooManyRequests({ 'retry-after-ms': '1e308' }));
    const llm = engine({
      providers: {
        openai: { baseURL: `${upstream.url}/v1`, apiKey: 'sk-test-key-123456', maxRetries: 0, maxRateLimitPauseMs: 300 },
      },
    });
    const handler = createGatewayHandler(llm);
    const upstreamAnswer = await injectRequest(handler, '/v1/chat/completions', {
      body: { model: 'openai/gpt-4o', messages: USER },
    });
    expect(upstreamAnswer.status).toBe(429);
    expect(upstreamAnswer.headers['retry-after']).toBe('86400');
    const local = await injectRequest(handler, '/v1/chat/completions', { body: { model: 'openai/gpt-4o', messages: USER } });
    expect(local.status).toBe(429);
    expect(local.headers['retry-after']).toBe('1');
    await sleep(350);
    const probe = await injectRequest(handler, '/v1/chat/completions', { body: { model: 'openai/gpt-4o', messages: USER } });
    expect(probe.status).toBe(200);
  });

  it("a success saying one model's budget is spent pauses that model only, and at most the cap", async () => {
    const upstream = await server();
    upstream.enqueue({
      status: 200,
      headers: {
        'content-type': 'application/json',
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-requests': '24h0m0s',
      },
      body: JSON.stringify({
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1,
        model: 'gpt-4o',
        choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      }),
    });
    const llm = engine({
      providers: { openai: { baseURL: `${upstream.url}/v1`, apiKey: 'sk-test-key-123456', maxRateLimitPauseMs: 300 } },
    });
    expect((await llm.chat({ model: 'openai/gpt-4o', messages: USER })).text).toBe('ok');
    expect((await llm.chat({ model: 'openai/gpt-4o-mini', messages: USER })).text).toBe('Echo: Hello there');
    const local = await failureOf(llm.chat({ model: 'openai/gpt-4o', messages: USER }));
    expect(local.code).toBe('rate_limited');
    expect(local.retryAfterMs).toBeLessThanOrEqual(300);
    expect(upstream.requests).toHaveLength(2);
    await sleep(350);
    expect((await llm.chat({ model: 'openai/gpt-4o', messages: USER })).text).toBe('Echo: Hello there');
  });

  it("a 429 whose headers say the budget is the key's (IETF RateLimit-Policy) pauses every model, capped", async () => {
    const upstream = await server();
    upstream.enqueue(
      tooManyRequests({
        'retry-after': '3600',
        ratelimit: '"api";r=0;t=3600',
        'ratelimit-policy': '"fixed window";"api";q=1000;w=3600',
      }),
    );
    const llm = engine({
      providers: {
        hub: {
          type: 'huggingface',
          baseURL: upstream.url,
          apiKey: 'hf_test_key_123456',
          maxRetries: 0,
          maxRateLimitPauseMs: 300,
        },
      },
    });
    expect((await failureOf(llm.chat({ model: 'hub/model-a', messages: USER }))).status).toBe(429);
    const other = await failureOf(llm.chat({ model: 'hub/model-b', messages: USER }));
    expect(other.code).toBe('rate_limited');
    expect(other.retryAfterMs).toBeLessThanOrEqual(300);
    expect(upstream.requests).toHaveLength(1);
    await sleep(350);
    expect((await llm.chat({ model: 'hub/model-b', messages: USER })).text).toBe('Echo: Hello there');
  });
});
