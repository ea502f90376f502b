import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import fixture from '../../providers/anthropic/__fixtures__/messages-ratelimit-headers.json' with { type: 'json' };
import { CancelledError, InternalError, type LiterLLMError, RateLimitedError, TimeoutError } from '../../spec/errors.js';
import { observeSettlement as observe } from '../../testing/observe-settlement.js';
import { createMemoryRateLimitStore } from './create-memory-rate-limit-store.js';
import { parseRateLimitHeaders } from './parse-rate-limit-headers.js';
import { type Lease, ProviderLimiter, type ProviderLimiterOptions } from './provider-limiter.js';
import type { RateLimitStore } from './rate-limit-store.js';

function createLimiter(options: Omit<ProviderLimiterOptions, 'provider'>): ProviderLimiter {
  return new ProviderLimiter({ provider: 'openai', now: () => Date.now(), ...options });
}

async function flush(): Promise<void> {
  await vi.advanceTimersByTimeAsync(0);
}

/** A store that only has the async interface, like a Redis-backed one would. */
function createAsyncOnlyStore(): RateLimitStore & { calls: number } {
  const memory = createMemoryRateLimitStore();
  const store = {
    calls: 0,
    take: async (...args: Parameters<RateLimitStore['take']>) => {
      store.calls++;
      await new Promise((resolve) => setTimeout(resolve, 1));
      return memory.take(...args);
    },
    adjust: (...args: Parameters<RateLimitStore['adjust']>) => memory.adjust(...args),
    pause: (...args: Parameters<RateLimitStore['pause']>) => memory.pause(...args),
  };
  return store;
}

describe('ProviderLimiter', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
  });
  afterEach(() => vi.useRealTimers());

  it('admits at once under every limit and counts', async () => {
    const limiter = createLimiter({ maxConcurrency: 2, rateLimitPerMinute: 10, tokensPerMinute: 1000 });
    const lease = await limiter.acquire({ estimatedTokens: 100 });
    expect(lease.estimatedTokens).toBe(100);
    expect(limiter.inFlight).toBe(1);
    expect(limiter.admitted).toBe(1);
    lease.release();
    expect(limiter.inFlight).toBe(0);
  });

  it('tryAcquire takes a free slot at once, and otherwise changes nothing and leaves the call to acquire()', async () => {
    const limiter = createLimiter({ maxConcurrency: 1, rateLimitPerMinute: 2, tokensPerMinute: 1000, maxQueueWaitMs: 10_000 });
    const first = limiter.tryAcquire(100);
    expect(first?.estimatedTokens).toBe(100);
    expect(limiter.inFlight).toBe(1);
    // The slot is taken: nothing is admitted, counted or queued.
    expect(limiter.tryAcquire(100)).toBeUndefined();
    expect(limiter.tryAcquire(5_000)).toBeUndefined();
    expect({ inFlight: limiter.inFlight, queued: limiter.queued, admitted: limiter.admitted }).toEqual({
      inFlight: 1,
      queued: 0,
      admitted: 1,
    });
    // A queued call keeps its turn: tryAcquire does not jump it, even once the slot is free.
    const waiting = observe(limiter.acquire({ estimatedTokens: 100 }));
    expect(limiter.queued).toBe(1);
    first!.release();
    expect(limiter.tryAcquire(100)).toBeUndefined();
    await flush();
    expect(waiting.value?.estimatedTokens).toBe(100);
    waiting.value!.release();
    // The request budget (2 a minute) is spent: tryAcquire says no where acquire() would queue.
    expect(limiter.tryAcquire(100)).toBeUndefined();
    expect(limiter.inFlight).toBe(0);
  });

  describe('concurrency', () => {
    it('queues beyond max_concurrency and admits in FIFO order', async () => {
      const limiter = createLimiter({ maxConcurrency: 1, maxQueueWaitMs: 10_000 });
      const first = await limiter.acquire();
      const order: string[] = [];
      const waiting = ['a', 'b', 'c'].map((label) =>
        limiter.acquire().then((lease) => {
          order.push(label);
          return lease;
        }),
      );
      expect(limiter.queued).toBe(3);
      first.release();
      for (const promise of waiting) (await promise).release();
      expect(order).toEqual(['a', 'b', 'c']);
      expect(limiter.inFlight).toBe(0);
      expect(limiter.queued).toBe(0);
    });

    it('maxQueueWaitMs 0 fails at once, naming the provider and the limit', async () => {
      const limiter = createLimiter({ maxConcurrency: 1, maxQueueWaitMs: 0 });
      const lease = await limiter.acquire();
      const error = (await limiter.acquire().catch((e: unknown) => e)) as LiterLLMError;
      expect(error).toBeInstanceOf(RateLimitedError);
      expect(error.code).toBe('rate_limited');
      expect(error.provider).toBe('openai');
      expect(error.retryable).toBe(true);
      expect(error.status).toBeUndefined();
      // No lease has finished yet, so there is nothing to base a retry estimate on.
      expect(error.retryAfterMs).toBeUndefined();
      expect(error.message).toBe('openai concurrency limit reached: 1 calls in flight; queueing is off (max queue wait 0)');
      expect(limiter.rejected).toBe(1);
      expect(limiter.queued).toBe(0);
      lease.release();
    });

    it('a queued call times out after maxQueueWaitMs with a retry estimate from lease hold times', async () => {
      const limiter = createLimiter({ maxConcurrency: 1, maxQueueWaitMs: 100 });
      const early = await limiter.acquire();
      await vi.advanceTimersByTimeAsync(400);
      early.release(); // held 400 ms
      const lease = await limiter.acquire();
      const waiting = observe(limiter.acquire());
      await vi.advanceTimersByTimeAsync(99);
      expect(waiting.settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(waiting.error).toBeInstanceOf(RateLimitedError);
      expect(waiting.error?.message).toBe(
        'openai concurrency limit reached: 1 calls in flight; waited 100 ms in the queue; retry in 400 ms',
      );
      expect(waiting.error?.retryAfterMs).toBe(400);
      expect(limiter.queued).toBe(0);
      expect(limiter.rejected).toBe(1);
      lease.release();
      expect(limiter.inFlight).toBe(0);
    });

    it('queues for 30 s by default', async () => {
      const limiter = createLimiter({ maxConcurrency: 1 });
      await limiter.acquire();
      const waiting = observe(limiter.acquire());
      await vi.advanceTimersByTimeAsync(29_999);
      expect(waiting.settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(waiting.error?.message).toMatch(/waited 30000 ms in the queue/);
    });

    it('Lease.release is idempotent', async () => {
      const limiter = createLimiter({ maxConcurrency: 1 });
      const lease = await limiter.acquire();
      const second = observe(limiter.acquire());
      const third = observe(limiter.acquire());
      lease.release();
      lease.release();
      await flush();
      expect(second.settled).toBe(true);
      expect(third.settled).toBe(false);
      expect(limiter.inFlight).toBe(1);
      second.value?.release();
      await flush();
      third.value?.release();
      expect(limiter.inFlight).toBe(0);
    });
  });

  describe('requests per minute', () => {
    it('allows a burst of the rate, then refuses with retryAfterMs = when the next token is due', async () => {
      const limiter = createLimiter({ rateLimitPerMinute: 60, maxQueueWaitMs: 0 });
      for (let i = 0; i < 60; i++) (await limiter.acquire()).release();
      await vi.advanceTimersByTimeAsync(250);
      const error = (await limiter.acquire().catch((e: unknown) => e)) as LiterLLMError;
      expect(error).toBeInstanceOf(RateLimitedError);
      expect(error.retryAfterMs).toBe(750);
      expect(error.message).toBe(
        'openai rate limit reached: requests per minute (60); queueing is off (max queue wait 0); retry in 750 ms',
      );
      await vi.advanceTimersByTimeAsync(750);
      await expect(limiter.acquire()).resolves.toBeDefined();
    });

    it('queues a call until its token is due', async () => {
      const limiter = createLimiter({ rateLimitPerMinute: 60, maxQueueWaitMs: 5000 });
      for (let i = 0; i < 60; i++) (await limiter.acquire()).release();
      const waiting = observe(limiter.acquire());
      await vi.advanceTimersByTimeAsync(999);
      expect(waiting.settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(waiting.value).toBeDefined();
      expect(limiter.queued).toBe(0);
    });

    it('refuses at once a call whose turn would come after maxQueueWaitMs', async () => {
      const limiter = createLimiter({ rateLimitPerMinute: 60, maxQueueWaitMs: 1500 });
      for (let i = 0; i < 60; i++) (await limiter.acquire()).release();
      const queued = observe(limiter.acquire()); // due at 1000
      const refused = observe(limiter.acquire()); // due at 2000 > 1500
      await flush();
      expect(refused.error).toBeInstanceOf(RateLimitedError);
      expect(refused.error?.retryAfterMs).toBe(2000);
      expect(refused.error?.message).toMatch(
        /^openai rate limit reached: requests per minute \(60\); the wait would exceed the max queue wait of 1500 ms/,
      );
      expect(queued.settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1000);
      expect(queued.value).toBeDefined();
    });
  });

  describe('tokens per minute', () => {
    it('charges the estimate and refuses with the time until enough tokens are back', async () => {
      const limiter = createLimiter({ tokensPerMinute: 1000, maxQueueWaitMs: 0 });
      (await limiter.acquire({ estimatedTokens: 600 })).release();
      const error = (await limiter.acquire({ estimatedTokens: 600 }).catch((e: unknown) => e)) as LiterLLMError;
      // 200 tokens missing at 1000 / 60 000 per ms.
      expect(error.retryAfterMs).toBe(12_000);
      expect(error.message).toMatch(/^openai rate limit reached: tokens per minute \(1000\)/);
      // A smaller call still fits.
      await expect(limiter.acquire({ estimatedTokens: 400 })).resolves.toBeDefined();
    });

    it('refuses a call larger than the whole budget, as not retryable', async () => {
      const limiter = createLimiter({ tokensPerMinute: 1000 });
      const error = (await limiter.acquire({ estimatedTokens: 1001 }).catch((e: unknown) => e)) as LiterLLMError;
      expect(error).toBeInstanceOf(RateLimitedError);
      expect(error.retryable).toBe(false);
      expect(error.message).toBe(
        'openai: this call needs about 1001 tokens, more than the tokens per minute limit (1000) allows at once',
      );
      expect(limiter.rejected).toBe(1);
    });

    it('settleTokens refunds an over-estimate (admitting the queue sooner) and charges an under-estimate', async () => {
      const limiter = createLimiter({ tokensPerMinute: 1000, maxQueueWaitMs: 60_000 });
      const lease = await limiter.acquire({ estimatedTokens: 900 });
      const waiting = observe(limiter.acquire({ estimatedTokens: 500 }));
      await flush();
      expect(waiting.settled).toBe(false);
      lease.settleTokens(100); // 800 back: 900 available
      await flush();
      expect(waiting.value).toBeDefined(); // 400 left
      waiting.value?.settleTokens(1400); // 900 more than estimated: 400 - 900 = -500
      const afterDebt = observe(limiter.acquire({ estimatedTokens: 0 }));
      await vi.advanceTimersByTimeAsync(29_999);
      expect(afterDebt.settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(afterDebt.value).toBeDefined();
    });

    it('a debt from settleTokens holds everyone back until repaid', async () => {
      const limiter = createLimiter({ tokensPerMinute: 1000, maxQueueWaitMs: 0 });
      const lease = await limiter.acquire({ estimatedTokens: 100 });
      lease.settleTokens(1500); // level 1000 - 1500 = -500
      lease.settleTokens(1500); // the same total again: no extra charge
      const error = (await limiter.acquire({ estimatedTokens: 0 }).catch((e: unknown) => e)) as LiterLLMError;
      expect(error.retryAfterMs).toBe(30_000);
    });

    it('a call waiting for tokens is not overtaken by a later, smaller call', async () => {
      const limiter = createLimiter({ maxConcurrency: 1, tokensPerMinute: 1000, maxQueueWaitMs: 60_000 });
      const first = await limiter.acquire({ estimatedTokens: 900 });
      const order: string[] = [];
      const big = limiter.acquire({ estimatedTokens: 500 }).then((lease) => (order.push('big'), lease));
      const small = limiter.acquire({ estimatedTokens: 50 }).then((lease) => (order.push('small'), lease));
      first.release();
      // 100 tokens left: enough for "small", not for "big"; "small" must still wait its turn.
      await vi.advanceTimersByTimeAsync(23_999);
      expect(order).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(order).toEqual(['big']);
      (await big).release();
      // "big" emptied the bucket: 50 tokens take 3 s.
      await vi.advanceTimersByTimeAsync(2999);
      expect(order).toEqual(['big']);
      await vi.advanceTimersByTimeAsync(1);
      expect(order).toEqual(['big', 'small']);
      (await small).release();
    });
  });

  describe('cancellation', () => {
    it('an abort while queued leaves the queue; the next call is admitted', async () => {
      const limiter = createLimiter({ maxConcurrency: 1 });
      const lease = await limiter.acquire();
      const controller = new AbortController();
      const aborted = observe(limiter.acquire({ signal: controller.signal }));
      const next = observe(limiter.acquire());
      expect(limiter.queued).toBe(2);
      controller.abort();
      await flush();
      expect(aborted.error).toBeInstanceOf(CancelledError);
      expect(aborted.error?.provider).toBe('openai');
      expect(limiter.queued).toBe(1);
      expect(limiter.rejected).toBe(0);
      lease.release();
      await flush();
      expect(next.value).toBeDefined();
      next.value?.release();
      expect(limiter.inFlight).toBe(0);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('an abort with a LiterLLMError reason rejects with that reason', async () => {
      const limiter = createLimiter({ rateLimitPerMinute: 1, maxQueueWaitMs: 120_000 });
      await limiter.acquire();
      const reason = new TimeoutError({ message: 'deadline' });
      const controller = new AbortController();
      const waiting = observe(limiter.acquire({ signal: controller.signal }));
      controller.abort(reason);
      await flush();
      expect(waiting.error).toBe(reason);
      expect(limiter.queued).toBe(0);
    });

    it('aborting the head waiting for tokens lets the next call through at once', async () => {
      const limiter = createLimiter({ tokensPerMinute: 1000, maxQueueWaitMs: 60_000 });
      await limiter.acquire({ estimatedTokens: 900 });
      const controller = new AbortController();
      const head = observe(limiter.acquire({ estimatedTokens: 500, signal: controller.signal }));
      const small = observe(limiter.acquire({ estimatedTokens: 50 }));
      await flush();
      expect(small.settled).toBe(false);
      controller.abort();
      await flush();
      expect(head.error).toBeInstanceOf(CancelledError);
      expect(small.value).toBeDefined();
    });

    it('an already-aborted signal rejects without taking anything', async () => {
      const limiter = createLimiter({ rateLimitPerMinute: 1 });
      await expect(limiter.acquire({ signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CancelledError);
      await expect(limiter.acquire()).resolves.toBeDefined();
    });
  });

  describe('feedback from the provider', () => {
    it('retry-after pauses everything, with no bucket configured', async () => {
      const limiter = createLimiter({ maxQueueWaitMs: 0 });
      limiter.applyFeedback({ retryAfterMs: 2000 });
      const error = (await limiter.acquire().catch((e: unknown) => e)) as LiterLLMError;
      expect(error.retryAfterMs).toBe(2000);
      expect(error.message).toBe(
        'openai rate limited upstream: the provider asked to retry later; queueing is off (max queue wait 0); retry in 2000 ms',
      );
      await vi.advanceTimersByTimeAsync(2000);
      await expect(limiter.acquire()).resolves.toBeDefined();
    });

    it('queued calls go once the pause ends, and the bucket refills from empty', async () => {
      const limiter = createLimiter({ rateLimitPerMinute: 60, maxQueueWaitMs: 10_000 });
      limiter.applyFeedback({ retryAfterMs: 3000 });
      const first = observe(limiter.acquire());
      const second = observe(limiter.acquire());
      await vi.advanceTimersByTimeAsync(3999);
      expect(first.settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(first.value).toBeDefined();
      expect(second.settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1000);
      expect(second.value).toBeDefined();
    });

    it('remaining 0 pauses the exhausted budget until its reset', async () => {
      const limiter = createLimiter({ rateLimitPerMinute: 600, tokensPerMinute: 100_000, maxQueueWaitMs: 0 });
      limiter.applyFeedback(
        parseRateLimitHeaders({
          'x-ratelimit-remaining-tokens': '0',
          'x-ratelimit-reset-tokens': '1.5s',
          'x-ratelimit-remaining-requests': '10',
        }),
      );
      const error = (await limiter.acquire({ estimatedTokens: 1 }).catch((e: unknown) => e)) as LiterLLMError;
      expect(error.message).toMatch(/tokens per minute \(100000\)/);
      // Paused 1500 ms, then the bucket restarts empty: 1 token takes 0.6 ms more.
      expect(error.retryAfterMs).toBe(1501);
    });

    it('remaining 0 without a matching bucket pauses locally, naming the budget', async () => {
      const limiter = createLimiter({ maxQueueWaitMs: 0 });
      limiter.applyFeedback({ remainingRequests: 0, resetRequestsMs: 500 });
      const error = (await limiter.acquire().catch((e: unknown) => e)) as LiterLLMError;
      expect(error.message).toMatch(/^openai rate limit reached: requests per minute \(provider limit\)/);
      expect(error.retryAfterMs).toBe(500);
    });

    it('the recorded Anthropic headers (budgets left) do not slow anything', async () => {
      const limiter = createLimiter({ rateLimitPerMinute: 50, maxQueueWaitMs: 0 });
      const now = Date.parse('2026-02-25T20:02:30Z');
      vi.setSystemTime(now);
      limiter.applyFeedback(parseRateLimitHeaders(fixture.headers, now));
      await expect(limiter.acquire()).resolves.toBeDefined();
    });

    it('the recorded Anthropic headers with an exhausted budget pause until its reset time', async () => {
      const now = Date.parse('2026-02-25T20:02:30Z');
      vi.setSystemTime(now);
      const limiter = createLimiter({ rateLimitPerMinute: 50, maxQueueWaitMs: 0 });
      const headers = { ...fixture.headers, 'anthropic-ratelimit-requests-remaining': '0' };
      limiter.applyFeedback(parseRateLimitHeaders(headers, now));
      const error = (await limiter.acquire().catch((e: unknown) => e)) as LiterLLMError;
      // requests reset at 20:02:32Z, then one request at 50 per minute takes 1.2 s.
      expect(error.retryAfterMs).toBe(3200);
    });
  });

  describe('resize', () => {
    it('growing the cap admits queued calls; leases and queue survive', async () => {
      const limiter = createLimiter({ maxConcurrency: 1, rateLimitPerMinute: 100 });
      const held = await limiter.acquire();
      const waiting = [observe(limiter.acquire()), observe(limiter.acquire())];
      limiter.resize({ maxConcurrency: 3, rateLimitPerMinute: 100 });
      await flush();
      expect(waiting.every((call) => call.value !== undefined)).toBe(true);
      expect(limiter.inFlight).toBe(3);
      held.release();
      for (const call of waiting) call.value?.release();
      expect(limiter.inFlight).toBe(0);
    });

    it('a new rate keeps the bucket fill ratio', async () => {
      const limiter = createLimiter({ rateLimitPerMinute: 10, maxQueueWaitMs: 0 });
      for (let i = 0; i < 5; i++) await limiter.acquire();
      limiter.resize({ rateLimitPerMinute: 100, maxQueueWaitMs: 0 });
      for (let i = 0; i < 50; i++) await limiter.acquire();
      await expect(limiter.acquire()).rejects.toThrow(/requests per minute \(100\)/);
    });

    it('refuses bad settings', () => {
      expect(() => createLimiter({ maxConcurrency: 0 })).toThrow(/max concurrency/);
      expect(() => createLimiter({ rateLimitPerMinute: -1 })).toThrow(/rate limit per minute/);
      expect(() => createLimiter({ tokensPerMinute: Number.NaN })).toThrow(/tokens per minute/);
      expect(() => createLimiter({ maxQueueWaitMs: -5 })).toThrow(/max queue wait/);
    });
  });

  describe('with an async-only store (the shape a Redis store has)', () => {
    it('admits, queues FIFO and refuses like the memory store', async () => {
      const store = createAsyncOnlyStore();
      const limiter = createLimiter({ store, rateLimitPerMinute: 2, maxQueueWaitMs: 1000 });
      const order: number[] = [];
      const calls = [0, 1, 2, 3].map((index) =>
        observe(
          limiter.acquire().then((lease) => {
            order.push(index);
            return lease;
          }),
        ),
      );
      await vi.advanceTimersByTimeAsync(10);
      expect(order).toEqual([0, 1]);
      await vi.advanceTimersByTimeAsync(1000);
      // 30 s per token at 2 per minute: the third cannot make it within 1 s.
      expect(calls[2]?.error).toBeInstanceOf(RateLimitedError);
      expect(calls[2]?.error?.message).toMatch(/requests per minute \(2\)/);
      expect(calls[3]?.error).toBeInstanceOf(RateLimitedError);
      expect(limiter.queued).toBe(0);
      expect(limiter.rejected).toBe(2);
    });

    it('maxQueueWaitMs 0 still gives a call its one try', async () => {
      const limiter = createLimiter({ store: createAsyncOnlyStore(), rateLimitPerMinute: 1, maxQueueWaitMs: 0 });
      const first = observe(limiter.acquire());
      await vi.advanceTimersByTimeAsync(5);
      expect(first.value).toBeDefined();
      const second = observe(limiter.acquire());
      await vi.advanceTimersByTimeAsync(5);
      expect(second.error).toBeInstanceOf(RateLimitedError);
      expect(second.error?.retryAfterMs).toBeGreaterThan(59_000);
    });

    it('gives the tokens back when the call is aborted while the store answers', async () => {
      const store = createAsyncOnlyStore();
      const limiter = createLimiter({ store, rateLimitPerMinute: 1, maxQueueWaitMs: 0 });
      const controller = new AbortController();
      const aborted = observe(limiter.acquire({ signal: controller.signal }));
      controller.abort();
      await vi.advanceTimersByTimeAsync(5);
      expect(aborted.error).toBeInstanceOf(CancelledError);
      expect(store.calls).toBe(1);
      // The one request token is still there.
      const next = observe(limiter.acquire());
      await vi.advanceTimersByTimeAsync(5);
      expect(next.value).toBeDefined();
    });

    it('a failing store rejects the call with an internal error and keeps serving', async () => {
      let fail = true;
      const memory = createMemoryRateLimitStore();
      const store: RateLimitStore = {
        take: (...args) => (fail ? Promise.reject(new Error('connection refused')) : memory.take(...args)),
        adjust: (...args) => memory.adjust(...args),
        pause: (...args) => memory.pause(...args),
      };
      const limiter = createLimiter({ store, rateLimitPerMinute: 10 });
      const error = (await limiter.acquire().catch((e: unknown) => e)) as LiterLLMError;
      expect(error).toBeInstanceOf(InternalError);
      expect(error.message).toBe('openai rate-limit store failed: connection refused');
      fail = false;
      const lease: Lease = await limiter.acquire();
      lease.release();
      expect(limiter.inFlight).toBe(0);
    });
  });
});
