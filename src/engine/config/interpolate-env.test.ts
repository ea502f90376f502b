import { describe, expect, test } from 'vitest';
import type { ConfigResult } from './config-issue.js';
import { parseConfig } from './parse-config.js';

function configOf(result: ConfigResult) {
  if (!result.ok) throw new Error(result.errors.map((issue) => `${issue.path}: ${issue.message}`).join('\n'));
  return result.config;
}

function issuesOf(issues: readonly { path: string; message: string }[]): string[] {
  return issues.map((issue) => `${issue.path}: ${issue.message}`);
}

describe('${VAR} interpolation', () => {
  test('replaces variables inside strings, anywhere in a value', () => {
    const text = [
      'providers:',
      '  openai:',
      '    api_key: ${OPENAI_API_KEY}',
      '    base_url: https://${OPENAI_HOST}/v1',
      '    headers: { OpenAI-Organization: "org-${ORG}" }',
    ].join('\n');
    const env = { OPENAI_API_KEY: 'sk-test', OPENAI_HOST: 'proxy.internal', ORG: '42' };
    const provider = configOf(parseConfig(text, { env })).providers.openai!;
    expect(provider.apiKey).toBe('sk-test');
    expect(provider.baseURL).toBe('https://proxy.internal/v1');
    expect(provider.headers).toEqual({ 'OpenAI-Organization': 'org-42' });
  });

  test('${VAR:-default} uses the default when the variable is unset or empty', () => {
    const text = 'server:\n  host: ${HOST:-127.0.0.1}\n  port: ${PORT:-9000}\nlimits:\n  store: ${STORE:-memory}\n';
    expect(configOf(parseConfig(text, { env: {} })).server).toMatchObject({ host: '127.0.0.1', port: 9000 });
    expect(configOf(parseConfig(text, { env: { HOST: '', PORT: '' } })).server).toMatchObject({ host: '127.0.0.1', port: 9000 });
    const set = configOf(parseConfig(text, { env: { HOST: '10.0.0.1', PORT: '81', STORE: 'memory' } }));
    expect(set.server).toMatchObject({ host: '10.0.0.1', port: 81 });
  });

  test('an empty default is allowed', () => {
    const text = 'providers:\n  openai:\n    headers: { X-Tag: "${TAG:-}" }\n';
    expect(configOf(parseConfig(text, { env: {} })).providers.openai?.headers).toEqual({ 'X-Tag': '' });
  });

  test('$${ is a literal ${', () => {
    const text = 'providers:\n  openai:\n    headers: { X-Template: "$${NOT_A_VAR} and ${REAL}" }\n';
    const headers = configOf(parseConfig(text, { env: { REAL: 'yes' } })).providers.openai?.headers;
    expect(headers).toEqual({ 'X-Template': '${NOT_A_VAR} and yes' });
  });

  test('references work inside flow collections, where YAML treats { } as syntax', () => {
    // The form the product page shows: `api_keys: [ ${LITER_LLM_KEY} ]`.
    const text = 'server: { port: ${PORT}, api_keys: [ ${KEY_A}, "${KEY_B}" ] }\n';
    const server = configOf(parseConfig(text, { env: { PORT: '8081', KEY_A: 'a-key', KEY_B: 'b-key' } })).server;
    expect(server).toMatchObject({ port: 8081, apiKeys: ['a-key', 'b-key'] });
  });

  test('a numeric field that is exactly one reference becomes a number; anything else stays text', () => {
    const text = 'providers:\n  openai:\n    max_concurrency: ${CONCURRENCY}\n    models: [ "${MODEL}" ]\n';
    const provider = configOf(parseConfig(text, { env: { CONCURRENCY: '12', MODEL: '4' } })).providers.openai!;
    expect(provider.maxConcurrency).toBe(12);
    expect(provider.models).toEqual(['4']);
    const wrong = parseConfig(text, { env: { CONCURRENCY: 'lots', MODEL: 'm' } });
    expect(wrong.ok ? [] : issuesOf(wrong.errors)).toEqual([
      'providers.openai.max_concurrency: expected a positive integer, got "lots"',
    ]);
  });

  test('an unset variable without a default is an error naming the path and the variable', () => {
    const text = 'providers:\n  openai:\n    base_url: ${OPENAI_BASE}\nserver:\n  host: ${HOST}\n  port: ${PORT}\n';
    const result = parseConfig(text, { env: {} });
    expect(result.ok ? [] : issuesOf(result.errors)).toEqual([
      'providers.openai.base_url: environment variable OPENAI_BASE is not set',
      'server.host: environment variable HOST is not set',
      'server.port: environment variable PORT is not set',
    ]);
  });

  test('a variable set to an empty string counts as set', () => {
    const text = 'providers:\n  openai:\n    headers: { X-Empty: "${EMPTY}" }\n';
    expect(configOf(parseConfig(text, { env: { EMPTY: '' } })).providers.openai?.headers).toEqual({ 'X-Empty': '' });
  });

  test('an unset api_key leaves the provider keyless, with a warning', () => {
    const text = 'providers:\n  openai:\n    api_key: ${OPENAI_API_KEY}\n';
    const result = parseConfig(text, { env: {} });
    expect(configOf(result).providers.openai?.apiKey).toBeUndefined();
    expect(issuesOf(result.warnings)).toEqual([
      'providers.openai.api_key: environment variable OPENAI_API_KEY is not set; the provider is called without an API key',
    ]);
  });

  test('unset server.api_keys entries are dropped, with a warning each', () => {
    const text = 'server:\n  api_keys: [ ${KEY_A}, ${KEY_B}, static-key ]\n';
    const result = parseConfig(text, { env: { KEY_B: 'b-key' } });
    expect(configOf(result).server.apiKeys).toEqual(['b-key', 'static-key']);
    expect(issuesOf(result.warnings)).toEqual([
      'server.api_keys[0]: environment variable KEY_A is not set; this entry is dropped',
    ]);
  });

  test('server.api_keys may be one variable holding a comma-separated list', () => {
    const text = 'server:\n  api_keys: ${GATEWAY_KEYS}\n';
    expect(configOf(parseConfig(text, { env: { GATEWAY_KEYS: 'k1, k2,,k1' } })).server.apiKeys).toEqual(['k1', 'k2']);
    // Unset, it leaves no key: refused (check-server-api-keys.test.ts), not "no authentication".
    const unset = parseConfig(text, { env: {} });
    expect(unset.ok ? [] : issuesOf(unset.errors)).toEqual([
      'server.api_keys: ${GATEWAY_KEYS} is not set, so the gateway would accept every caller; set it, or delete server.api_keys to run without authentication',
    ]);
    expect(unset.warnings).toEqual([]);
  });

  test('a malformed reference is an error that explains the escape', () => {
    const text = 'providers:\n  openai:\n    base_url: https://${HOST/v1\n    models: [ "${1BAD}" ]\n';
    const result = parseConfig(text, { env: {} });
    const expected = 'invalid ${...} reference: expected ${NAME} or ${NAME:-default} (write $${ for a literal ${)';
    expect(result.ok ? [] : issuesOf(result.errors)).toEqual([
      `providers.openai.base_url: ${expected}`,
      `providers.openai.models[0]: ${expected}`,
    ]);
  });

  test('keys are not interpolated, and the default env is process.env', () => {
    process.env.LITER_LLM_CONFIG_TEST_HOST = 'from-process-env';
    try {
      const config = configOf(parseConfig('server:\n  host: ${LITER_LLM_CONFIG_TEST_HOST}\n'));
      expect(config.server.host).toBe('from-process-env');
    } finally {
      delete process.env.LITER_LLM_CONFIG_TEST_HOST;
    }
    const result = parseConfig('providers:\n  ${NAME}: { type: openai }\n', { env: { NAME: 'x' } });
    expect(Object.keys(configOf(result).providers)).toEqual(['${NAME}']);
  });
});
