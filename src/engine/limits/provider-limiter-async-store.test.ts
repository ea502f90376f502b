import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InternalError, type LiterLLMError, RateLimitedError } from '../../spec/errors.js';
import { observeSettlement as observe } from '../../testing/observe-settlement.js';
import { createMemoryRateLimitStore } from './create-memory-rate-limit-store.js';
import { type Lease, ProviderLimiter, type ProviderLimiterOptions } from './provider-limiter.js';
import type { RateLimitStore } from './rate-limit-store.js';
import { RateLimitStoreError } from './rate-limit-store-error.js';

/**
 * A network store's shape: the in-memory store behind a round trip of `delayMs` (every command
 * answers after the delay, in the order sent, as one Redis connection does). `mode` makes takes
 * fail with a RateLimitStoreError or never answer, as a Redis that is down or stalled would.
 */
function createSlowStore(delayMs: number) {
  const memory = createMemoryRateLimitStore();
  const state = { takes: 0, mode: 'up' as 'up' | 'failing' | 'silent' };
  const later = <T>(answer: () => T): Promise<T> =>
    new Promise((resolve, reject) => {
      if (state.mode === 'silent') return;
      setTimeout(() => {
        if (state.mode === 'failing') reject(new RateLimitStoreError('redis: connection refused'));
        else resolve(answer());
      }, delayMs);
    });
  const store: RateLimitStore = {
    take: (key, cost, limit, now) => {
      state.takes++;
      // The store decides when its answer is computed (Redis reads its own clock), not the caller.
      return later(() => memory.takeSync(key, cost, limit, Math.max(now, Date.now())));
    },
    adjust: (key, delta, limit, now) => later(() => memory.adjustSync(key, delta, limit, Math.max(now, Date.now()))),
    pause: (key, untilMs, now) => later(() => memory.pauseSync(key, untilMs, now)),
  };
  return { store, memory, state };
}

function createLimiter(options: Omit<ProviderLimiterOptions, 'provider'>): ProviderLimiter {
  return new ProviderLimiter({ provider: 'openai', now: () => Date.now(), ...options });
}

describe('ProviderLimiter with a store that answers after a round trip', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
  });
  afterEach(() => vi.useRealTimers());

  it('admits far more than one call per round trip at concurrency 32', async () => {
    const { store } = createSlowStore(2);
    const limiter = createLimiter({ store, maxConcurrency: 32, rateLimitPerMinute: 10_000_000 });
    let admitted = 0;
    let running = true;
    const worker = async () => {
      while (running) {
        const lease = await limiter.acquire();
        admitted++;
        lease.release();
      }
    };
    const workers = Array.from({ length: 32 }, worker);
    await vi.advanceTimersByTimeAsync(200);
    running = false;
    await vi.advanceTimersByTimeAsync(10);
    await Promise.all(workers);
    // One at a time would be 100 in 200 ms; 32 answers out at once make it about 32 per 2 ms.
    expect(admitted).toBeGreaterThan(2000);
    expect(limiter.inFlight).toBe(0);
    expect(limiter.queued).toBe(0);
  });

  it('keeps FIFO: a later, smaller call does not overtake one waiting for tokens', async () => {
    const { store } = createSlowStore(1);
    const limiter = createLimiter({ store, tokensPerMinute: 1000, maxQueueWaitMs: 60_000 });
    const order: string[] = [];
    const track = (label: string, tokens: number) =>
      observe(
        limiter.acquire({ estimatedTokens: tokens }).then((lease) => {
          order.push(label);
          return lease;
        }),
      );
    track('first', 900);
    const big = track('big', 500);
    const small = track('small', 10);
    await vi.advanceTimersByTimeAsync(10);
    // The store would grant the small call's 10 tokens, but the big one is ahead of it.
    expect(order).toEqual(['first']);
    expect(big.settled || small.settled).toBe(false);
    // 400 more tokens are due 24 s later (1000 a minute); then big, and small 0.6 s after it.
    await vi.advanceTimersByTimeAsync(24_100);
    expect(order).toEqual(['first', 'big']);
    await vi.advanceTimersByTimeAsync(700);
    expect(order).toEqual(['first', 'big', 'small']);
  });

  it('admits no call beyond what the store granted, and gives back what the queue could not use', async () => {
    const { store, memory, state } = createSlowStore(1);
    const limiter = createLimiter({ store, rateLimitPerMinute: 10, maxQueueWaitMs: 1000 });
    const calls = Array.from({ length: 30 }, () => observe(limiter.acquire()));
    await vi.advanceTimersByTimeAsync(2000);
    expect(calls.filter((call) => call.value !== undefined)).toHaveLength(10);
    expect(calls.filter((call) => call.error instanceof RateLimitedError)).toHaveLength(20);
    // The refused calls' takes were refused or given back: the bucket is as 10 admissions left it.
    const limit = { capacity: 10, refillPerMs: 10 / 60_000 };
    expect(memory.estimateWaitMsSync('openai:requests', 1, limit, Date.now())).toBeGreaterThan(0);
    expect(memory.estimateWaitMsSync('openai:requests', 1, limit, Date.now())).toBeLessThanOrEqual(6000);
    // It asked the store a bounded number of times, not once per millisecond of waiting.
    expect(state.takes).toBeLessThan(100);
    expect(limiter.queued).toBe(0);
  });

  it('waits for the time the store says the next token is due, asking again only then', async () => {
    const { store, state } = createSlowStore(1);
    const limiter = createLimiter({ store, rateLimitPerMinute: 60, maxQueueWaitMs: 10_000 });
    // A burst of 60 goes at once; the three calls after it get one token a second.
    const admittedAt: number[] = [];
    for (let index = 0; index < 63; index++) {
      void limiter.acquire().then((lease) => {
        if (index >= 60) admittedAt.push(Date.now());
        lease.release();
      });
    }
    await vi.advanceTimersByTimeAsync(3_100);
    expect(admittedAt).toHaveLength(3);
    admittedAt.forEach((at, index) => expect(at).toBeGreaterThanOrEqual(1000 * (index + 1)));
    // 63 grants, two rounds of the burst, then about one refusal per token due (no polling).
    expect(state.takes).toBeLessThan(63 + 32 + 10);
  });

  it('a store that fails and then recovers: the calls wait with a back-off, then go; none is lost', async () => {
    const { store, state } = createSlowStore(1);
    const limiter = createLimiter({ store, rateLimitPerMinute: 100, maxQueueWaitMs: 5000 });
    state.mode = 'failing';
    const calls = Array.from({ length: 5 }, () => observe(limiter.acquire()));
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls.every((call) => !call.settled)).toBe(true);
    // Back-off: only the head asks, at 10, 20, 40 ... 500 ms: a handful of takes, not one a millisecond.
    const takesWhileDown = state.takes;
    expect(takesWhileDown).toBeGreaterThanOrEqual(3);
    expect(takesWhileDown).toBeLessThan(15);
    state.mode = 'up';
    await vi.advanceTimersByTimeAsync(600);
    expect(calls.every((call) => call.value !== undefined)).toBe(true);
    for (const call of calls) call.value!.release();
    expect(limiter.inFlight).toBe(0);
  });

  it('a store that stays down: the call is refused at its deadline, naming the store', async () => {
    const { store, state } = createSlowStore(1);
    const limiter = createLimiter({ store, rateLimitPerMinute: 100, maxQueueWaitMs: 300 });
    state.mode = 'failing';
    const call = observe(limiter.acquire());
    await vi.advanceTimersByTimeAsync(299);
    expect(call.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(call.error).toBeInstanceOf(RateLimitedError);
    expect(call.error?.message).toMatch(
      /^openai rate-limit store unavailable \(redis: connection refused\); waited 300 ms in the queue/,
    );
    expect(limiter.queued).toBe(0);
    expect(limiter.inFlight).toBe(0);
  });

  it('a store that never answers: the call is refused at its deadline and its slot comes back', async () => {
    const { store, state } = createSlowStore(1);
    const limiter = createLimiter({ store, maxConcurrency: 1, rateLimitPerMinute: 100, maxQueueWaitMs: 200 });
    state.mode = 'silent';
    const call = observe(limiter.acquire());
    await vi.advanceTimersByTimeAsync(200);
    expect(call.error).toBeInstanceOf(RateLimitedError);
    expect(call.error?.message).toBe('openai rate-limit store did not answer in time; waited 200 ms in the queue');
    expect(limiter.queued).toBe(0);
    state.mode = 'up';
    // The one slot is free again although the first answer never came.
    const next = observe(limiter.acquire());
    await vi.advanceTimersByTimeAsync(5);
    expect(next.value).toBeDefined();
  });

  it('with no queue wait, a store failure refuses the call at once as rate limited', async () => {
    const { store, state } = createSlowStore(1);
    const limiter = createLimiter({ store, rateLimitPerMinute: 100, maxQueueWaitMs: 0 });
    state.mode = 'failing';
    const call = observe(limiter.acquire());
    await vi.advanceTimersByTimeAsync(2);
    expect(call.error).toBeInstanceOf(RateLimitedError);
    expect(call.error?.retryable).toBe(true);
  });

  it('with no queue wait, calls that come while other takes are out each get their own take', async () => {
    const { store } = createSlowStore(2);
    const limiter = createLimiter({ store, rateLimitPerMinute: 3, maxQueueWaitMs: 0 });
    const calls = Array.from({ length: 4 }, () => observe(limiter.acquire()));
    await vi.advanceTimersByTimeAsync(5);
    expect(calls.slice(0, 3).every((call) => call.value !== undefined)).toBe(true);
    // The fourth is refused by the store's answer, with when to retry.
    expect(calls[3]?.error).toBeInstanceOf(RateLimitedError);
    expect(calls[3]?.error?.retryAfterMs).toBeGreaterThan(19_000);
  });

  it('an error that is not a RateLimitStoreError is a defect: the call fails with an internal error', async () => {
    const memory = createMemoryRateLimitStore();
    const store: RateLimitStore = {
      take: () => Promise.reject(new TypeError('bad reply')),
      adjust: (...args) => memory.adjust(...args),
      pause: (...args) => memory.pause(...args),
    };
    const limiter = createLimiter({ store, rateLimitPerMinute: 10 });
    const error = (await limiter.acquire().catch((e: unknown) => e)) as LiterLLMError;
    expect(error).toBeInstanceOf(InternalError);
    expect(limiter.queued).toBe(0);
  });

  it('a provider-wide pause that arrives while answers are out holds the granted calls back', async () => {
    const { store } = createSlowStore(5);
    const limiter = createLimiter({ store, rateLimitPerMinute: 100, maxQueueWaitMs: 10_000 });
    const calls = Array.from({ length: 3 }, () => observe(limiter.acquire()));
    await vi.advanceTimersByTimeAsync(1);
    limiter.applyFeedback({ retryAfterMs: 2000 });
    await vi.advanceTimersByTimeAsync(1990);
    expect(calls.some((call) => call.settled)).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    // The shared bucket refills from empty after the pause (100 a minute): the head goes first.
    expect(calls[0]?.value).toBeDefined();
    (calls[0]?.value as Lease).release();
  });
});
