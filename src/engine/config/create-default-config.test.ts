import { describe, expect, test } from 'vitest';
import { isLiterLLMError } from '../../spec/errors.js';
import { createDefaultConfig, validateDefaultConfig } from './create-default-config.js';

describe('createDefaultConfig', () => {
  test('no variables: no providers, every other default', () => {
    const config = createDefaultConfig({});
    expect(config.providers).toEqual({});
    expect(config.routes).toEqual({});
    expect(config.server.port).toBe(8080);
  });

  test('each API key enables its provider with the vendor defaults', () => {
    const config = createDefaultConfig({ OPENAI_API_KEY: 'sk-o', ANTHROPIC_API_KEY: 'sk-a', HF_TOKEN: 'hf_x', PATH: '/bin' });
    expect(Object.keys(config.providers)).toEqual(['openai', 'anthropic', 'huggingface']);
    expect(config.providers.openai).toMatchObject({ type: 'openai', apiKey: 'sk-o', baseURL: 'https://api.openai.com/v1' });
    expect(config.providers.anthropic).toMatchObject({ type: 'anthropic', apiKey: 'sk-a', baseURL: 'https://api.anthropic.com' });
    expect(config.providers.huggingface).toMatchObject({
      type: 'huggingface',
      apiKey: 'hf_x',
      baseURL: 'https://router.huggingface.co',
    });
    expect(config.providers.openai?.maxConcurrency).toBe(64);
  });

  test('a base URL overrides the default, and alone enables a keyless provider', () => {
    const config = createDefaultConfig({
      OPENAI_BASE_URL: 'http://localhost:11434/v1',
      HF_BASE_URL: 'http://tgi:8080/',
      HF_TOKEN: 'hf_x',
      ANTHROPIC_API_KEY: '',
    });
    expect(Object.keys(config.providers)).toEqual(['openai', 'huggingface']);
    expect(config.providers.openai).toMatchObject({ baseURL: 'http://localhost:11434/v1' });
    expect(config.providers.openai?.apiKey).toBeUndefined();
    expect(config.providers.huggingface).toMatchObject({ baseURL: 'http://tgi:8080', apiKey: 'hf_x' });
  });

  test('a bad base URL names the variable, and createDefaultConfig throws an invalid_request error', () => {
    const env = { OPENAI_API_KEY: 'sk-secret-value-123', OPENAI_BASE_URL: 'localhost:11434' };
    expect(validateDefaultConfig(env)).toMatchObject({
      ok: false,
      errors: [{ path: 'OPENAI_BASE_URL', message: 'expected an http:// or https:// URL, got "localhost:11434"' }],
    });
    let thrown: unknown;
    try {
      createDefaultConfig(env);
    } catch (error) {
      thrown = error;
    }
    expect(isLiterLLMError(thrown) && thrown.code).toBe('invalid_request');
    expect((thrown as Error).message).toContain('OPENAI_BASE_URL: expected an http:// or https:// URL');
    expect((thrown as Error).message).not.toContain('sk-secret-value-123');
  });
});
