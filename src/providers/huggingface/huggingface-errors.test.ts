import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiterLLMError } from '../../spec/errors.js';
import type { Provider } from '../../spec/provider.js';
import { MockProviderServer, type ScriptedResponse } from '../../testing/mock-provider-server.js';
import { createHuggingFaceProvider } from './create-huggingface-provider.js';

const TOKEN = 'hf_test_0123456789abcdef';

let server: MockProviderServer;
let hf: Provider;

beforeAll(async () => {
  server = await MockProviderServer.start();
  hf = createHuggingFaceProvider({ baseURL: server.url, apiKey: TOKEN, chatAPI: 'tgi-generate' });
});
afterAll(async () => {
  await hf.close();
  await server.close();
});

const json = (status: number, body: unknown, headers: Record<string, string> = {}): ScriptedResponse => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

async function generateError(response: ScriptedResponse): Promise<LiterLLMError> {
  server.enqueue(response);
  const outcome = await hf.chat({ model: 'meta-llama/Llama-3.1-8B-Instruct', messages: [{ role: 'user', content: 'x' }] }).then(
    () => undefined,
    (error: unknown) => error as LiterLLMError,
  );
  if (outcome === undefined) throw new Error('expected the call to fail');
  return outcome;
}

describe('Hugging Face errors that have no recording (hand-written from the documentation)', () => {
  // The hosted Inference API answers 503 with the time a cold model needs to load. No capture exists
  // (docs/provider-fixtures.md, "Missing"). The shape is the one the legacy Inference API documented
  // next to its `wait_for_model` option (huggingface.co/docs/api-inference, detailed parameters:
  // `estimated_time` in seconds), the one huggingface_hub's InferenceClient waits on for a 503, and
  // the one users quote, e.g. huggingface.co/nvidia/canary-1b/discussions/25.
  it('503 model loading is retryable and waits estimated_time', async () => {
    const error = await generateError(
      json(503, { error: 'Model meta-llama/Llama-3.1-8B-Instruct is currently loading', estimated_time: 20.0 }),
    );
    expect(error.name).toBe('ProviderUnavailableError');
    expect(error).toMatchObject({
      code: 'provider_unavailable',
      status: 503,
      retryable: true,
      retryAfterMs: 20_000,
      provider: 'huggingface',
    });
    expect(error.message).toBe('huggingface returned 503: Model meta-llama/Llama-3.1-8B-Instruct is currently loading');
  });

  it('a retry-after header wins over estimated_time', async () => {
    const error = await generateError(
      json(503, { error: 'Model x is currently loading', estimated_time: 579.3385620117188 }, { 'retry-after': '5' }),
    );
    expect(error.retryAfterMs).toBe(5_000);
  });

  it('clamps an absurd estimated_time to a day, and skips a negative one', async () => {
    const huge = await generateError(json(503, { error: 'Model x is currently loading', estimated_time: 1e308 }));
    expect(huge.retryAfterMs).toBe(86_400_000);
    const negative = await generateError(json(503, { error: 'Model x is currently loading', estimated_time: -3 }));
    expect(negative.retryAfterMs).toBeUndefined();
  });

  it('rounds a fractional estimated_time up to whole milliseconds', async () => {
    const error = await generateError(json(503, { error: 'Model x is currently loading', estimated_time: 44.490336920000004 }));
    expect(error.retryAfterMs).toBe(44_491);
  });

  // TGI's error types, from the OpenAPI annotations and InferError in text-generation-inference
  // router/src/server.rs: 424 generation, 429 overloaded, 500 incomplete_generation.
  it('424 generation is a retryable provider_unavailable', async () => {
    const error = await generateError(
      json(424, { error: 'Request failed during generation: Server error: CUDA out of memory', error_type: 'generation' }),
    );
    expect(error).toMatchObject({ code: 'provider_unavailable', status: 424, retryable: true });
    expect(error.message).toContain('(type generation)');
  });

  it('429 overloaded is a retryable rate_limited', async () => {
    const error = await generateError(json(429, { error: 'Model is overloaded', error_type: 'overloaded' }));
    expect(error).toMatchObject({ code: 'rate_limited', status: 429, retryable: true });
  });

  it('500 incomplete_generation is a retryable provider_unavailable', async () => {
    const error = await generateError(json(500, { error: 'Incomplete generation', error_type: 'incomplete_generation' }));
    expect(error).toMatchObject({ code: 'provider_unavailable', status: 500, retryable: true });
  });

  it('401 from the router is authentication, and the token never reaches the message', async () => {
    const error = await generateError(json(401, { error: `Invalid credentials in Authorization header: Bearer ${TOKEN}` }));
    expect(error).toMatchObject({ code: 'authentication', status: 401, retryable: false });
    expect(error.message).not.toContain(TOKEN);
  });

  it('an OpenAI-shaped error from a provider behind the router is read as one', async () => {
    const error = await generateError(
      json(400, {
        error: { message: 'max_tokens is too large', type: 'invalid_request_error', param: 'max_tokens', code: null },
      }),
    );
    expect(error).toMatchObject({ code: 'invalid_request', status: 400, param: 'max_tokens' });
  });

  it('the older list-of-messages error body is joined', async () => {
    const error = await generateError(
      json(400, { error: ['Error in `parameters.max_new_tokens`: ensure this value is less than or equal to 250'] }),
    );
    expect(error.message).toBe(
      'huggingface returned 400: Error in `parameters.max_new_tokens`: ensure this value is less than or equal to 250',
    );
  });
});
