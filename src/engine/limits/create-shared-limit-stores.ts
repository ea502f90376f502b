import type { LimitsConfig } from '../config/liter-llm-config.js';
import type { ConcurrencyLeaseStore } from './concurrency-lease-store.js';
import { createFailoverConcurrencyLeaseStore } from './failover/create-failover-concurrency-lease-store.js';
import { createFailoverRateLimitStore } from './failover/create-failover-rate-limit-store.js';
import type { RateLimitStore } from './rate-limit-store.js';
import { createRedisClient } from './redis/create-redis-client.js';
import { createRedisConcurrencyLeaseStore } from './redis/create-redis-concurrency-lease-store.js';
import { createRedisRateLimitStore } from './redis/create-redis-rate-limit-store.js';
import { parseRedisURL } from './redis/parse-redis-url.js';
import type { RedisClient } from './redis/redis-limit-client.js';

/** The stores of `limits.store: redis`, as the engine uses them, and how to let go of Redis. */
export interface SharedLimitStores {
  rateLimitStore: RateLimitStore;
  leaseStore: ConcurrencyLeaseStore;
  /** Quits the Redis connection (QUIT, or a hard disconnect after 1 s). */
  close(): Promise<void>;
}

/** How long close() waits for Redis to answer QUIT before dropping the connection. */
const QUIT_TIMEOUT_MS = 1000;

/**
 * Builds the Redis stores for a validated `limits` section: one ioredis client (imported now, in
 * the background: the engine is created synchronously, and the first commands wait for the client
 * within their first-connect bound), the bucket and lease stores on it, each wrapped in the
 * failover that `on_store_error` asks for.
 */
export function createSharedLimitStores(limits: LimitsConfig): SharedLimitStores {
  const endpoint = parseRedisURL(limits.redisURL ?? '');
  // The config was validated: a bad URL here is a caller passing an unvalidated LiterLLMConfig.
  if (typeof endpoint === 'string') throw new RangeError(`limits.redis_url: ${endpoint}`);
  const client: Promise<RedisClient> = createRedisClient(endpoint);
  // A failed import surfaces through each command as a RateLimitStoreError; here it is only awaited.
  client.catch(() => undefined);
  const storeOptions = {
    redis: client,
    keyPrefix: limits.keyPrefix,
    commandTimeoutMs: limits.commandTimeoutMs,
    secrets: endpoint.password === undefined ? [] : [endpoint.password, encodeURIComponent(endpoint.password)],
  };
  const failover = { onStoreError: limits.onStoreError, expectedReplicas: limits.expectedReplicas };
  return {
    rateLimitStore: createFailoverRateLimitStore(createRedisRateLimitStore(storeOptions), failover),
    leaseStore: createFailoverConcurrencyLeaseStore(createRedisConcurrencyLeaseStore(storeOptions), failover),
    async close() {
      const redis = await client.catch(() => undefined);
      if (redis === undefined) return;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const gaveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, QUIT_TIMEOUT_MS)));
      await Promise.race([redis.quit().catch(() => undefined), gaveUp]);
      clearTimeout(timer);
      redis.disconnect();
    },
  };
}
