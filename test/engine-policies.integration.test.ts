/**
 * Engine policies against local servers that speak the providers' wire formats, through the real
 * adapters and undici pools: what the upstream sees is asserted, not just what the caller gets.
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadConfigFile } from '../src/engine/config/load-config-file.js';
import { watchConfigFile } from '../src/engine/config/watch-config-file.js';
import { echoAnthropicHandler } from '../src/testing/echo-anthropic-handler.js';
import { loadFixture } from '../src/testing/load-fixture.js';
import { failureOf } from '../src/testing/failure-of.js';
import { USER, useLocalEngines } from './local-engines.js';

const FIXTURES = new URL('../src/providers/', import.meta.url).pathname;
const { server, engine } = useLocalEngines();

/** A Chat Completions success answering "ok", with extra response headers. */
function openAISuccess(headers: Record<string, string>) {
  return {
    status: 200,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    }),
  };
}

describe('engine policies over real sockets', () => {
  it('retries a 429 after the Retry-After the server asked for', async () => {
    const upstream = await server();
    upstream.enqueue({
      status: 429,
      headers: { 'content-type': 'application/json', 'retry-after': '1', 'x-request-id': 'req_429' },
      body: JSON.stringify({ error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }),
    });
    const llm = engine({ providers: { openai: { baseURL: `${upstream.url}/v1`, apiKey: 'sk-test-key-123456', maxRetries: 2 } } });
    const response = await llm.chat({ model: 'openai/gpt-4o-mini', messages: USER });
    expect(response.text).toBe('Echo: Hello there');
    expect(upstream.requests).toHaveLength(2);
    const waited = upstream.requests[1]!.receivedAt - upstream.requests[0]!.receivedAt;
    expect(waited).toBeGreaterThanOrEqual(950);
    expect(response.attempts!.map((attempt) => [attempt.outcome, attempt.status])).toEqual([
      ['rate_limited', 429],
      ['ok', undefined],
    ]);
  });

  it("pauses admission when a successful answer says the budget is spent, until the provider's reset", async () => {
    // The recorded Anthropic success with its rate-limit headers, with the request budget spent.
    const recorded = loadFixture(join(FIXTURES, 'anthropic/__fixtures__/messages-ratelimit-headers.json')).response;
    const resetAt = new Date(Date.now() + 700).toISOString();
    const spent = {
      ...recorded,
      headers: {
        ...recorded.headers,
        'anthropic-ratelimit-requests-remaining': '0',
        'anthropic-ratelimit-requests-reset': resetAt,
      },
    };
    const upstream = await server(echoAnthropicHandler);
    upstream.enqueue(spent);
    const llm = engine({
      providers: { anthropic: { baseURL: upstream.url, apiKey: 'sk-ant-test-key-123456', maxQueueWaitMs: 5000 } },
    });
    await llm.chat({ model: 'anthropic/claude-haiku-4-5', messages: USER });
    const second = await llm.chat({ model: 'anthropic/claude-haiku-4-5', messages: USER });
    expect(second.text).toBe('Echo: Hello there');
    expect(upstream.requests).toHaveLength(2);
    const waited = upstream.requests[1]!.receivedAt - upstream.requests[0]!.receivedAt;
    expect(waited).toBeGreaterThanOrEqual(550);
  });

  it('turns the next call away locally (rate_limited, with the wait) when a success said no requests remain', async () => {
    const upstream = await server();
    upstream.enqueue(openAISuccess({ 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '800ms' }));
    const llm = engine({ providers: { openai: { baseURL: `${upstream.url}/v1`, apiKey: 'sk-test-key-123456' } } });
    expect((await llm.chat({ model: 'openai/gpt-4o-mini', messages: USER })).text).toBe('ok');
    const error = await failureOf(llm.chat({ model: 'openai/gpt-4o-mini', messages: USER }));
    expect(error.code).toBe('rate_limited');
    expect(error.retryAfterMs).toBeGreaterThan(0);
    expect(error.retryAfterMs).toBeLessThanOrEqual(800);
    expect(upstream.requests).toHaveLength(1);
  });

  it('does not pause when a success says requests remain', async () => {
    const upstream = await server();
    upstream.enqueue(openAISuccess({ 'x-ratelimit-remaining-requests': '3', 'x-ratelimit-reset-requests': '20s' }));
    const llm = engine({ providers: { openai: { baseURL: `${upstream.url}/v1`, apiKey: 'sk-test-key-123456' } } });
    await llm.chat({ model: 'openai/gpt-4o-mini', messages: USER });
    expect((await llm.chat({ model: 'openai/gpt-4o-mini', messages: USER })).text).toBe('Echo: Hello there');
    expect(upstream.requests).toHaveLength(2);
  });

  it('does not retry a recorded 400', async () => {
    const upstream = await server();
    upstream.enqueue(loadFixture(join(FIXTURES, 'openai/__fixtures__/openai-chat/error-400-missing-model.json')).response);
    const llm = engine({ providers: { openai: { baseURL: `${upstream.url}/v1`, apiKey: 'sk-test-key-123456', maxRetries: 3 } } });
    const error = await failureOf(llm.chat({ model: 'openai/gpt-4o-mini', messages: USER }));
    expect(error.code).toBe('invalid_request');
    expect(error.status).toBe(400);
    expect(upstream.requests).toHaveLength(1);
  });

  it('falls back from a provider answering 503 to a second provider of another type', async () => {
    const failing = await server();
    const backup = await server(echoAnthropicHandler);
    for (let index = 0; index < 2; index++) {
      failing.enqueue({
        status: 503,
        headers: { 'content-type': 'application/json' },
        body: '{"error":{"message":"overloaded","type":"server_error"}}',
      });
    }
    const llm = engine({
      providers: {
        openai: { baseURL: `${failing.url}/v1`, apiKey: 'sk-test-key-123456', maxRetries: 1 },
        anthropic: { baseURL: backup.url, apiKey: 'sk-ant-test-key-1234' },
      },
      routes: { chat: { targets: [{ provider: 'openai', model: 'gpt-4o-mini' }], fallbacks: ['anthropic/claude-haiku-4-5'] } },
    });
    const response = await llm.chat({ model: 'chat', messages: USER });
    expect(response.provider).toBe('anthropic');
    expect(response.model).toContain('claude-haiku-4-5');
    expect(response.text).toBe('Echo: Hello there');
    expect(failing.requests).toHaveLength(2);
    expect(backup.lastRequest!.headers['x-api-key']).toBe('sk-ant-test-key-1234');
  });

  it('opens the circuit of a failing target, then probes it back in after the cool-down', async () => {
    const flaky = await server();
    const backup = await server();
    const llm = engine({
      providers: {
        flaky: { type: 'openai-compatible', baseURL: `${flaky.url}/v1`, maxRetries: 0 },
        backup: { type: 'openai-compatible', baseURL: `${backup.url}/v1` },
      },
      routes: {
        chat: {
          targets: [{ provider: 'flaky', model: 'm' }],
          fallbacks: ['backup/m'],
          circuitBreaker: { failureThreshold: 2, cooldownMs: 300 },
        },
      },
    });
    for (let index = 0; index < 2; index++) flaky.enqueue({ destroy: true });
    for (let index = 0; index < 4; index++) expect((await llm.chat({ model: 'chat', messages: USER })).provider).toBe('backup');
    expect(flaky.requests).toHaveLength(2); // open: the next two calls never reached it
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect((await llm.chat({ model: 'chat', messages: USER })).provider).toBe('flaky');
    expect(flaky.requests).toHaveLength(3);
  });

  it('aborting mid-stream closes the upstream connection and releases the permit', async () => {
    const upstream = await server();
    const recorded = loadFixture(join(FIXTURES, 'openai/__fixtures__/openai-chat/chat-stream-text.sse')).response;
    upstream.enqueue({ ...recorded, chunkSize: 100, hangAfterChunks: 8 });
    const llm = engine({
      providers: { openai: { baseURL: `${upstream.url}/v1`, apiKey: 'sk-test-key-123456', maxConcurrency: 1 } },
    });
    const controller = new AbortController();
    const error = await failureOf(
      (async () => {
        for await (const event of llm.chatStream(
          { model: 'openai/gpt-4o-mini', messages: USER },
          { signal: controller.signal },
        )) {
          if (event.type === 'text-delta') controller.abort();
        }
      })(),
    );
    expect(error.code).toBe('cancelled');
    await upstream.waitForAborts(1);
    expect(llm.stats()[0]).toMatchObject({ inFlight: 0, queued: 0 });
    // The single permit is free: the next call is admitted at once.
    expect((await llm.chat({ model: 'openai/gpt-4o-mini', messages: USER })).text).toBe('Echo: Hello there');
  });

  it('a provider that sends no headers within first_byte_timeout_ms times out, and the attempt is retried', async () => {
    const upstream = await server();
    // undici times the headers on a clock that ticks about every 0.5 s: 150 ms fires after 0.5-1 s
    // (measured 1.0 s in a fresh process). The late answer comes well after that, at 3 s.
    upstream.enqueue({ ...openAIJSON('late'), delayMs: 3_000 });
    const llm = engine({
      providers: { local: { type: 'openai-compatible', baseURL: `${upstream.url}/v1`, firstByteTimeoutMs: 150, maxRetries: 1 } },
    });
    const started = Date.now();
    const response = await llm.chat({ model: 'local/m', messages: USER });
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(response.text).toBe('Echo: Hello there');
    expect(response.attempts!.map((attempt) => attempt.outcome)).toEqual(['timeout', 'ok']);
  });

  it('a stream that goes quiet for longer than stream_idle_timeout_ms ends with a timeout error and frees its permit', async () => {
    const upstream = await server();
    const recorded = loadFixture(join(FIXTURES, 'openai/__fixtures__/openai-chat/chat-stream-text.sse')).response;
    upstream.enqueue({ ...recorded, chunkSize: 100, hangAfterChunks: 8 });
    const llm = engine({
      providers: {
        local: { type: 'openai-compatible', baseURL: `${upstream.url}/v1`, streamIdleTimeoutMs: 200, maxConcurrency: 1 },
      },
    });
    const seen: string[] = [];
    const error = await failureOf(
      (async () => {
        for await (const event of llm.chatStream({ model: 'local/m', messages: USER })) seen.push(event.type);
      })(),
    );
    expect(seen).toContain('text-delta');
    expect(error.code).toBe('timeout');
    expect(error.provider).toBe('local');
    expect(llm.stats()[0]).toMatchObject({ inFlight: 0 });
  });

  it('hot reload from the config file swaps a route while a call is in flight', async () => {
    const first = await server();
    const second = await server();
    const directory = mkdtempSync(join(tmpdir(), 'liter-llm-reload-'));
    onTestFinished(() => rmSync(directory, { recursive: true, force: true }));
    const path = join(directory, 'config.yaml');
    const write = (url: string) => {
      const temporary = `${path}.tmp`;
      writeFileSync(
        temporary,
        `providers:\n  local:\n    type: openai-compatible\n    base_url: ${url}/v1\nroutes:\n  chat:\n    targets: [{ provider: local, model: m }]\n`,
      );
      renameSync(temporary, path);
    };
    write(first.url);
    const loaded = await loadConfigFile(path);
    if (!loaded.ok) throw new Error('config');
    const llm = engine(loaded.config);
    const reloaded = new Promise<void>((resolve, reject) => {
      const watcher = watchConfigFile(path, {
        onChange: (config) => {
          llm.reload(config);
          watcher.close();
          resolve();
        },
        onError: (issues) => reject(new Error(JSON.stringify(issues))),
      });
    });
    first.enqueue({
      status: 200,
      delayMs: 400,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(openAIReply('slow answer')),
    });
    const inFlight = llm.chat({ model: 'chat', messages: USER });
    await new Promise((resolve) => setTimeout(resolve, 50));
    write(second.url);
    await reloaded;
    const after = await llm.chat({ model: 'chat', messages: USER });
    expect(after.text).toBe('Echo: Hello there');
    expect(second.requests).toHaveLength(1);
    expect((await inFlight).text).toBe('slow answer');
    expect(first.abortedRequests).toBe(0);
  });
});

function openAIJSON(text: string) {
  return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(openAIReply(text)) };
}

function openAIReply(text: string) {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'm',
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
  };
}
