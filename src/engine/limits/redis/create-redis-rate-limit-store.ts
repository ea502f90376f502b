import type { RateLimit, RateLimitStore } from '../rate-limit-store.js';
import { TAKE_OK, type TakeResult } from '../token-bucket.js';
import { createRedisScriptContext, type RedisLimitStoreOptions } from './create-redis-script-context.js';

export type RedisRateLimitStoreOptions = RedisLimitStoreOptions;

/**
 * Token buckets shared by every replica, in Redis: each take, adjust and pause is one script run
 * (one round trip, atomic; token-bucket-lua.ts). Every command has its own timeout; failures
 * reject with RateLimitStoreError (createFailoverRateLimitStore decides what a failure means).
 */
export function createRedisRateLimitStore(options: RedisRateLimitStoreOptions): RateLimitStore {
  const { run, redisKey, nowArgument, margin, testClock } = createRedisScriptContext(options, 'bucket:');
  const limitArguments = (limit: RateLimit): [string, string] => [String(limit.capacity), String(limit.refillPerMs)];

  return {
    take: (key: string, cost: number, limit: RateLimit): Promise<TakeResult> =>
      run('take', key, async (redis) => {
        const args = [nowArgument(), String(cost), ...limitArguments(limit), margin];
        const [ok, waitMs] = await redis.tokenBucket(redisKey(key), 'take', ...args);
        if (ok === 1) return TAKE_OK;
        return { ok: false, waitMs: waitMs < 0 ? Number.POSITIVE_INFINITY : waitMs };
      }),
    adjust: (key: string, delta: number, limit: RateLimit): Promise<void> =>
      run('adjust', key, async (redis) => {
        await redis.tokenBucket(redisKey(key), 'adjust', nowArgument(), String(delta), ...limitArguments(limit), margin);
      }),
    /**
     * `untilMs` is on the caller's clock (now + retry-after); the script counts on the server's, so
     * the pause is sent as the time left and placed on the server's clock there.
     */
    pause: (key: string, untilMs: number, now?: number): Promise<void> =>
      run('pause', key, async (redis) => {
        const until = testClock === undefined ? `+${untilMs - (now ?? Date.now())}` : String(untilMs);
        await redis.tokenBucket(redisKey(key), 'pause', nowArgument(), until, '', '', margin);
      }),
  };
}
