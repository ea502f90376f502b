/**
 * Provider faults that must not end a call while fallbacks remain, and retries that must survive a
 * reload, over local servers and the real adapters and pools.
 */
import dns from 'node:dns';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LiterLLMConfigInput } from '../src/engine/config/liter-llm-config-input.js';
import { validateConfigInput } from '../src/engine/config/validate-config-input.js';
import { failureOf } from '../src/testing/failure-of.js';
import { USER, useLocalEngines } from './local-engines.js';

const { server, engine } = useLocalEngines();

function validated(config: LiterLLMConfigInput) {
  const result = validateConfigInput(config);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
}

/**
 * Makes host names under `.invalid` fail to resolve with the given getaddrinfo code, without a DNS
 * query leaving the machine; every other name resolves as usual. Returns how many lookups failed.
 */
function failLookups(code: 'ENOTFOUND' | 'EAI_AGAIN'): { count: number } {
  const failed = { count: 0 };
  const original = dns.lookup.bind(dns);
  vi.spyOn(dns, 'lookup').mockImplementation((hostname: string, options: unknown, callback?: unknown) => {
    const done = (typeof options === 'function' ? options : callback) as (error: Error | null) => void;
    if (hostname.endsWith('.invalid')) {
      failed.count++;
      const error = Object.assign(new Error(`getaddrinfo ${code} ${hostname}`), { code, syscall: 'getaddrinfo', hostname });
      process.nextTick(done, error);
      return;
    }
    return (original as (...args: unknown[]) => void)(hostname, options, callback);
  });
  return failed;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('provider failures move on to the fallbacks', () => {
  const routeTo = (primaryURL: string, backupURL: string): LiterLLMConfigInput => ({
    providers: {
      primary: { type: 'openai-compatible', baseURL: primaryURL, maxRetries: 2 },
      backup: { type: 'openai-compatible', baseURL: backupURL },
    },
    routes: { chat: { targets: [{ provider: 'primary', model: 'm' }], fallbacks: ['backup/m'] } },
  });

  it('a host name that does not resolve (ENOTFOUND) is not retried there, but falls back', async () => {
    const failed = failLookups('ENOTFOUND');
    const backup = await server();
    const llm = engine(routeTo('http://upstream.invalid:8080/v1', `${backup.url}/v1`));
    const response = await llm.chat({ model: 'chat', messages: USER });
    expect(response.provider).toBe('backup');
    expect(response.text).toBe('Echo: Hello there');
    // The name does not exist: asking again cannot help, the fallback can.
    expect(failed.count).toBe(1);
    expect(response.attempts!.map((attempt) => `${attempt.provider}:${attempt.outcome}`)).toEqual([
      'primary:provider_unavailable',
      'backup:ok',
    ]);
  });

  it('a resolver that cannot answer now (EAI_AGAIN) is retried, then falls back', async () => {
    const failed = failLookups('EAI_AGAIN');
    const backup = await server();
    const llm = engine(routeTo('http://upstream.invalid:8080/v1', `${backup.url}/v1`));
    const response = await llm.chat({ model: 'chat', messages: USER });
    expect(response.provider).toBe('backup');
    expect(failed.count).toBe(3);
  });

  it('the error of a host that does not resolve says so, when there is no fallback', async () => {
    failLookups('ENOTFOUND');
    const llm = engine({ providers: { primary: { type: 'openai-compatible', baseURL: 'http://upstream.invalid:8080/v1' } } });
    const error = await failureOf(llm.chat({ model: 'primary/m', messages: USER }));
    expect(error).toMatchObject({ code: 'provider_unavailable', retryable: false, provider: 'primary' });
    expect(error.message).toContain('upstream.invalid');
  });

  it("a 200 answer that is not JSON (a proxy's HTML page) falls back", async () => {
    const primary = await server();
    const backup = await server();
    primary.enqueue({
      status: 200,
      headers: { 'content-type': 'text/html' },
      body: '<html><body>Please log in to the proxy</body></html>',
    });
    const llm = engine(routeTo(`${primary.url}/v1`, `${backup.url}/v1`));
    const response = await llm.chat({ model: 'chat', messages: USER });
    expect(response.provider).toBe('backup');
    expect(response.text).toBe('Echo: Hello there');
    // The same proxy would answer the same page: no second attempt there.
    expect(primary.requests).toHaveLength(1);
    expect(backup.requests).toHaveLength(1);
  });

  it('a 200 answer without choices falls back, and so does a streamed chunk that is not JSON', async () => {
    const primary = await server();
    const backup = await server();
    primary.enqueue(
      {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'x', object: 'chat.completion', choices: [] }),
      },
      { status: 200, headers: { 'content-type': 'text/event-stream' }, body: 'data: <html>\n\n' },
    );
    const llm = engine(routeTo(`${primary.url}/v1`, `${backup.url}/v1`));
    expect((await llm.chat({ model: 'chat', messages: USER })).provider).toBe('backup');
    let text = '';
    for await (const event of llm.chatStream({ model: 'chat', messages: USER }))
      if (event.type === 'text-delta') text += event.text;
    expect(text).toBe('Echo: Hello there');
    expect(primary.requests).toHaveLength(2);
    expect(backup.requests).toHaveLength(2);
  });

  it('a request the provider calls invalid still ends the call without a fallback', async () => {
    const primary = await server();
    const backup = await server();
    primary.enqueue({
      status: 400,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ error: { message: 'bad temperature', type: 'invalid_request_error', param: 'temperature' } }),
    });
    const llm = engine(routeTo(`${primary.url}/v1`, `${backup.url}/v1`));
    expect((await failureOf(llm.chat({ model: 'chat', messages: USER }))).code).toBe('invalid_request');
    expect(backup.requests).toHaveLength(0);
  });
});

describe('retries after a reload', () => {
  const overloaded = (retryAfterSeconds: number) => ({
    status: 503,
    headers: { 'content-type': 'application/json', 'retry-after': String(retryAfterSeconds) },
    body: JSON.stringify({ error: { message: 'overloaded', type: 'server_error' } }),
  });

  it('a retry after the provider was reconfigured goes to the new provider runtime', async () => {
    const first = await server();
    const second = await server();
    first.enqueue(overloaded(1));
    const config = (url: string) => ({
      providers: { local: { type: 'openai-compatible' as const, baseURL: `${url}/v1`, maxRetries: 2 } },
    });
    const llm = engine(config(first.url));
    const call = llm.chat({ model: 'local/m', messages: USER });
    await vi.waitFor(() => expect(first.requests).toHaveLength(1));
    llm.reload(validated(config(second.url)));
    const started = performance.now();
    const response = await call;
    expect(response.text).toBe('Echo: Hello there');
    expect(first.requests).toHaveLength(1);
    expect(second.requests).toHaveLength(1);
    expect(response.attempts!.map((attempt) => attempt.outcome)).toEqual(['provider_unavailable', 'ok']);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('a retry after the provider was removed fails at once, saying so', async () => {
    const first = await server();
    const other = await server();
    first.enqueue(overloaded(1));
    const llm = engine({ providers: { local: { type: 'openai-compatible', baseURL: `${first.url}/v1`, maxRetries: 3 } } });
    const call = failureOf(llm.chat({ model: 'local/m', messages: USER }));
    await vi.waitFor(() => expect(first.requests).toHaveLength(1));
    llm.reload(validated({ providers: { other: { type: 'openai-compatible', baseURL: `${other.url}/v1` } } }));
    const error = await call;
    expect(error.code).toBe('provider_unavailable');
    expect(error.message).toMatch(/provider "local" was removed by a config reload/);
    expect(first.requests).toHaveLength(1);
    expect(other.requests).toHaveLength(0);
  });

  it('a fallback whose provider was reconfigured while the call ran uses the new runtime', async () => {
    const primary = await server();
    const oldBackup = await server();
    const newBackup = await server();
    const config = (backupURL: string): LiterLLMConfigInput => ({
      providers: {
        primary: { type: 'openai-compatible', baseURL: `${primary.url}/v1`, maxRetries: 0 },
        backup: { type: 'openai-compatible', baseURL: `${backupURL}/v1` },
      },
      routes: { chat: { targets: [{ provider: 'primary', model: 'm' }], fallbacks: ['backup/m'] } },
    });
    primary.enqueue({ ...overloaded(0), delayMs: 300 });
    const llm = engine(config(oldBackup.url));
    const call = llm.chat({ model: 'chat', messages: USER });
    await vi.waitFor(() => expect(primary.requests).toHaveLength(1));
    llm.reload(validated(config(newBackup.url)));
    const response = await call;
    expect(response.provider).toBe('backup');
    expect(oldBackup.requests).toHaveLength(0);
    expect(newBackup.requests).toHaveLength(1);
  });

  it('a call that waited for a permit while the provider was reconfigured runs on the new runtime', async () => {
    const first = await server();
    const second = await server();
    const config = (url: string) => ({
      providers: {
        local: {
          type: 'openai-compatible' as const,
          baseURL: `${url}/v1`,
          maxConcurrency: 1,
          maxQueueWaitMs: 5_000,
          maxRetries: 0,
        },
      },
    });
    first.enqueue({ ...openAIAnswer('slow'), delayMs: 300 });
    const llm = engine(config(first.url));
    const holding = llm.chat({ model: 'local/m', messages: USER });
    await vi.waitFor(() => expect(first.requests).toHaveLength(1));
    const waiting = llm.chat({ model: 'local/m', messages: USER });
    await new Promise((resolve) => setTimeout(resolve, 20));
    llm.reload(validated(config(second.url)));
    expect((await holding).text).toBe('slow');
    const response = await waiting;
    expect(response.text).toBe('Echo: Hello there');
    expect(response.attempts!.map((attempt) => attempt.outcome)).toEqual(['ok']);
    expect(first.requests).toHaveLength(1);
    expect(second.requests).toHaveLength(1);
  });
});

function openAIAnswer(text: string) {
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    }),
  };
}
