import { randomUUID } from 'node:crypto';
import type { ConcurrencyLeaseStore, LeaseAttempt } from '../concurrency-lease-store.js';
import { createRedisScriptContext, type RedisLimitStoreOptions } from './create-redis-script-context.js';

export type RedisConcurrencyLeaseStoreOptions = RedisLimitStoreOptions;

/**
 * `max_concurrency_global` slots in Redis: one sorted set per key of lease id -> expiry on the
 * server's clock (concurrency-leases-lua.ts). Acquire and renew are scripts that drop expired
 * leases first; release is a ZREM.
 */
export function createRedisConcurrencyLeaseStore(options: RedisConcurrencyLeaseStoreOptions): ConcurrencyLeaseStore {
  const { run, redisKey, nowArgument, margin } = createRedisScriptContext(options, 'leases:');
  return {
    tryAcquire: (key: string, limit: number, leaseMs: number): Promise<LeaseAttempt> =>
      run('try_acquire', key, async (redis) => {
        const leaseId = randomUUID();
        const args = [nowArgument(), String(leaseMs), margin, String(limit), leaseId];
        const [ok, waitMs] = await redis.concurrencyLeases(redisKey(key), 'acquire', ...args);
        return ok === 1 ? { ok: true, leaseId } : { ok: false, retryInMs: waitMs };
      }),
    renew: (key: string, leaseIds: readonly string[], leaseMs: number): Promise<void> =>
      leaseIds.length === 0
        ? Promise.resolve()
        : run('renew', key, async (redis) => {
            await redis.concurrencyLeases(redisKey(key), 'renew', nowArgument(), String(leaseMs), margin, ...leaseIds);
          }),
    release: (key: string, leaseId: string): Promise<void> =>
      run('release', key, async (redis) => {
        await redis.client.zrem(redisKey(key), leaseId);
      }),
  };
}
