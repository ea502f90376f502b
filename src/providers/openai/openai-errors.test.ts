import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../spec/chat-request.js';
import type { LiterLLMError } from '../../spec/errors.js';
import type { EmbeddingProvider, Provider } from '../../spec/provider.js';
import { loadFixture } from '../../testing/load-fixture.js';
import { MockProviderServer, type ScriptedResponse } from '../../testing/mock-provider-server.js';
import { createOpenAIProvider } from './create-openai-provider.js';

const API_KEY = 'sk-test-0123456789abcdef';
const question: ChatRequest = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] };

function fixture(path: string): ScriptedResponse {
  return loadFixture(fileURLToPath(new URL(`./__fixtures__/${path}`, import.meta.url))).response;
}

let server: MockProviderServer;
let openai: EmbeddingProvider;
let compatible: EmbeddingProvider;

beforeAll(async () => {
  server = await MockProviderServer.start();
  openai = createOpenAIProvider({ baseURL: `${server.url}/v1`, apiKey: API_KEY });
  compatible = createOpenAIProvider({ type: 'openai-compatible', name: 'hyperbolic', baseURL: `${server.url}/v1` });
});
afterAll(async () => {
  await openai.close();
  await compatible.close();
  await server.close();
});

async function chatError(provider: Provider, response: ScriptedResponse): Promise<LiterLLMError> {
  server.enqueue(response);
  const outcome = await provider.chat(question).then(
    () => undefined,
    (error: unknown) => error as LiterLLMError,
  );
  if (outcome === undefined) throw new Error('expected the call to fail');
  return outcome;
}

describe('recorded error responses', () => {
  it('400 invalid_request_error with null param and code (error-400-missing-model)', async () => {
    const error = await chatError(openai, fixture('openai-chat/error-400-missing-model.json'));
    expect(error.name).toBe('InvalidRequestError');
    expect(error).toMatchObject({ code: 'invalid_request', status: 400, provider: 'openai', retryable: false, param: undefined });
    expect(error.message).toBe('openai returned 400: you must provide a model parameter (type invalid_request_error)');
  });

  it('400 unsupported_parameter names the param (error-400-unsupported-parameter)', async () => {
    const error = await chatError(openai, fixture('openai-chat/error-400-unsupported-parameter.json'));
    expect(error).toMatchObject({ code: 'invalid_request', status: 400, param: 'max_tokens', retryable: false });
    expect(error.message).toContain("Unsupported parameter: 'max_tokens' is not supported with this model.");
    expect(error.message).toContain('(param max_tokens, code unsupported_parameter)');
  });

  it('400 unsupported_value names the message field (error-400-unsupported-value)', async () => {
    const error = await chatError(openai, fixture('openai-chat/error-400-unsupported-value.json'));
    expect(error).toMatchObject({ code: 'invalid_request', param: 'messages[0].role' });
    expect(error.message).toContain("does not support 'system' with this model");
  });

  it('404 model_not_found is not_found and not retryable (error-404-model-not-found)', async () => {
    const error = await chatError(openai, fixture('openai-chat/error-404-model-not-found.json'));
    expect(error.name).toBe('NotFoundError');
    expect(error).toMatchObject({ code: 'not_found', status: 404, retryable: false });
    expect(error.message).toContain('The model `gpt-5.2-proo` does not exist');
  });

  it('404 from /embeddings (openai-embeddings/error-404-model-not-found)', async () => {
    server.enqueue(fixture('openai-embeddings/error-404-model-not-found.json'));
    const error = (await openai
      .embed({ model: 'nonexistent', input: ['Hello, world!'] })
      .catch((caught: unknown) => caught)) as LiterLLMError;
    expect(server.lastRequest!.url).toBe('/v1/embeddings');
    expect(error).toMatchObject({ code: 'not_found', status: 404 });
    expect(error.message).toContain('The model `nonexistent` does not exist');
  });

  it('vLLM ErrorResponse shape with a numeric code (hyperbolic-error-400)', async () => {
    const error = await chatError(compatible, fixture('openai-compatible/hyperbolic-error-400.json'));
    expect(error).toMatchObject({ code: 'invalid_request', status: 400, provider: 'hyperbolic', retryable: false });
    expect(error.message).toMatch(/^hyperbolic returned 400: Only Qwen\/Qwen2.5-72B-Instruct/);
    expect(error.message).toContain('your model mistralai/Mixtral-8x7B-Instruct-v0.1 (code 40301)');
  });

  it('FastAPI validation shape {"detail":[...]} (hyperbolic-error-422)', async () => {
    const error = await chatError(compatible, fixture('openai-compatible/hyperbolic-error-422.json'));
    expect(error).toMatchObject({ code: 'invalid_request', status: 422 });
    expect(error.message).toBe('hyperbolic returned 422: body.messages: Field required (type validation)');
  });
});

describe('error shapes with no recording (hand-written from OpenAI docs: platform.openai.com/docs/guides/error-codes)', () => {
  const json = (status: number, body: unknown, headers: Record<string, string> = {}): ScriptedResponse => ({
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

  it('401 invalid_api_key is authentication, and the key never reaches the message', async () => {
    const error = await chatError(
      openai,
      json(
        401,
        {
          error: {
            message: `Incorrect API key provided: ${API_KEY}. You can find your API key at https://platform.openai.com/account/api-keys.`,
            type: 'invalid_request_error',
            param: null,
            code: 'invalid_api_key',
          },
        },
        { 'x-request-id': 'req_401' },
      ),
    );
    expect(error.name).toBe('AuthenticationError');
    expect(error).toMatchObject({ code: 'authentication', status: 401, retryable: false, requestId: 'req_401' });
    expect(error.message).not.toContain(API_KEY);
    expect(error.message).toContain('[REDACTED]');
  });

  it('429 insufficient_quota is rate_limited but not retryable', async () => {
    const error = await chatError(
      openai,
      json(429, {
        error: {
          message: 'You exceeded your current quota, please check your plan and billing details.',
          type: 'insufficient_quota',
          param: null,
          code: 'insufficient_quota',
        },
      }),
    );
    expect(error).toMatchObject({ code: 'rate_limited', status: 429, retryable: false });
  });

  it('429 rate_limit_exceeded is retryable and carries retry-after-ms', async () => {
    const error = await chatError(
      openai,
      json(
        429,
        {
          error: {
            message: 'Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3, Requested 1.',
            type: 'requests',
            param: null,
            code: 'rate_limit_exceeded',
          },
        },
        { 'retry-after-ms': '1500', 'x-ratelimit-remaining-requests': '0' },
      ),
    );
    expect(error.name).toBe('RateLimitedError');
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 1500 });
  });

  it('400 context_length_exceeded', async () => {
    const error = await chatError(
      openai,
      json(400, {
        error: {
          message: "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.",
          type: 'invalid_request_error',
          param: 'messages',
          code: 'context_length_exceeded',
        },
      }),
    );
    expect(error).toMatchObject({ code: 'context_length_exceeded', retryable: false, param: 'messages' });
  });

  it('400 content_filter (Azure) and content_policy_violation are content_filtered', async () => {
    for (const code of ['content_filter', 'content_policy_violation']) {
      const error = await chatError(
        openai,
        json(400, {
          error: {
            message: 'The response was filtered due to the prompt triggering content management policy.',
            type: null,
            param: 'prompt',
            code,
          },
        }),
      );
      expect(error).toMatchObject({ code: 'content_filtered', status: 400, retryable: false });
    }
  });

  it('500 server_error is retryable provider_unavailable; x-should-retry:false wins over the status', async () => {
    const body = {
      error: { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: null },
    };
    expect(await chatError(openai, json(500, body))).toMatchObject({ code: 'provider_unavailable', retryable: true });
    expect(await chatError(openai, json(500, body, { 'x-should-retry': 'false' }))).toMatchObject({ retryable: false });
  });

  it('a plain-text 502 from a proxy says what the body said', async () => {
    const error = await chatError(compatible, {
      status: 502,
      headers: { 'content-type': 'text/html' },
      body: '<html><body>502 Bad Gateway</body></html>',
    });
    expect(error).toMatchObject({ code: 'provider_unavailable', status: 502, retryable: true });
    expect(error.message).toBe('hyperbolic returned 502: <html><body>502 Bad Gateway</body></html>');
  });

  it('a 200 that is not JSON is a non-retryable provider_unavailable', async () => {
    const error = await chatError(openai, {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"id": "chatcmpl-',
    });
    expect(error).toMatchObject({ code: 'provider_unavailable', retryable: false });
  });

  it('a 200 without choices is a non-retryable provider_unavailable', async () => {
    const error = await chatError(openai, json(200, { id: 'chatcmpl-1', object: 'chat.completion', choices: [] }));
    expect(error).toMatchObject({ code: 'provider_unavailable', retryable: false });
    expect(error.message).toContain('without choices');
  });
});
