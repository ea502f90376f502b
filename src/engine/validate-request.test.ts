import { describe, expect, it } from 'vitest';
import type { ChatRequest, JSONObject } from '../spec/chat-request.js';
import { isLiterLLMError, type LiterLLMError } from '../spec/errors.js';
import { MAX_MODEL_NAME_BYTES, validateChatRequest, validateEmbedRequest } from './validate-request.js';

const USER = [{ role: 'user' as const, content: 'hi' }];

function errorOf(run: () => void): LiterLLMError {
  try {
    run();
  } catch (error) {
    if (isLiterLLMError(error)) return error;
    throw error;
  }
  throw new Error('expected a validation error');
}

function deepSchema(levels: number): JSONObject {
  let value: JSONObject = { type: 'string' };
  for (let level = 1; level < levels; level++) value = { type: 'object', properties: { a: value } };
  return value;
}

describe('validateChatRequest and validateEmbedRequest bounds', () => {
  it('accepts a model name of exactly the limit', () => {
    const model = `p/${'m'.repeat(MAX_MODEL_NAME_BYTES - 2)}`;
    expect(() => validateChatRequest({ model, messages: USER })).not.toThrow();
    expect(() => validateEmbedRequest({ model, input: 'x' })).not.toThrow();
  });

  it('refuses a longer model name, counted in UTF-8 bytes, naming model', () => {
    for (const model of [`p/${'m'.repeat(MAX_MODEL_NAME_BYTES - 1)}`, `p/${'é'.repeat(128)}`, `p/${'m'.repeat(9_000_000)}`]) {
      for (const error of [
        errorOf(() => validateChatRequest({ model, messages: USER })),
        errorOf(() => validateEmbedRequest({ model, input: 'x' })),
      ]) {
        expect(error).toMatchObject({ code: 'invalid_request', param: 'model', retryable: false });
        expect(error.message).toContain(`at most ${MAX_MODEL_NAME_BYTES} bytes`);
        expect(error.message.length).toBeLessThan(300);
      }
    }
  });

  it('refuses free-form JSON nested past the limit before anything walks it, naming the path', () => {
    const tooDeep = deepSchema(10_000);
    const cases: [ChatRequest, RegExp][] = [
      [
        { model: 'p/m', messages: USER, tools: [{ type: 'function', name: 'f', parameters: tooDeep }] },
        /^tools\[0\]\.parameters\.properties\.a\./,
      ],
      [
        { model: 'p/m', messages: USER, responseFormat: { type: 'json-schema', name: 's', schema: tooDeep } },
        /^responseFormat\.schema\.properties\./,
      ],
      [
        { model: 'p/m', messages: USER, providerOptions: { openai: { extra: tooDeep } } },
        /^providerOptions\.openai\.extra\.properties\./,
      ],
    ];
    for (const [request, param] of cases) {
      const error = errorOf(() => validateChatRequest(request));
      expect(error.code).toBe('invalid_request');
      expect(error.param).toMatch(param);
      expect(error.message).toContain('nested deeper than 64 levels');
    }
    expect(errorOf(() => validateEmbedRequest({ model: 'p/m', input: 'x', providerOptions: { openai: tooDeep } })).param).toMatch(
      /^providerOptions\.openai\./,
    );
    expect(() =>
      validateChatRequest({ model: 'p/m', messages: USER, tools: [{ type: 'function', name: 'f', parameters: deepSchema(30) }] }),
    ).not.toThrow();
  });
});
