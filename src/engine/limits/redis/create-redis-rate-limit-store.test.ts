import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import {
  FAIL_FAST_REDIS_OPTIONS,
  hasRedisServer,
  REDIS_SERVER_MISSING,
  useRedisServer,
} from '../../../../test/support/use-redis-server.js';
import { startRedisServer } from '../../../testing/start-redis-server.js';
import { RateLimitStoreError } from '../rate-limit-store-error.js';
import { createRedisRateLimitStore } from './create-redis-rate-limit-store.js';

const limit = { capacity: 3, refillPerMs: 3 / 60_000 };

describe.skipIf(!hasRedisServer)('createRedisRateLimitStore against redis-server', () => {
  const suite = useRedisServer();
  let counter = 0;
  const uniqueKey = () => `provider${++counter}:requests`;

  it('admits a burst of the capacity, then says when the next token is due (server clock)', async () => {
    const store = createRedisRateLimitStore({ redis: suite.redis, keyPrefix: 'test:' });
    const key = uniqueKey();
    for (let i = 0; i < 3; i++) expect(await store.take(key, 1, limit, Date.now())).toEqual({ ok: true });
    const refused = await store.take(key, 1, limit, Date.now());
    expect(refused.ok).toBe(false);
    // 3 per minute: one token every 20 s.
    if (!refused.ok) expect(refused.waitMs).toBeGreaterThan(19_000);
    if (!refused.ok) expect(refused.waitMs).toBeLessThanOrEqual(20_000);
    expect(await store.take(key, 4, limit, Date.now())).toEqual({ ok: false, waitMs: Number.POSITIVE_INFINITY });
  });

  it('puts every key under the prefix, each with a TTL of about the time to refill plus the margin', async () => {
    const store = createRedisRateLimitStore({ redis: suite.redis, keyPrefix: 'ttl-test:' });
    const key = uniqueKey();
    await store.take(key, 2, limit, Date.now());
    const keys = await suite.redis.keys('*');
    expect(keys.filter((name) => name.includes(key))).toEqual([`ttl-test:bucket:${key}`]);
    const ttl = await suite.redis.pttl(`ttl-test:bucket:${key}`);
    // Two tokens short at 20 s each, plus the 10 s margin.
    expect(ttl).toBeGreaterThan(49_000);
    expect(ttl).toBeLessThanOrEqual(50_000);
    await store.pause('other:requests', Date.now() + 5000, Date.now());
    const pauseTTL = await suite.redis.pttl('ttl-test:bucket:other:requests');
    expect(pauseTTL).toBeGreaterThan(14_000);
    expect(pauseTTL).toBeLessThanOrEqual(15_000);
    for (const name of await suite.redis.keys('*')) expect(await suite.redis.pttl(name)).toBeGreaterThan(0);
  });

  it('honours a pause: nothing is taken before it ends, and the bucket is empty after it', async () => {
    let now = 1_000_000;
    const store = createRedisRateLimitStore({ redis: suite.redis, keyPrefix: 'pause-test:', clock: () => now });
    const key = uniqueKey();
    expect(await store.take(key, 1, limit, now)).toEqual({ ok: true });
    await store.pause(key, now + 2000, now);
    expect(await store.take(key, 1, limit, now)).toEqual({ ok: false, waitMs: 22_000 });
    now += 2000;
    expect((await store.take(key, 1, limit, now)).ok).toBe(false);
    now += 20_000;
    expect(await store.take(key, 1, limit, now)).toEqual({ ok: true });
    // A shorter pause later never shortens the one in force.
    await store.pause(key, now + 5000, now);
    await store.pause(key, now + 1000, now);
    now += 25_000;
    expect((await store.take(key, 1, limit, now)).ok).toBe(true);
  });

  it('sends a pause as the time left, so the server places it on its own clock', async () => {
    const store = createRedisRateLimitStore({ redis: suite.redis, keyPrefix: 'skew-test:' });
    const key = uniqueKey();
    await store.take(key, 1, limit, Date.now());
    // A caller whose clock is an hour behind still pauses for 2 s, not for an hour.
    const skewedNow = Date.now() - 3_600_000;
    await store.pause(key, skewedNow + 2000, skewedNow);
    const refused = await store.take(key, 1, limit, skewedNow);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.waitMs).toBeLessThanOrEqual(22_000);
  });

  it('applies the TPM correction: a refund gives tokens back, a charge leaves a debt', async () => {
    let now = 5_000_000;
    const store = createRedisRateLimitStore({ redis: suite.redis, keyPrefix: 'adjust-test:', clock: () => now });
    const key = uniqueKey();
    const tokens = { capacity: 600, refillPerMs: 600 / 60_000 };
    expect((await store.take(key, 500, tokens, now)).ok).toBe(true);
    await store.adjust(key, 400, tokens, now);
    expect((await store.take(key, 500, tokens, now)).ok).toBe(true);
    await store.adjust(key, -300, tokens, now);
    // 0 left, then a 300 debt: 600 more are due after (300 + 600) / 10 per second = 90 s.
    expect(await store.take(key, 600, tokens, now)).toEqual({ ok: false, waitMs: 90_000 });
    now += 90_000;
    expect((await store.take(key, 600, tokens, now)).ok).toBe(true);
  });

  it('rejects with RateLimitStoreError when the server is gone, within the command timeout', async () => {
    const other = await startRedisServer();
    const client = new Redis(other.url, FAIL_FAST_REDIS_OPTIONS);
    try {
      const store = createRedisRateLimitStore({ redis: client, commandTimeoutMs: 50 });
      expect((await store.take('gone:requests', 1, limit, Date.now())).ok).toBe(true);
      await other.stop();
      const started = performance.now();
      const error = await store.take('gone:requests', 1, limit, Date.now()).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(RateLimitStoreError);
      expect(performance.now() - started).toBeLessThan(200);
    } finally {
      client.disconnect();
      await other.close();
    }
  });

  it('times a command out after its own timeout when the server does not answer', async () => {
    const other = await startRedisServer();
    const client = new Redis(other.url, FAIL_FAST_REDIS_OPTIONS);
    const blocker = new Redis(other.url);
    try {
      const store = createRedisRateLimitStore({ redis: client, commandTimeoutMs: 50 });
      await store.take('slow:requests', 1, limit, Date.now());
      // CLIENT PAUSE holds every other client's commands for 0.5 s.
      await blocker.call('CLIENT', 'PAUSE', '500', 'ALL');
      const started = performance.now();
      const error = await store.take('slow:requests', 1, limit, Date.now()).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(RateLimitStoreError);
      expect((error as Error).message).toBe('Redis take on slow:requests timed out after 50 ms');
      expect(performance.now() - started).toBeLessThan(150);
    } finally {
      client.disconnect();
      blocker.disconnect();
      await other.close();
    }
  });

  it('never repeats the password of the URL in an error', async () => {
    const password = 's3cret-Pa55word';
    const other = await startRedisServer({ password });
    const wrong = other.url.replace(encodeURIComponent(password), 'wrong-' + password);
    const client = new Redis(wrong, { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      const store = createRedisRateLimitStore({
        redis: client,
        secrets: [password, 'wrong-' + password],
        firstConnectTimeoutMs: 300,
      });
      const error = (await store.take('auth:requests', 1, limit, Date.now()).catch((thrown: unknown) => thrown)) as Error;
      expect(error).toBeInstanceOf(RateLimitStoreError);
      expect(error.message).not.toContain(password);
      expect(JSON.stringify(error)).not.toContain(password);
      expect(error.cause).toBeUndefined();
    } finally {
      client.disconnect();
      await other.close();
    }
  });
});

if (!hasRedisServer) it('against redis-server', (context) => context.skip(REDIS_SERVER_MISSING));
