import { describe, expect, it } from 'vitest';
import { hasRedisServer, REDIS_SERVER_MISSING } from '../../../../test/support/use-redis-server.js';
import { startRedisServer } from '../../../testing/start-redis-server.js';
import { engineChannels, type LimitStoreStateEvent } from '../../engine-events.js';
import { RateLimitStoreError } from '../rate-limit-store-error.js';
import { createRedisClient } from '../redis/create-redis-client.js';
import { createRedisConcurrencyLeaseStore } from '../redis/create-redis-concurrency-lease-store.js';
import { createRedisRateLimitStore } from '../redis/create-redis-rate-limit-store.js';
import { parseRedisURL, type RedisEndpoint } from '../redis/parse-redis-url.js';
import { createFailoverConcurrencyLeaseStore } from './create-failover-concurrency-lease-store.js';
import { createFailoverRateLimitStore } from './create-failover-rate-limit-store.js';

const limit = { capacity: 1000, refillPerMs: 1000 / 60_000 };

describe.skipIf(!hasRedisServer)('the failover stores when redis-server stops and starts again', () => {
  it('fail_open: every call answers within the command timeout while Redis is down, and Redis is used again within seconds of its return', async () => {
    const server = await startRedisServer();
    const client = await createRedisClient(parseRedisURL(server.url) as RedisEndpoint);
    const states: LimitStoreStateEvent[] = [];
    const onState = (message: unknown) => states.push(message as LimitStoreStateEvent);
    engineChannels.limitStoreState.subscribe(onState);
    try {
      const shared = createRedisRateLimitStore({ redis: client, keyPrefix: 'outage:', commandTimeoutMs: 50 });
      const store = createFailoverRateLimitStore(shared, {
        onStoreError: 'fail_open',
        expectedReplicas: 2,
        probeIntervalMs: 1000,
      });
      const leases = createFailoverConcurrencyLeaseStore(
        createRedisConcurrencyLeaseStore({ redis: client, keyPrefix: 'outage:' }),
        {
          onStoreError: 'fail_open',
          probeIntervalMs: 1000,
        },
      );
      expect(await store.take('p:requests', 1, limit, Date.now())).toEqual({ ok: true });
      const shared1 = await leases.tryAcquire('p', 1, 10_000);
      expect(shared1.ok && !shared1.leaseId.startsWith('local:')).toBe(true);

      await server.stop();
      let slowest = 0;
      for (let i = 0; i < 50; i++) {
        const started = performance.now();
        expect((await store.take('p:requests', 1, limit, Date.now())).ok).toBe(true);
        const attempt = await leases.tryAcquire('p', 1, 10_000);
        expect(attempt.ok).toBe(true);
        slowest = Math.max(slowest, performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // Twice the command timeout (two stores) plus scheduling slack on a shared machine.
      expect(slowest).toBeLessThan(150);
      expect(states.map((state) => [state.store, state.available])).toEqual([
        ['rate_limit', false],
        ['concurrency_lease', false],
      ]);

      await server.restart();
      const backAt = performance.now();
      while (!states.some((state) => state.store === 'rate_limit' && state.available)) {
        if (performance.now() - backAt > 15_000) throw new Error('not back on Redis within 15 s');
        await store.take('p:requests', 1, limit, Date.now());
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(performance.now() - backAt).toBeLessThan(5000);
      // The restarted server has no data: the bucket is new there, proof that the take went to Redis.
      expect(await client.exists('outage:bucket:p:requests')).toBe(1);
    } finally {
      engineChannels.limitStoreState.unsubscribe(onState);
      client.disconnect();
      await server.close();
    }
  });

  it('a store whose client never connected fails within the first-connect timeout, not forever', async () => {
    const client = await createRedisClient({ mode: 'standalone', tls: false, hosts: [{ host: '127.0.0.1', port: 1 }] });
    try {
      const store = createRedisRateLimitStore({ redis: client, firstConnectTimeoutMs: 300 });
      const started = performance.now();
      await expect(store.take('p:requests', 1, limit, Date.now())).rejects.toBeInstanceOf(RateLimitStoreError);
      expect(performance.now() - started).toBeLessThan(1000);
    } finally {
      client.disconnect();
    }
  });
});

if (!hasRedisServer) it('the failover stores against redis-server', (context) => context.skip(REDIS_SERVER_MISSING));
