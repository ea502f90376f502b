import { describe, expect, it } from 'vitest';
import { createDefaultConfig } from '../engine/config/create-default-config.js';
import { listEngineRestartOnlyChanges } from './list-engine-restart-only-changes.js';

describe('listEngineRestartOnlyChanges', () => {
  const running = createDefaultConfig({});

  it('names the rate-limit store and the config source as written in the file, and nothing the engine reloads', () => {
    const next = structuredClone(running);
    next.server.port = 9090;
    next.providers['openai'] = structuredClone(running.providers['openai']!);
    expect(listEngineRestartOnlyChanges(running, next)).toEqual([]);
    next.limits = { ...next.limits, store: 'redis', redisURL: 'redis://cache:6379' };
    next.configSource = { etcd: { endpoints: ['http://etcd:2379'], prefix: '/gw/' } };
    expect(listEngineRestartOnlyChanges(running, next)).toEqual(['limits.store', 'limits.redis_url', 'config_source']);
  });
});
