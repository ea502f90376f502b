import { createRedisCommandRunner, type RedisCommandRunnerOptions, type RunRedisCommand } from './create-redis-command-runner.js';

/** Used when the config does not set `limits.key_prefix`. */
export const DEFAULT_REDIS_KEY_PREFIX = 'liter-llm:';

/** Added to every key's expiry beyond the time its bucket needs to refill (or its leases to run out). */
export const REDIS_TTL_MARGIN_MS = 10_000;

export interface RedisLimitStoreOptions extends RedisCommandRunnerOptions {
  /** Starts every key (default `liter-llm:`): `<prefix>bucket:<limiter key>`, `<prefix>leases:<key>`. */
  keyPrefix?: string;
  /**
   * The clock the scripts count with. Absent (production): the Redis server's TIME, one clock for
   * every replica. Tests pass one to step time; the `now` the limiter passes is then ignored too.
   */
  clock?: () => number;
}

/** What both Redis stores share: the command runner, their keys, the clock argument and the TTL margin. */
export interface RedisScriptContext {
  run: RunRedisCommand;
  /** The Redis key of a store key: prefix + kind + key. */
  redisKey: (key: string) => string;
  /** ARGV[2] of the scripts: '' for the server's clock, else the test clock's reading. */
  nowArgument: () => string;
  readonly margin: string;
  readonly testClock: (() => number) | undefined;
}

export function createRedisScriptContext(options: RedisLimitStoreOptions, kind: 'bucket:' | 'leases:'): RedisScriptContext {
  const prefix = `${options.keyPrefix ?? DEFAULT_REDIS_KEY_PREFIX}${kind}`;
  const clock = options.clock;
  return {
    run: createRedisCommandRunner(options),
    redisKey: (key) => prefix + key,
    nowArgument: () => (clock === undefined ? '' : String(clock())),
    margin: String(REDIS_TTL_MARGIN_MS),
    testClock: clock,
  };
}
