import { describe, expect, it } from 'vitest';
import type { EmbedRequest } from '../spec/embed.js';
import { createGatewayHandler } from './create-gateway-handler.js';
import { encodeFloat32Base64 } from './encode-float32-base64.js';
import { injectRequest } from './inject-request.js';
import { createScriptedEngine } from './testing/create-scripted-engine.js';

const VECTORS = [
  [0.1, -0.25, 3.5],
  [1e-7, 0, -1],
];

async function post(body: unknown) {
  const engine = createScriptedEngine({
    embed: () => ({
      provider: 'openai',
      model: 'text-embedding-3-small',
      embeddings: VECTORS,
      usage: { inputTokens: 8 },
      warnings: [],
    }),
  });
  const result = await injectRequest(createGatewayHandler(engine), '/v1/embeddings', { body });
  return { result, request: engine.calls[0]?.request as EmbedRequest | undefined };
}

function decode(base64: string): number[] {
  const bytes = Buffer.from(base64, 'base64');
  return Array.from({ length: bytes.length / 4 }, (_, index) => bytes.readFloatLE(index * 4));
}

describe('POST /v1/embeddings', () => {
  it('maps the request and answers floats in the OpenAI list format', async () => {
    const { result, request } = await post({
      model: 'openai/text-embedding-3-small',
      input: ['a', 'b'],
      dimensions: 3,
      user: 'u',
      encoding_format: 'float',
      extra_field: 1,
    });
    expect(request).toEqual({
      model: 'openai/text-embedding-3-small',
      input: ['a', 'b'],
      dimensions: 3,
      user: 'u',
      providerOptions: { openai: { extra_field: 1 } },
    });
    expect(result.headers['x-liter-llm-model']).toBe('text-embedding-3-small');
    expect(result.json()).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: VECTORS[0] },
        { object: 'embedding', index: 1, embedding: VECTORS[1] },
      ],
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: 8, total_tokens: 8 },
    });
  });

  it('answers base64 as little-endian float32 bytes', async () => {
    const { result } = await post({ model: 'm', input: 'a', encoding_format: 'base64' });
    const data = result.json<{ data: { embedding: string }[] }>().data;
    expect(data[0]?.embedding).toBe(encodeFloat32Base64(VECTORS[0]!));
    expect(decode(data[0]!.embedding)).toEqual(VECTORS[0]!.map((value) => Math.fround(value)));
    expect(decode(data[1]!.embedding)).toEqual(VECTORS[1]!.map((value) => Math.fround(value)));
  });

  it('matches the recorded OpenAI base64 bytes for 1.0 and -2.5', () => {
    // float32 LE: 1.0 = 00 00 80 3f, -2.5 = 00 00 20 c0
    expect(encodeFloat32Base64([1, -2.5])).toBe(Buffer.from([0, 0, 0x80, 0x3f, 0, 0, 0x20, 0xc0]).toString('base64'));
  });

  it('rejects token-id input and bad fields, naming them', async () => {
    const tokens = await post({ model: 'm', input: [[1, 2, 3]] });
    expect(tokens.result.status).toBe(400);
    expect(tokens.result.json()).toMatchObject({
      error: { param: 'input', message: expect.stringContaining('token-id arrays are not supported') },
    });
    const format = await post({ model: 'm', input: 'a', encoding_format: 'int8' });
    expect(format.result.json()).toMatchObject({
      error: { param: 'encoding_format', message: 'encoding_format: expected "float" or "base64", got the string "int8"' },
    });
    const empty = await post({ model: 'm', input: [] });
    expect(empty.result.json()).toMatchObject({ error: { param: 'input', message: 'input must not be empty' } });
  });
});
