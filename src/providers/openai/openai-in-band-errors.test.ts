import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../spec/chat-request.js';
import { isLiterLLMError, type LiterLLMError } from '../../spec/errors.js';
import type { EmbeddingProvider } from '../../spec/provider.js';
import { createHuggingFaceProvider } from '../huggingface/create-huggingface-provider.js';
import { loadFixture } from '../../testing/load-fixture.js';
import { MockProviderServer, type ScriptedResponse } from '../../testing/mock-provider-server.js';
import { createOpenAIProvider } from './create-openai-provider.js';

// Servers that put an error object in a 200 answer: vLLM's ErrorResponse, OpenAI's {"error": ...}
// from some proxies, TGI's {"error": "...", "error_type": ...}. The stream path reads them already.
const question: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'hello' }] };

let server: MockProviderServer;
let vllm: EmbeddingProvider;
let tgi: EmbeddingProvider;

beforeAll(async () => {
  server = await MockProviderServer.start();
  vllm = createOpenAIProvider({ type: 'openai-compatible', name: 'vllm', baseURL: `${server.url}/v1` });
  tgi = createHuggingFaceProvider({ name: 'tgi', baseURL: server.url });
});
afterAll(async () => {
  await vllm.close();
  await tgi.close();
  await server.close();
});

const ok = (body: unknown): ScriptedResponse => ({
  status: 200,
  headers: { 'content-type': 'application/json', 'x-request-id': 'req_200' },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

async function failure(call: () => Promise<unknown>, response: ScriptedResponse): Promise<LiterLLMError> {
  server.enqueue(response);
  try {
    await call();
  } catch (error) {
    if (isLiterLLMError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('an error object in a 200 JSON answer', () => {
  it("vLLM's ErrorResponse with code 400 is the caller's invalid_request, with the server's words", async () => {
    const error = await failure(
      () => vllm.chat(question),
      ok({
        object: 'error',
        message: 'temperature must be non-negative, got -1.',
        type: 'BadRequestError',
        param: null,
        code: 400,
      }),
    );
    expect(error).toMatchObject({ code: 'invalid_request', provider: 'vllm', retryable: false, requestId: 'req_200' });
    expect(error.message).toBe('vllm returned an error in a 200 answer: temperature must be non-negative, got -1. (code 400)');
  });

  it('an OpenAI-shaped {"error": ...} keeps its param and its class', async () => {
    const invalid = await failure(
      () => vllm.chat(question),
      ok({ error: { message: "Unsupported parameter: 'seed'", type: 'invalid_request_error', param: 'seed', code: null } }),
    );
    expect(invalid).toMatchObject({ code: 'invalid_request', param: 'seed', retryable: false });
    const overloaded = await failure(
      () => vllm.chat(question),
      ok({ error: { message: 'The server is overloaded', type: 'server_error' } }),
    );
    expect(overloaded).toMatchObject({ code: 'provider_unavailable', retryable: true });
    expect(overloaded.message).toContain('The server is overloaded');
  });

  it('the recorded vLLM-style body (hyperbolic-error-400) keeps its message when it comes with a 200', async () => {
    const recorded = loadFixture(
      fileURLToPath(new URL('./__fixtures__/openai-compatible/hyperbolic-error-400.json', import.meta.url)),
    );
    const error = await failure(() => vllm.chat(question), { ...recorded.response, status: 200 });
    expect(error.message).toContain('allowed now, your model mistralai/Mixtral-8x7B-Instruct-v0.1');
    expect(error.message).not.toContain('without choices');
  });

  it('the embeddings answer is read the same way', async () => {
    const error = await failure(
      () => vllm.embed({ model: 'e', input: 'hi' }),
      ok({ object: 'error', message: 'This model does not support embeddings', type: 'BadRequestError', code: 400 }),
    );
    expect(error).toMatchObject({ code: 'invalid_request', provider: 'vllm' });
    expect(error.message).toContain('This model does not support embeddings');
  });

  it('TGI\'s {"error": "...", "error_type": "validation"} on the Chat Completions route', async () => {
    const error = await failure(
      () => tgi.chat(question),
      ok({ error: 'Input validation error: `temperature` must be strictly positive', error_type: 'validation' }),
    );
    expect(error).toMatchObject({ code: 'invalid_request', provider: 'tgi', retryable: false });
    expect(error.message).toContain('`temperature` must be strictly positive');
  });

  it('a real completion that happens to carry "error": null is still a completion', async () => {
    server.enqueue(
      ok({
        id: 'c1',
        object: 'chat.completion',
        error: null,
        choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
      }),
    );
    expect((await vllm.chat(question)).text).toBe('hi');
  });
});
