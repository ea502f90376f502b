import { RateLimitStoreError } from '../rate-limit-store-error.js';
import { defineLimitScripts, type RedisClient, type RedisLimitClient } from './redis-limit-client.js';

/** Used when the config does not set `limits.command_timeout_ms`. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 50;

/** How long the first commands wait for the very first connection (then a missing server fails fast). */
export const DEFAULT_FIRST_CONNECT_TIMEOUT_MS = 2000;

export interface RedisCommandRunnerOptions {
  /** The client, or the promise of it (createEngine imports ioredis lazily). */
  redis: RedisClient | Promise<RedisClient>;
  /** Every command's own timeout (default 50 ms). */
  commandTimeoutMs?: number;
  /** Until the client has been ready once, commands wait this long for it (default 2 s). */
  firstConnectTimeoutMs?: number;
  /** Strings never to repeat in an error message (the password of the URL). */
  secrets?: readonly string[];
}

export type RunRedisCommand = <T>(
  operation: string,
  key: string,
  command: (client: RedisLimitClient) => Promise<T>,
) => Promise<T>;

/**
 * Runs each command under its own timeout, so no call waits on a Redis that is gone, whatever the
 * client's reconnect state; every failure becomes a RateLimitStoreError naming the operation and
 * key, with the secrets cut out. A command that times out may still be applied by the server later
 * (a take then spends tokens nobody uses: the error is on the safe side).
 */
export function createRedisCommandRunner(options: RedisCommandRunnerOptions): RunRedisCommand {
  const commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const firstConnectTimeoutMs = options.firstConnectTimeoutMs ?? DEFAULT_FIRST_CONNECT_TIMEOUT_MS;
  const secrets = (options.secrets ?? []).filter((secret) => secret !== '');
  let limitClient: RedisLimitClient | undefined;
  let clientPromise: Promise<RedisLimitClient> | undefined;
  let everReady = false;

  const redact = (text: string): string => secrets.reduce((result, secret) => result.split(secret).join('***'), text);

  const resolveClient = (): Promise<RedisLimitClient> | RedisLimitClient => {
    if (limitClient !== undefined) return limitClient;
    clientPromise ??= Promise.resolve(options.redis).then((client) => {
      limitClient = defineLimitScripts(client);
      if (client.status === 'ready') everReady = true;
      else client.once('ready', () => (everReady = true));
      return limitClient;
    });
    return clientPromise;
  };

  /** Before the first connection, wait for it (bounded); afterwards a client that is not ready fails at once. */
  const waitUntilReady = async (client: RedisClient, operation: string, key: string): Promise<void> => {
    if (client.status === 'ready') {
      everReady = true;
      return;
    }
    const connecting = client.status === 'wait' || client.status === 'connecting' || client.status === 'connect';
    if (everReady || !connecting) {
      throw new RateLimitStoreError(`Redis ${operation} on ${key} failed: not connected (${client.status})`);
    }
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        client.off('ready', onReady);
        reject(
          new RateLimitStoreError(
            `Redis ${operation} on ${key} failed: no connection within ${firstConnectTimeoutMs} ms (${client.status})`,
          ),
        );
      }, firstConnectTimeoutMs);
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      client.once('ready', onReady);
    });
  };

  return async (operation, key, command) => {
    try {
      const resolved = await resolveClient();
      await waitUntilReady(resolved.client, operation, key);
      const pending = command(resolved);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new RateLimitStoreError(`Redis ${operation} on ${key} timed out after ${commandTimeoutMs} ms`)),
          commandTimeoutMs,
        );
      });
      try {
        return await Promise.race([pending, timeout]);
      } finally {
        clearTimeout(timer);
        // A late failure of the raced command must not surface as an unhandled rejection.
        pending.catch(() => undefined);
      }
    } catch (error) {
      if (error instanceof RateLimitStoreError) throw error;
      const reason = redact(error instanceof Error ? error.message : String(error));
      throw new RateLimitStoreError(`Redis ${operation} on ${key} failed: ${reason}`);
    }
  };
}
