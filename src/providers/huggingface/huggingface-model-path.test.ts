import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isLiterLLMError, type LiterLLMError } from '../../spec/errors.js';
import type { EmbeddingProvider } from '../../spec/provider.js';
import { MockProviderServer } from '../../testing/mock-provider-server.js';
import { createHuggingFaceProvider, resolveEmbedURL, resolveTGIGenerateURL } from './create-huggingface-provider.js';

// The hosted routes put the model id in the URL path, and the operator's token goes with every
// request: a model id must not be able to name another path on the router.
const ESCAPES = [
  '../../api/whoami-v2',
  'org/../../../api/whoami-v2',
  'org/..',
  '..',
  './model',
  'org/./model',
  'org//model',
  '/org/model',
  'org/model/',
  'org\\..\\..\\api',
  'org%2F..%2F..%2Fapi',
  '%2e%2e/api',
  'org/model?x=1',
  'org/model#frag',
  'org/model/extra/segments',
  'org/model\u0000',
  '',
];

let server: MockProviderServer;
let hosted: EmbeddingProvider;

beforeAll(async () => {
  server = await MockProviderServer.start();
  // A local server stands in for router.huggingface.co; embedAPI forces the hosted route.
  hosted = createHuggingFaceProvider({ baseURL: server.url, apiKey: 'hf_test_0123456789abcdef', embedAPI: 'feature-extraction' });
});
afterAll(async () => {
  await hosted.close();
  await server.close();
});
afterEach(() => {
  server.requests.length = 0;
});

function refusal(run: () => unknown): LiterLLMError {
  try {
    run();
  } catch (error) {
    if (isLiterLLMError(error)) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('model ids in hosted paths', () => {
  it.each(ESCAPES)('refuses %j before anything is sent, naming model', async (model) => {
    const error = await hosted.embed({ model, input: 'hi' }).then(
      () => undefined,
      (thrown: unknown) => thrown as LiterLLMError,
    );
    expect(error).toMatchObject({ code: 'invalid_request', param: 'model', retryable: false });
    expect(error!.message).toMatch(/not a Hugging Face model id/);
    expect(server.requests).toHaveLength(0);
  });

  it.each(ESCAPES)('refuses %j on the hosted generate route too', (model) => {
    const error = refusal(() => resolveTGIGenerateURL('https://router.huggingface.co', model, false));
    expect(error).toMatchObject({ code: 'invalid_request', param: 'model' });
  });

  it('keeps real model ids as they are, with or without an organisation', () => {
    for (const model of [
      'gpt2',
      'sentence-transformers/all-MiniLM-L6-v2',
      'meta-llama/Llama-3.1-8B-Instruct',
      'org/model.v1_2',
    ]) {
      expect(resolveEmbedURL('https://router.huggingface.co', model, 'feature-extraction')).toBe(
        `https://router.huggingface.co/hf-inference/models/${model}/pipeline/feature-extraction`,
      );
    }
  });

  it('sends a real model id to the pipeline route', async () => {
    server.enqueue({ status: 200, headers: { 'content-type': 'application/json' }, body: '[0.1, 0.2]' });
    await hosted.embed({ model: 'sentence-transformers/all-MiniLM-L6-v2', input: 'hi' });
    expect(server.lastRequest!.url).toBe(
      '/hf-inference/models/sentence-transformers/all-MiniLM-L6-v2/pipeline/feature-extraction',
    );
  });
});
