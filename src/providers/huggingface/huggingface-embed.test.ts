import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LiterLLMError } from '../../spec/errors.js';
import type { EmbeddingProvider } from '../../spec/provider.js';
import { loadFixture, type FixtureExchange } from '../../testing/load-fixture.js';
import { MockProviderServer } from '../../testing/mock-provider-server.js';
import { createHuggingFaceProvider } from './create-huggingface-provider.js';

const TOKEN = 'hf_test_0123456789abcdef';

function fixture(path: string): FixtureExchange {
  return loadFixture(fileURLToPath(new URL(`./__fixtures__/${path}`, import.meta.url)));
}
function recordedBody(exchange: FixtureExchange): any {
  return JSON.parse(exchange.response.body as string);
}
/** Mean of token vectors, written out plainly as the oracle for the adapter's pooling. */
function average(tokens: number[][]): number[] {
  return tokens[0]!.map((_, dimension) => tokens.reduce((sum, token) => sum + token[dimension]!, 0) / tokens.length);
}

let server: MockProviderServer;
let hosted: EmbeddingProvider;
let tei: EmbeddingProvider;

beforeAll(async () => {
  server = await MockProviderServer.start();
  // A local server stands in for router.huggingface.co; embedAPI forces the hosted route.
  hosted = createHuggingFaceProvider({ baseURL: server.url, apiKey: TOKEN, embedAPI: 'feature-extraction' });
  tei = createHuggingFaceProvider({ name: 'tei', baseURL: server.url });
});
afterAll(async () => {
  await hosted.close();
  await tei.close();
  await server.close();
});
afterEach(() => {
  server.requests.length = 0;
});

describe('hosted feature-extraction', () => {
  it('posts {inputs} to the pipeline route and reads a flat vector for one string (feature-extraction-sentence)', async () => {
    const exchange = fixture('feature-extraction-sentence.json');
    server.enqueue(exchange.response);
    const response = await hosted.embed({ model: 'sentence-transformers/all-MiniLM-L6-v2', input: 'Hi, who are you?' });
    const sent = server.lastRequest!;
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe('/hf-inference/models/sentence-transformers/all-MiniLM-L6-v2/pipeline/feature-extraction');
    expect(sent.headers['authorization']).toBe(`Bearer ${TOKEN}`);
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.json).toEqual(exchange.request!.body);
    expect(response).toEqual({
      provider: 'huggingface',
      model: 'sentence-transformers/all-MiniLM-L6-v2',
      embeddings: [recordedBody(exchange)],
      usage: { inputTokens: 0 },
      warnings: [],
      requestId: 'dQcVrExSwbDQNuIURyPId',
    });
    expect(response.embeddings[0]).toHaveLength(384);
  });

  it('reads another sentence model the same way (feature-extraction-sentence-2)', async () => {
    const exchange = fixture('feature-extraction-sentence-2.json');
    server.enqueue(exchange.response);
    const response = await hosted.embed({
      model: 'sentence-transformers/distilbert-base-nli-mean-tokens',
      input: 'That is a happy person',
    });
    expect(server.lastRequest!.json).toEqual(exchange.request!.body);
    expect(response.embeddings).toEqual([recordedBody(exchange)]);
    expect(response.embeddings[0]).toHaveLength(768);
  });

  it('mean-pools per-token vectors of one input, with a warning (feature-extraction-token-level)', async () => {
    const exchange = fixture('feature-extraction-token-level.json');
    server.enqueue(exchange.response);
    const response = await hosted.embed({ model: 'facebook/bart-base', input: 'That is a happy person' });
    const tokens: number[][] = recordedBody(exchange)[0];
    expect(tokens).toHaveLength(7);
    expect(response.embeddings).toHaveLength(1);
    expect(response.embeddings[0]).toHaveLength(768);
    average(tokens).forEach((value, index) => expect(response.embeddings[0]![index]).toBeCloseTo(value, 10));
    expect(response.warnings).toEqual([
      { type: 'other', message: 'the model returned one vector per token; they were mean-pooled into one vector per input' },
    ]);
  });

  it('mean-pools each input of a 4-D batch answer separately (feature-extraction-token-level-batch)', async () => {
    const exchange = fixture('feature-extraction-token-level-batch.json');
    server.enqueue(exchange.response);
    const response = await hosted.embed({ model: 'facebook/bart-base', input: ['hello', 'That is a happy person'] });
    expect(server.lastRequest!.json).toEqual(exchange.request!.body);
    const body = recordedBody(exchange);
    expect(response.embeddings).toHaveLength(2);
    average(body[0][0]).forEach((value: number, index: number) => expect(response.embeddings[0]![index]).toBeCloseTo(value, 10));
    average(body[1][0]).forEach((value: number, index: number) => expect(response.embeddings[1]![index]).toBeCloseTo(value, 10));
    expect(response.warnings).toHaveLength(1);
  });

  it('rejects an answer that holds scores, not vectors (sentence-similarity sent back for a batch)', async () => {
    server.enqueue(fixture('sentence-similarity.json').response);
    const error = (await hosted
      .embed({ model: 'm', input: ['a', 'b', 'c'] })
      .catch((caught: unknown) => caught)) as LiterLLMError;
    expect(error).toMatchObject({ code: 'provider_unavailable', retryable: false });
    expect(error.message).toContain('input 0 has no consistent vectors');
  });

  it('rejects a batch answer with the wrong number of vectors', async () => {
    server.enqueue(fixture('feature-extraction-sentence-2.json').response);
    const error = (await hosted.embed({ model: 'm', input: ['a', 'b'] }).catch((caught: unknown) => caught)) as LiterLLMError;
    expect(error).toMatchObject({ code: 'provider_unavailable', retryable: false });
    expect(error.message).toContain('expected 2 embedding(s), got an array of shape [768]');
  });

  it('maps the 404 for a model that does not exist (error-404-model-does-not-exist)', async () => {
    server.enqueue(fixture('error-404-model-does-not-exist.json').response);
    const error = (await hosted
      .embed({ model: 'this-model-does-not-exist-123', input: 'x' })
      .catch((caught: unknown) => caught)) as LiterLLMError;
    expect(error).toMatchObject({ code: 'not_found', status: 404, retryable: false, provider: 'huggingface' });
    expect(error.message).toBe('huggingface returned 404: Model this-model-does-not-exist-123 does not exist');
  });

  it('maps the older proxy 404 (error-404-model-not-found-proxy)', async () => {
    server.enqueue(fixture('error-404-model-not-found-proxy.json').response);
    const error = (await hosted
      .embed({ model: 'this-model-does-not-exist-123', input: 'x' })
      .catch((caught: unknown) => caught)) as LiterLLMError;
    expect(error).toMatchObject({ code: 'not_found', status: 404 });
    expect(error.message).toContain('Not Found: Model not found');
  });
});

describe('TEI /embed', () => {
  it('posts {inputs} to /embed and reads number[][], taking the token count from x-compute-tokens', async () => {
    // No TEI recording exists; TEI's OpenAPI (router/src/http/server.rs, /embed) documents number[][]
    // for any input and the x-compute-tokens header. The vectors are the recorded sentence vectors.
    const first = recordedBody(fixture('feature-extraction-sentence.json'));
    const second = recordedBody(fixture('feature-extraction-sentence.json')).map((value: number) => -value);
    server.enqueue({
      headers: { 'content-type': 'application/json', 'x-compute-tokens': '12' },
      body: JSON.stringify([first, second]),
    });
    const response = await tei.embed({
      model: 'BAAI/bge-small-en-v1.5',
      input: ['one', 'two'],
      providerOptions: { tei: { normalize: true } },
    });
    expect(server.lastRequest!.url).toBe('/embed');
    expect(server.lastRequest!.headers['authorization']).toBeUndefined();
    expect(server.lastRequest!.json).toEqual({ inputs: ['one', 'two'], normalize: true });
    expect(response.embeddings).toEqual([first, second]);
    expect(response.usage).toEqual({ inputTokens: 12 });
    expect(response.warnings).toEqual([]);
  });

  it("unwraps TEI's [[...]] for a single string without pooling, and warns about dimensions", async () => {
    const vector = recordedBody(fixture('feature-extraction-sentence.json'));
    server.enqueue({ headers: { 'content-type': 'application/json' }, body: JSON.stringify([vector]) });
    const response = await tei.embed({ model: 'm', input: 'one', dimensions: 128 });
    expect(server.lastRequest!.json).toEqual({ inputs: 'one' });
    expect(response.embeddings).toEqual([vector]);
    expect(response.warnings).toEqual([expect.objectContaining({ type: 'unsupported-setting', setting: 'dimensions' })]);
  });
});
