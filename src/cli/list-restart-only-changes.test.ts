import { describe, expect, it } from 'vitest';
import { createDefaultConfig } from '../engine/config/create-default-config.js';
import type { LiterLLMConfig } from '../engine/config/liter-llm-config.js';
import { listRestartOnlyChanges } from './list-restart-only-changes.js';

function withChanges(base: LiterLLMConfig, change: (config: LiterLLMConfig) => void): LiterLLMConfig {
  const next = structuredClone(base);
  change(next);
  return next;
}

describe('listRestartOnlyChanges', () => {
  const running = createDefaultConfig({});

  it('lists nothing for an equal config, nor for the keys a reload applies live', () => {
    expect(listRestartOnlyChanges(running, structuredClone(running))).toEqual([]);
    const live = withChanges(running, (config) => {
      config.server.apiKeys = ['new-key'];
      config.server.maxBodyBytes = 1024;
      config.server.metricsRequireKey = true;
      config.server.allowedHosts = ['.example.com'];
    });
    expect(listRestartOnlyChanges(running, live)).toEqual([]);
  });

  it('names every restart-only key that changed, as written in the file', () => {
    const next = withChanges(running, (config) => {
      config.server.host = '127.0.0.1';
      config.server.port = 9090;
      config.server.drainTimeoutMs = 30_000;
      config.server.drainDelayMs = 5_000;
      config.limits = { ...config.limits, store: 'redis', redisURL: 'redis://cache:6379' };
      config.configSource = { etcd: { endpoints: ['http://etcd:2379'], prefix: '/gw/' } };
    });
    expect(listRestartOnlyChanges(running, next)).toEqual([
      'server.host',
      'server.port',
      'server.drain_timeout_ms',
      'server.drain_delay_ms',
      'limits.store',
      'limits.redis_url',
      'config_source',
    ]);
  });
});
