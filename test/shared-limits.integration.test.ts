/**
 * Issue 14, section 1: engines configured with `limits.store: redis` share one budget through a
 * real redis-server: two engines in this process stand for two replicas (the two-process test
 * drives `liter-llm serve`). Providers are the local OpenAI echo server.
 */
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../src/create-engine.js';
import type { ReloadableEngine } from '../src/engine/create-engine-core.js';
import type { LiterLLMConfigInput } from '../src/engine/config/liter-llm-config-input.js';
import { failureOf } from '../src/testing/failure-of.js';
import { startRedisServer } from '../src/testing/start-redis-server.js';
import { USER, useLocalEngines } from './local-engines.js';
import { FAIL_FAST_REDIS_OPTIONS, hasRedisServer, REDIS_SERVER_MISSING, useRedisServer } from './support/use-redis-server.js';

const { server } = useLocalEngines();

async function withEngines<T>(
  count: number,
  config: LiterLLMConfigInput,
  run: (engines: ReloadableEngine[]) => Promise<T>,
): Promise<T> {
  const engines = Array.from({ length: count }, () => createEngine(config, { random: () => 0 }));
  try {
    return await run(engines);
  } finally {
    await Promise.all(engines.map((engine) => engine.close()));
  }
}

describe.skipIf(!hasRedisServer)('limits.store: redis', () => {
  const suite = useRedisServer();

  it('two replicas share one request bucket: a bucket of 5 admits 5 calls in all, under the key prefix, with TTLs', async () => {
    const upstream = await server();
    const config: LiterLLMConfigInput = {
      providers: { openai: { baseURL: `${upstream.url}/v1`, apiKey: 'sk-test', rateLimitPerMinute: 5, maxRetries: 0 } },
      limits: { store: 'redis', redisURL: suite.server.url, keyPrefix: 'share-test:' },
    };
    await withEngines(2, config, async ([a, b]) => {
      const outcomes: string[] = [];
      for (let i = 0; i < 6; i++) {
        for (const engine of [a!, b!]) {
          const result = await engine.chat({ model: 'openai/gpt-4o', messages: USER }).then(
            () => 'ok',
            (error: { code: string }) => error.code,
          );
          outcomes.push(result);
        }
      }
      expect(outcomes.filter((outcome) => outcome === 'ok')).toHaveLength(5);
      expect(outcomes.filter((outcome) => outcome === 'rate_limited')).toHaveLength(7);
      expect(upstream.requests).toHaveLength(5);
      const refusal = await failureOf(b!.chat({ model: 'openai/gpt-4o', messages: USER }));
      expect(refusal.retryAfterMs).toBeGreaterThan(0);
    });
    expect(await suite.redis.keys('share-test:*')).toEqual(['share-test:bucket:openai:requests']);
    expect(await suite.redis.pttl('share-test:bucket:openai:requests')).toBeGreaterThan(0);
  });

  it('a 429 with retry-after seen by one replica stops the other from sending to that provider until it is over', async () => {
    const upstream = await server();
    upstream.enqueue({
      status: 429,
      headers: { 'content-type': 'application/json', 'retry-after': '1' },
      body: JSON.stringify({ error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }),
    });
    const config: LiterLLMConfigInput = {
      providers: { openai: { baseURL: `${upstream.url}/v1`, apiKey: 'sk-test', rateLimitPerMinute: 6000, maxRetries: 0 } },
      limits: { store: 'redis', redisURL: suite.server.url, keyPrefix: 'pause-test:' },
    };
    await withEngines(2, config, async ([a, b]) => {
      const told = await failureOf(a!.chat({ model: 'openai/gpt-4o', messages: USER }));
      expect([told.code, told.status]).toEqual(['rate_limited', 429]);
      // The pause travels on A's own connection; give it the round trip before B asks on its own.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const held = await failureOf(b!.chat({ model: 'openai/gpt-4o-mini', messages: USER }));
      expect(held.code).toBe('rate_limited');
      expect(held.status).toBeUndefined();
      expect(held.retryAfterMs).toBeGreaterThan(0);
      // The pause (1 s) plus the refill of one token after it (10 ms at 6000 per minute).
      expect(held.retryAfterMs).toBeLessThanOrEqual(1010);
      expect(upstream.requests).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await b!.chat({ model: 'openai/gpt-4o-mini', messages: USER })).text).toBe('Echo: Hello there');
    });
  });

  it('fail_closed: with Redis gone a call is refused with rate_limited saying the shared store is unavailable, at once', async () => {
    const upstream = await server();
    const redis = await startRedisServer();
    try {
      const config: LiterLLMConfigInput = {
        providers: { openai: { baseURL: `${upstream.url}/v1`, apiKey: 'sk-test', rateLimitPerMinute: 600, maxRetries: 0 } },
        limits: { store: 'redis', redisURL: redis.url, onStoreError: 'fail_closed' },
      };
      await withEngines(1, config, async ([engine]) => {
        expect((await engine!.chat({ model: 'openai/gpt-4o', messages: USER })).text).toBe('Echo: Hello there');
        await redis.stop();
        const started = performance.now();
        const refused = await failureOf(engine!.chat({ model: 'openai/gpt-4o', messages: USER }));
        expect(performance.now() - started).toBeLessThan(200);
        expect(refused.code).toBe('rate_limited');
        expect(refused.message).toContain('the shared limit store is unavailable');
        expect(refused.retryAfterMs).toBeGreaterThan(0);
        expect(upstream.requests).toHaveLength(1);
      });
    } finally {
      await redis.close();
    }
  });

  it('fail_open: with Redis gone calls go on within local limits; close() quits the Redis connection', async () => {
    const upstream = await server();
    const redis = await startRedisServer({ password: 'engine-pass' });
    const observer = new Redis(redis.url, FAIL_FAST_REDIS_OPTIONS);
    const clients = async () =>
      String(await observer.call('CLIENT', 'LIST'))
        .trim()
        .split('\n').length;
    try {
      const config: LiterLLMConfigInput = {
        providers: { openai: { baseURL: `${upstream.url}/v1`, apiKey: 'sk-test', rateLimitPerMinute: 4, maxRetries: 0 } },
        limits: { store: 'redis', redisURL: redis.url, expectedReplicas: 2 },
      };
      const engine = createEngine(config);
      expect((await engine.chat({ model: 'openai/gpt-4o', messages: USER })).text).toBe('Echo: Hello there');
      expect(await clients()).toBe(2);
      await engine.close();
      expect(await clients()).toBe(1);

      await withEngines(1, config, async ([second]) => {
        expect((await second!.chat({ model: 'openai/gpt-4o', messages: USER })).text).toBe('Echo: Hello there');
        await redis.stop();
        // 4 per minute over 2 expected replicas: a local burst of 2, then refusals.
        const outcomes = [];
        for (let i = 0; i < 4; i++) {
          const started = performance.now();
          outcomes.push(
            await second!.chat({ model: 'openai/gpt-4o', messages: USER }).then(
              () => 'ok',
              (error: { code: string }) => error.code,
            ),
          );
          expect(performance.now() - started).toBeLessThan(200);
        }
        expect(outcomes).toEqual(['ok', 'ok', 'rate_limited', 'rate_limited']);
      });
    } finally {
      observer.disconnect();
      await redis.close();
    }
  });
});

if (!hasRedisServer) it('limits.store: redis against redis-server', (context) => context.skip(REDIS_SERVER_MISSING));
