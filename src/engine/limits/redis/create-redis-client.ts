import type { ClusterOptions, RedisOptions } from 'ioredis';
import type { RedisEndpoint } from './parse-redis-url.js';
import type { RedisClient } from './redis-limit-client.js';

export interface RedisClientSettings {
  /** How long one connection attempt may take (default 1 s). */
  connectTimeoutMs?: number;
}

/**
 * The ioredis client for the shared limits, imported only now (`await import`), so a gateway on
 * memory limits never loads it. Fail-fast options: no offline queue (a command while disconnected
 * rejects at once instead of waiting for a reconnect), one retry per command, a bounded connect
 * timeout, and reconnects every ≤ 1 s, so a Redis that comes back is used again within seconds.
 */
export async function createRedisClient(endpoint: RedisEndpoint, settings: RedisClientSettings = {}): Promise<RedisClient> {
  const { Redis, Cluster } = await import('ioredis');
  const common: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: settings.connectTimeoutMs ?? 1000,
    retryStrategy: (times: number) => Math.min(times * 100, 1000),
    ...(endpoint.username !== undefined && { username: endpoint.username }),
    ...(endpoint.password !== undefined && { password: endpoint.password }),
    ...(endpoint.tls && { tls: {} }),
  };
  let client: RedisClient;
  if (endpoint.mode === 'cluster') {
    const options: ClusterOptions = {
      enableOfflineQueue: false,
      clusterRetryStrategy: (times: number) => Math.min(times * 100, 1000),
      redisOptions: common,
    };
    client = new Cluster(endpoint.hosts, options);
  } else if (endpoint.mode === 'sentinel') {
    client = new Redis({
      ...common,
      sentinels: endpoint.hosts,
      name: endpoint.masterName!,
      ...(endpoint.db !== undefined && { db: endpoint.db }),
    });
  } else {
    const [host] = endpoint.hosts;
    client = new Redis({ ...common, host: host!.host, port: host!.port, ...(endpoint.db !== undefined && { db: endpoint.db }) });
  }
  // ioredis emits 'error' on every failed reconnect; the failover store reports the outage (once),
  // and an 'error' event without a listener would crash the process.
  client.on('error', () => undefined);
  return client;
}
