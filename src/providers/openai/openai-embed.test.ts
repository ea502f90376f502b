import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFixture, type FixtureExchange } from '../../testing/load-fixture.js';
import { MockProviderServer } from '../../testing/mock-provider-server.js';
import { createOpenAIProvider } from './create-openai-provider.js';
import { decodeBase64Embedding, encodeBase64Embedding } from './decode-base64-embedding.js';

const API_KEY = 'sk-test-0123456789abcdef';

function fixture(path: string): FixtureExchange {
  return loadFixture(fileURLToPath(new URL(`./__fixtures__/${path}`, import.meta.url)));
}

let server: MockProviderServer;

beforeAll(async () => {
  server = await MockProviderServer.start();
});
afterAll(async () => {
  await server.close();
});

describe('OpenAI embeddings', () => {
  it('asks for base64 by default and sends exactly the recorded body (embeddings-base64-with-headers)', async () => {
    const exchange = fixture('openai-embeddings/embeddings-base64-with-headers.json');
    server.enqueue({ ...exchange.response, headers: { ...exchange.response.headers, 'x-request-id': 'req_embed' } });
    const provider = createOpenAIProvider({ baseURL: `${server.url}/v1`, apiKey: API_KEY });
    const response = await provider.embed({ model: 'text-embedding-3-small', input: ['Hello, world!'] });
    const sent = server.lastRequest!;
    expect(sent.url).toBe('/v1/embeddings');
    expect(sent.method).toBe('POST');
    expect(sent.headers['authorization']).toBe(`Bearer ${API_KEY}`);
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.json).toEqual(exchange.request!.body);
    expect(response.embeddings).toHaveLength(1);
    expect(response.embeddings[0]).toHaveLength(1536);
    expect(response).toMatchObject({
      provider: 'openai',
      model: 'text-embedding-3-small',
      usage: { inputTokens: 4 },
      warnings: [],
      requestId: 'req_embed',
    });
    // A unit-norm model: the decoded vector must have length ~1, which garbage bytes would not.
    const norm = Math.sqrt(response.embeddings[0]!.reduce((sum, value) => sum + value * value, 0));
    expect(norm).toBeCloseTo(1, 3);
    await provider.close();
  });

  it('decodes base64 to the same numbers the float encoding gives for the same input (embeddings-base64 vs embeddings-float)', async () => {
    const base64 = fixture('openai-embeddings/embeddings-base64.json');
    const float = fixture('openai-embeddings/embeddings-float.json');
    const provider = createOpenAIProvider({ baseURL: `${server.url}/v1`, apiKey: API_KEY });
    server.enqueue(base64.response);
    const decoded = await provider.embed({ model: 'text-embedding-3-large', input: 'h', dimensions: 256 });
    expect(server.lastRequest!.json).toEqual(base64.request!.body);
    const expected: number[] = JSON.parse(float.response.body as string).data[0].embedding;
    expect(decoded.embeddings[0]).toHaveLength(256);
    decoded.embeddings[0]!.forEach((value, index) => expect(value).toBeCloseTo(expected[index]!, 6));
    expect(decoded.usage).toEqual({ inputTokens: 1 });
    await provider.close();
  });

  it('asks for float when configured and returns the numbers as sent (embeddings-float)', async () => {
    const exchange = fixture('openai-embeddings/embeddings-float.json');
    server.enqueue(exchange.response);
    const provider = createOpenAIProvider({ baseURL: `${server.url}/v1`, apiKey: API_KEY, embeddingEncoding: 'float' });
    const response = await provider.embed({ model: 'text-embedding-3-large', input: 'h', dimensions: 256 });
    expect(server.lastRequest!.json).toEqual(exchange.request!.body);
    expect(response.embeddings[0]).toEqual(JSON.parse(exchange.response.body as string).data[0].embedding);
    await provider.close();
  });

  it('leaves encoding_format out for compatible servers and reads their floats (sambanova-embeddings-float)', async () => {
    const exchange = fixture('openai-compatible/sambanova-embeddings-float.json');
    server.enqueue(exchange.response);
    const provider = createOpenAIProvider({
      type: 'openai-compatible',
      name: 'sambanova',
      baseURL: `${server.url}/v1`,
      apiKey: API_KEY,
    });
    const input = (exchange.request!.body as { input: string }).input;
    const response = await provider.embed({
      model: 'E5-Mistral-7B-Instruct',
      input,
      user: 'user-1',
      providerOptions: { sambanova: { truncate: true } },
    });
    expect(server.lastRequest!.json).toEqual({ model: 'E5-Mistral-7B-Instruct', input, user: 'user-1', truncate: true });
    expect(response.embeddings[0]).toHaveLength(4096);
    expect(response.model).toBe('E5-Mistral-7B-Instruct');
    expect(response.usage).toEqual({ inputTokens: 16 });
    await provider.close();
  });

  it('puts a batch back in input order by index', async () => {
    const provider = createOpenAIProvider({ baseURL: `${server.url}/v1`, apiKey: API_KEY });
    server.enqueue({
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        object: 'list',
        model: 'text-embedding-3-small',
        data: [
          { object: 'embedding', index: 1, embedding: encodeBase64Embedding([0.5, -2]) },
          { object: 'embedding', index: 0, embedding: [1, 2] },
        ],
        usage: { prompt_tokens: 2, total_tokens: 2 },
      }),
    });
    const response = await provider.embed({ model: 'text-embedding-3-small', input: ['a', 'b'] });
    expect(response.embeddings).toEqual([
      [1, 2],
      [0.5, -2],
    ]);
    await provider.close();
  });

  it('rejects a response with fewer vectors than inputs', async () => {
    const provider = createOpenAIProvider({ baseURL: `${server.url}/v1`, apiKey: API_KEY });
    server.enqueue({
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: [{ index: 0, embedding: [1] }] }),
    });
    await expect(provider.embed({ model: 'm', input: ['a', 'b'] })).rejects.toMatchObject({
      code: 'provider_unavailable',
      retryable: false,
    });
    await provider.close();
  });
});

describe('decodeBase64Embedding', () => {
  it('round-trips float32 values exactly representable in float32', () => {
    const values = [0, 1, -1, 0.25, -123.5, 2 ** -20];
    expect(decodeBase64Embedding(encodeBase64Embedding(values))).toEqual(values);
  });

  it('reads little-endian bytes: 1.0f is 00 00 80 3f', () => {
    expect(decodeBase64Embedding(Buffer.from([0, 0, 0x80, 0x3f]).toString('base64'))).toEqual([1]);
  });
});
