import { describe, expect, test } from 'vitest';
import type { ConfigResult } from './config-issue.js';
import { validateConfigInput } from './validate-config-input.js';
import { validateConfigObject } from './validate-config-object.js';

function errorsOf(result: ConfigResult): string[] {
  return result.ok ? [] : result.errors.map((issue) => `${issue.path}: ${issue.message}`);
}

describe('validateConfigObject (snake_case, shaped like the file)', () => {
  test('validates and applies defaults like a file', () => {
    const result = validateConfigObject({
      providers: { openai: { api_key: 'sk-1', max_concurrency: 5 } },
      routes: { chat: { targets: [{ provider: 'openai', model: 'gpt-4o-mini' }] } },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.providers.openai).toMatchObject({ apiKey: 'sk-1', maxConcurrency: 5, maxConnections: 5 });
    expect(result.config.routes.chat?.targets).toEqual([{ provider: 'openai', model: 'gpt-4o-mini', weight: 1 }]);
    // Issues carry no line: there is no source text.
    expect(validateConfigObject({ server: { port: 'x' } })).toMatchObject({
      ok: false,
      errors: [{ path: 'server.port', message: 'expected a port number from 0 to 65535, got "x"' }],
    });
  });

  test('does not interpolate unless asked to', () => {
    const object = { server: { host: '${HOST}' } };
    const plain = validateConfigObject(object);
    expect(plain.ok && plain.config.server.host).toBe('${HOST}');
    const interpolated = validateConfigObject(object, { interpolate: true, env: { HOST: '::1' } });
    expect(interpolated.ok && interpolated.config.server.host).toBe('::1');
  });

  test('null counts as absent, and as an empty mapping for a provider', () => {
    const result = validateConfigObject({ providers: { anthropic: null }, server: { port: null } });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.providers.anthropic?.type).toBe('anthropic');
    expect(result.config.server.port).toBe(8080);
  });

  test('a provider named like an Object.prototype member is not mistaken for a configured one', () => {
    const result = validateConfigObject({
      providers: { openai: {} },
      routes: { chat: { targets: [{ provider: 'constructor', model: 'm' }], fallbacks: ['toString/x'] } },
    });
    expect(errorsOf(result)).toEqual([
      'routes.chat.targets[0].provider: unknown provider "constructor" (configured: openai)',
      'routes.chat.fallbacks[0]: unknown provider "toString" in "toString/x" (configured: openai)',
    ]);
  });
});

describe('validateConfigInput (camelCase, written in code)', () => {
  test('accepts camelCase keys, leaves provider, route and header names alone', () => {
    const result = validateConfigInput({
      providers: {
        my_local: {
          type: 'openai-compatible',
          baseURL: 'http://localhost:8000/v1',
          maxConcurrency: 4,
          headers: { 'X-Api_Version': '2' },
        },
        huggingface: { chatAPI: 'tgi-generate', embedAPI: 'feature-extraction' },
      },
      routes: {
        fast_chat: {
          targets: [{ provider: 'my_local', model: 'qwen' }],
          circuitBreaker: { failureThreshold: 2 },
          maxRetries: 1,
        },
      },
      limits: { store: 'redis', redisURL: 'redis://cache:6379' },
      configSource: { etcd: { endpoints: ['http://etcd:2379'], prefix: '/gw/' } },
      server: { apiKeys: ['k'], maxBodyBytes: 1024, drainTimeoutMs: 5, drainDelayMs: 7 },
    });
    expect(errorsOf(result)).toEqual([]);
    if (!result.ok) return;
    expect(result.config.providers.my_local).toMatchObject({
      baseURL: 'http://localhost:8000/v1',
      maxConcurrency: 4,
      headers: { 'X-Api_Version': '2' },
    });
    expect(result.config.providers.huggingface).toMatchObject({ chatAPI: 'tgi-generate', embedAPI: 'feature-extraction' });
    expect(result.config.routes.fast_chat).toMatchObject({
      maxRetries: 1,
      circuitBreaker: { failureThreshold: 2, cooldownMs: 30_000 },
    });
    expect(result.config.limits).toEqual({
      store: 'redis',
      redisURL: 'redis://cache:6379',
      keyPrefix: 'liter-llm:',
      onStoreError: 'fail_open',
      expectedReplicas: 1,
      commandTimeoutMs: 50,
      leaseMs: 10_000,
    });
    expect(result.config.configSource).toEqual({ etcd: { endpoints: ['http://etcd:2379'], prefix: '/gw/' } });
    expect(result.config.server).toMatchObject({ apiKeys: ['k'], maxBodyBytes: 1024, drainTimeoutMs: 5, drainDelayMs: 7 });
  });

  test('issues name camelCase paths and suggest camelCase keys', () => {
    const result = validateConfigInput({
      providers: {
        my_server: { type: 'openai-compatible', maxConcurrency: 0 },
        openai: { maxConcurency: 3 } as never,
      },
      limits: { store: 'redis' },
    });
    expect(errorsOf(result)).toEqual([
      'providers.my_server.maxConcurrency: expected a positive integer, got 0',
      'providers.openai.maxConcurency: unknown key (did you mean maxConcurrency?)',
      'providers.my_server.baseURL: is required for openai-compatible providers (for example http://localhost:11434/v1)',
      'limits.redisURL: is required when store is "redis" (for example redis://127.0.0.1:6379)',
    ]);
  });
});

describe('a validated config is a valid input', () => {
  test('validateConfigInput(config) gives an equal config', async () => {
    const { readFile } = await import('node:fs/promises');
    const { parseConfig } = await import('./parse-config.js');
    const text = await readFile(new URL('../../../examples/liter-llm.yaml', import.meta.url), 'utf8');
    const parsed = parseConfig(text, { env: { OPENAI_API_KEY: 'sk-1', LITER_LLM_KEY: 'gw' } });
    if (!parsed.ok) throw new Error('the example must be valid');
    const again = validateConfigInput(parsed.config);
    expect(errorsOf(again)).toEqual([]);
    expect(again.ok && again.config).toEqual(parsed.config);
  });

  test('a name that differs from its key is still reported', () => {
    const result = validateConfigInput({ providers: { openai: { name: 'other' } } });
    expect(errorsOf(result)).toEqual([expect.stringMatching(/^providers\.openai\.name: unknown key/)]);
  });
});
