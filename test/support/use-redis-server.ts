import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { type RedisServerHandle, requireRedisServer, startRedisServer } from '../../src/testing/start-redis-server.js';

export { REDIS_SERVER_MISSING } from '../../src/testing/start-redis-server.js';

/** What a suite using Redis reads once beforeAll has run. */
export interface RedisSuite {
  readonly server: RedisServerHandle;
  /** A client that fails fast when the server is gone (no offline queue), as the engine's does. */
  readonly redis: Redis;
}

/** Options for the clients tests make: fail fast, as the engine's client does. */
export const FAIL_FAST_REDIS_OPTIONS: RedisOptions = { enableOfflineQueue: false, maxRetriesPerRequest: 1 };

/** Whether redis-server is installed (with CI set, a missing one throws: see requireRedisServer). */
export const hasRedisServer = requireRedisServer() !== undefined;

/** Starts a redis-server and a client for the suite (in beforeAll), and stops both in afterAll. */
export function useRedisServer(): RedisSuite {
  let server: RedisServerHandle | undefined;
  let redis: Redis | undefined;
  beforeAll(async () => {
    server = await startRedisServer();
    redis = new Redis(server.url, FAIL_FAST_REDIS_OPTIONS);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.close();
  });
  return {
    get server() {
      return server!;
    },
    get redis() {
      return redis!;
    },
  };
}
