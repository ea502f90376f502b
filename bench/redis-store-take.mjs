// The cost of one admission's take in the shared (Redis) store against the in-memory store: latency
// per take (p50, p99) and this process's CPU per take, sequential, on one connection.
// Usage: npx tsc -b && node bench/redis-store-take.mjs redis://127.0.0.1:6379 [takes]
// It writes only keys under bench-take: (with their TTLs).
import { Redis } from 'ioredis';
import { createMemoryRateLimitStore } from '../dist/engine/limits/create-memory-rate-limit-store.js';
import { createFailoverRateLimitStore } from '../dist/engine/limits/failover/create-failover-rate-limit-store.js';
import { createRedisRateLimitStore } from '../dist/engine/limits/redis/create-redis-rate-limit-store.js';

const url = process.argv[2] ?? 'redis://127.0.0.1:6379';
const takes = Number(process.argv[3] ?? 20_000);
const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
await new Promise((resolve, reject) => {
  redis.once('ready', resolve);
  redis.once('error', reject);
});
// A limit no run can spend: every take is admitted, so each costs the same.
const limit = { capacity: 1e12, refillPerMs: 1e9 };

async function measure(name, store) {
  for (let i = 0; i < 2000; i++) await store.take('bench:requests', 1, limit, Date.now());
  const times = new Float64Array(takes);
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < takes; i++) {
    const started = performance.now();
    await store.take('bench:requests', 1, limit, Date.now());
    times[i] = performance.now() - started;
  }
  const cpu = process.cpuUsage(cpuBefore);
  times.sort();
  const at = (q) => times[Math.floor(q * (takes - 1))].toFixed(3);
  const cpuPerTake = ((cpu.user + cpu.system) / takes).toFixed(1);
  console.log(`${name.padEnd(24)} p50 ${at(0.5)} ms  p99 ${at(0.99)} ms  CPU ${cpuPerTake} µs per take`);
}

await measure('memory', createMemoryRateLimitStore());
await measure('redis', createRedisRateLimitStore({ redis, keyPrefix: 'bench-take:' }));
await measure(
  'redis + failover',
  createFailoverRateLimitStore(createRedisRateLimitStore({ redis, keyPrefix: 'bench-take:' }), { onStoreError: 'fail_open' }),
);
redis.disconnect();
