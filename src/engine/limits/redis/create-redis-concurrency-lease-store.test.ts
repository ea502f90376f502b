import { describe, expect, it } from 'vitest';
import { hasRedisServer, REDIS_SERVER_MISSING, useRedisServer } from '../../../../test/support/use-redis-server.js';
import type { LeaseAttempt } from '../concurrency-lease-store.js';
import { createRedisConcurrencyLeaseStore } from './create-redis-concurrency-lease-store.js';

function leaseIdOf(attempt: LeaseAttempt): string {
  if (!attempt.ok) throw new Error(`expected a lease, got retry in ${attempt.retryInMs} ms`);
  return attempt.leaseId;
}

describe.skipIf(!hasRedisServer)('createRedisConcurrencyLeaseStore against redis-server', () => {
  const suite = useRedisServer();

  it('holds at most `limit` leases across stores, says when the earliest expires, and frees on release', async () => {
    let now = 1_000_000;
    const replicaA = createRedisConcurrencyLeaseStore({ redis: suite.redis, keyPrefix: 'lease-test:', clock: () => now });
    const replicaB = createRedisConcurrencyLeaseStore({ redis: suite.redis, keyPrefix: 'lease-test:', clock: () => now });
    const first = leaseIdOf(await replicaA.tryAcquire('openai', 2, 10_000));
    now += 1000;
    leaseIdOf(await replicaB.tryAcquire('openai', 2, 10_000));
    expect(await replicaA.tryAcquire('openai', 2, 10_000)).toEqual({ ok: false, retryInMs: 9000 });
    await replicaA.release('openai', first);
    leaseIdOf(await replicaB.tryAcquire('openai', 2, 10_000));
    expect((await replicaA.tryAcquire('openai', 2, 10_000)).ok).toBe(false);
  });

  it('renews a lease by leaseMs from now; an expired lease is not brought back', async () => {
    let now = 2_000_000;
    const store = createRedisConcurrencyLeaseStore({ redis: suite.redis, keyPrefix: 'renew-test:', clock: () => now });
    const kept = leaseIdOf(await store.tryAcquire('p', 2, 1000));
    const dropped = leaseIdOf(await store.tryAcquire('p', 2, 1000));
    now += 900;
    await store.renew('p', [kept], 1000);
    now += 200;
    // `dropped` expired at +1000; `kept` lives until +1900.
    await store.renew('p', [dropped], 1000);
    expect(await suite.redis.zscore('renew-test:leases:p', dropped)).toBeNull();
    leaseIdOf(await store.tryAcquire('p', 2, 1000));
    expect(await store.tryAcquire('p', 2, 1000)).toEqual({ ok: false, retryInMs: 800 });
  });

  it('gives the slots of a holder that stopped renewing (killed) back within the lease time, on the server clock', async () => {
    const dead = createRedisConcurrencyLeaseStore({ redis: suite.redis, keyPrefix: 'kill-test:' });
    const survivor = createRedisConcurrencyLeaseStore({ redis: suite.redis, keyPrefix: 'kill-test:' });
    for (let i = 0; i < 4; i++) leaseIdOf(await dead.tryAcquire('openai', 4, 300));
    const refused = await survivor.tryAcquire('openai', 4, 300);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.retryInMs).toBeLessThanOrEqual(300);
    await new Promise((resolve) => setTimeout(resolve, 320));
    for (let i = 0; i < 4; i++) leaseIdOf(await survivor.tryAcquire('openai', 4, 300));
  });

  it('keeps its keys under the prefix with a TTL past the latest expiry', async () => {
    const store = createRedisConcurrencyLeaseStore({ redis: suite.redis, keyPrefix: 'lease-ttl:' });
    await store.tryAcquire('anthropic', 3, 5000);
    expect(await suite.redis.keys('lease-ttl:*')).toEqual(['lease-ttl:leases:anthropic']);
    const ttl = await suite.redis.pttl('lease-ttl:leases:anthropic');
    expect(ttl).toBeGreaterThan(14_000);
    expect(ttl).toBeLessThanOrEqual(15_000);
  });
});

if (!hasRedisServer) it('concurrency leases against redis-server', (context) => context.skip(REDIS_SERVER_MISSING));
