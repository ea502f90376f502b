import { describe, expect, it } from 'vitest';
import { type LiterLLMError, RateLimitedError } from '../../../spec/errors.js';
import { engineChannels, type LimitStoreErrorEvent, type LimitStoreStateEvent } from '../../engine-events.js';
import { createMemoryRateLimitStore } from '../create-memory-rate-limit-store.js';
import { RateLimitStoreError } from '../rate-limit-store-error.js';
import type { RateLimitStore } from '../rate-limit-store.js';
import { createFailoverRateLimitStore } from './create-failover-rate-limit-store.js';

const limit = { capacity: 60, refillPerMs: 60 / 60_000 };

/** A store in front of a memory store that can be switched off, like a Redis that went away. */
function createSwitchableStore(): RateLimitStore & { down: boolean; calls: number } {
  const inner = createMemoryRateLimitStore();
  const store = {
    down: false,
    calls: 0,
    take: (key: string, cost: number, rateLimit: typeof limit, now: number) => {
      store.calls++;
      return store.down
        ? Promise.reject(new RateLimitStoreError('Redis take failed: not connected'))
        : inner.take(key, cost, rateLimit, now);
    },
    adjust: (key: string, delta: number, rateLimit: typeof limit, now: number) => {
      store.calls++;
      return store.down
        ? Promise.reject(new RateLimitStoreError('Redis adjust failed'))
        : inner.adjust(key, delta, rateLimit, now);
    },
    pause: (key: string, untilMs: number, now?: number) => {
      store.calls++;
      return store.down ? Promise.reject(new RateLimitStoreError('Redis pause failed')) : inner.pause(key, untilMs, now);
    },
  };
  return store;
}

function recordEvents(): { errors: LimitStoreErrorEvent[]; states: LimitStoreStateEvent[]; stop(): void } {
  const errors: LimitStoreErrorEvent[] = [];
  const states: LimitStoreStateEvent[] = [];
  const onError = (message: unknown) => errors.push(message as LimitStoreErrorEvent);
  const onState = (message: unknown) => states.push(message as LimitStoreStateEvent);
  engineChannels.limitStoreError.subscribe(onError);
  engineChannels.limitStoreState.subscribe(onState);
  return {
    errors,
    states,
    stop() {
      engineChannels.limitStoreError.unsubscribe(onError);
      engineChannels.limitStoreState.unsubscribe(onState);
    },
  };
}

describe('createFailoverRateLimitStore', () => {
  it('fail_open: answers from local buckets at limit / expected_replicas, logs once, counts each failure, probes at most every interval', async () => {
    let now = 0;
    const primary = createSwitchableStore();
    const store = createFailoverRateLimitStore(primary, {
      onStoreError: 'fail_open',
      expectedReplicas: 3,
      probeIntervalMs: 3000,
      now: () => now,
    });
    const events = recordEvents();
    try {
      expect(await store.take('openai:requests', 1, limit, now)).toEqual({ ok: true });
      primary.down = true;
      let admitted = 0;
      for (let i = 0; i < 40; i++) if ((await store.take('openai:requests', 1, limit, now)).ok) admitted++;
      // 60 per minute over 3 replicas: a local burst of 20.
      expect(admitted).toBe(20);
      expect(primary.calls).toBe(2);
      expect(events.errors).toHaveLength(1);
      expect(events.errors[0]).toMatchObject({ store: 'rate_limit', operation: 'take' });
      expect(events.states).toHaveLength(1);
      expect(events.states[0]).toMatchObject({ store: 'rate_limit', available: false, onStoreError: 'fail_open' });
      expect(events.states[0]!.message).toContain('local buckets at 1/3 of each limit');
      now += 3000;
      await store.take('openai:requests', 1, limit, now);
      expect(primary.calls).toBe(3);
      expect(events.errors).toHaveLength(2);
      expect(events.states).toHaveLength(1);
      primary.down = false;
      now += 1000;
      await store.take('openai:requests', 1, limit, now);
      expect(primary.calls).toBe(3);
      now += 2000;
      expect(await store.take('openai:requests', 1, limit, now)).toEqual({ ok: true });
      expect(primary.calls).toBe(4);
      expect(events.states.map((state) => state.available)).toEqual([false, true]);
      await store.take('openai:requests', 1, limit, now);
      expect(primary.calls).toBe(5);
    } finally {
      events.stop();
    }
  });

  it('fail_closed: refuses with a RateLimitedError that names the unavailable shared store', async () => {
    const primary = createSwitchableStore();
    primary.down = true;
    const store = createFailoverRateLimitStore(primary, { onStoreError: 'fail_closed', probeIntervalMs: 2000 });
    const error = await store.take('anthropic:requests', 1, limit, Date.now()).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as LiterLLMError).message).toBe(
      'anthropic: the shared limit store is unavailable and limits.on_store_error is fail_closed, so no call is admitted until it answers again; retry in 2000 ms',
    );
    expect((error as LiterLLMError).retryAfterMs).toBe(2000);
    expect((error as LiterLLMError).provider).toBe('anthropic');
    // Without a probe due, the refusal does not touch the store.
    await store.take('anthropic:requests', 1, limit, Date.now()).catch(() => undefined);
    expect(primary.calls).toBe(1);
  });

  it('keeps a pause locally too, so it holds while the shared store is away', async () => {
    let now = 0;
    const primary = createSwitchableStore();
    const store = createFailoverRateLimitStore(primary, { onStoreError: 'fail_open', now: () => now });
    await store.take('p:requests', 1, limit, now);
    await store.pause('p:requests', now + 5000, now);
    primary.down = true;
    expect((await store.take('p:requests', 1, limit, now)).ok).toBe(false);
    now += 6000;
    expect((await store.take('p:requests', 1, limit, now)).ok).toBe(true);
  });
});
