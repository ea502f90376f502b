/** The limits.* keys of shared (Redis) limits and providers.*.max_concurrency_global, through parseConfig. */
import { describe, expect, test } from 'vitest';
import type { ConfigResult } from './config-issue.js';
import { parseConfig } from './parse-config.js';
import { validateConfigInput } from './validate-config-input.js';

function errorsOf(result: ConfigResult): string[] {
  if (result.ok) throw new Error('expected errors, got a valid config');
  return result.errors.map((issue) => `${issue.path}: ${issue.message}`);
}

describe('shared limits config', () => {
  test('every key is read, with max_concurrency_global on a provider', () => {
    const text = [
      'providers:',
      '  openai: { api_key: k, max_concurrency: 64, max_concurrency_global: 200 }',
      'limits:',
      '  store: redis',
      '  redis_url: redis+sentinel://:pw@s1:26379,s2:26379/mymaster',
      '  key_prefix: "gw:"',
      '  on_store_error: fail_closed',
      '  expected_replicas: 3',
      '  command_timeout_ms: 80',
      '  lease_ms: 5000',
    ].join('\n');
    const result = parseConfig(text, { env: {} });
    if (!result.ok) throw new Error(errorsOf(result).join('\n'));
    expect(result.config.limits).toEqual({
      store: 'redis',
      redisURL: 'redis+sentinel://:pw@s1:26379,s2:26379/mymaster',
      keyPrefix: 'gw:',
      onStoreError: 'fail_closed',
      expectedReplicas: 3,
      commandTimeoutMs: 80,
      leaseMs: 5000,
    });
    expect(result.config.providers.openai).toMatchObject({ maxConcurrency: 64, maxConcurrencyGlobal: 200 });
  });

  test('max_concurrency_global without store: redis is refused with its path, in both key styles', () => {
    expect(errorsOf(parseConfig('providers:\n  openai: { max_concurrency_global: 4 }\n', { env: {} }))).toEqual([
      'providers.openai.max_concurrency_global: needs limits.store: redis (the cap is shared by every replica through Redis); use max_concurrency for one process',
    ]);
    expect(errorsOf(validateConfigInput({ providers: { openai: { maxConcurrencyGlobal: 4 } } }))[0]).toMatch(
      /^providers\.openai\.maxConcurrencyGlobal: needs limits\.store: redis/,
    );
  });

  test('bad values name the key and never echo a password', () => {
    const text = [
      'limits:',
      '  store: redis',
      '  redis_url: redis+cluster://:hunter2@n1:7000/2',
      '  on_store_error: ignore',
      '  expected_replicas: 0',
      '  command_timeout_ms: 0',
      '  lease_ms: 10',
    ].join('\n');
    const errors = errorsOf(parseConfig(text, { env: {} }));
    expect(errors.map((line) => line.split(':')[0])).toEqual([
      'limits.redis_url',
      'limits.on_store_error',
      'limits.expected_replicas',
      'limits.command_timeout_ms',
      'limits.lease_ms',
    ]);
    expect(errors[0]).toBe('limits.redis_url: a redis+cluster:// URL has no database path (a cluster has only database 0)');
    expect(errors.join('\n')).not.toContain('hunter2');
  });
});
