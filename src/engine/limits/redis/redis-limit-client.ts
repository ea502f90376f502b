import type { Cluster, Redis } from 'ioredis';
import { CONCURRENCY_LEASES_LUA } from './concurrency-leases-lua.js';
import { TOKEN_BUCKET_LUA } from './token-bucket-lua.js';

/** A standalone, Sentinel or Cluster client from ioredis (imported as a type only: ioredis loads lazily). */
export type RedisClient = Redis | Cluster;

/** The reply of both scripts: [1, 0] done, or [0, waitMs]. */
export type ScriptReply = [number, number];

/** The client with the limit scripts defined on it. */
export interface RedisLimitClient {
  readonly client: RedisClient;
  tokenBucket(key: string, ...args: string[]): Promise<ScriptReply>;
  concurrencyLeases(key: string, ...args: string[]): Promise<ScriptReply>;
}

const defined = new WeakMap<RedisClient, RedisLimitClient>();

/**
 * Defines the scripts with ioredis' defineCommand: it sends EVALSHA and falls back to EVAL (which
 * loads the script) when the server answers NOSCRIPT, e.g. after a restart emptied its script cache.
 */
export function defineLimitScripts(client: RedisClient): RedisLimitClient {
  const known = defined.get(client);
  if (known !== undefined) return known;
  client.defineCommand('literLLMTokenBucket', { numberOfKeys: 1, lua: TOKEN_BUCKET_LUA });
  client.defineCommand('literLLMConcurrencyLeases', { numberOfKeys: 1, lua: CONCURRENCY_LEASES_LUA });
  const scripted = client as unknown as {
    literLLMTokenBucket(key: string, ...args: string[]): Promise<ScriptReply>;
    literLLMConcurrencyLeases(key: string, ...args: string[]): Promise<ScriptReply>;
  };
  const limitClient: RedisLimitClient = {
    client,
    tokenBucket: (key, ...args) => scripted.literLLMTokenBucket(key, ...args),
    concurrencyLeases: (key, ...args) => scripted.literLLMConcurrencyLeases(key, ...args),
  };
  defined.set(client, limitClient);
  return limitClient;
}
