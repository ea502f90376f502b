import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { failureOf } from '../../testing/failure-of.js';
import { parseRateLimitHeaders } from './parse-rate-limit-headers.js';
import { DEFAULT_MAX_RATE_LIMIT_PAUSE_MS, ProviderLimiter, type ProviderLimiterOptions } from './provider-limiter.js';

function createLimiter(options: Omit<ProviderLimiterOptions, 'provider'> = {}): ProviderLimiter {
  return new ProviderLimiter({ provider: 'openai', now: () => Date.now(), maxQueueWaitMs: 0, ...options });
}

// An upstream 429 pauses the (provider, model) pair it was about, or the whole provider when the
// adapter says the budget is the key's; every pause is capped by maxRateLimitPauseMs, after which
// one call (the probe) goes through to find out whether the limit has passed.
describe('ProviderLimiter pauses after a 429', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
  });
  afterEach(() => vi.useRealTimers());

  it('retry-after: 3600 pauses only the model it was about, for at most the cap (60 s by default)', async () => {
    expect(DEFAULT_MAX_RATE_LIMIT_PAUSE_MS).toBe(60_000);
    const limiter = createLimiter();
    limiter.applyFeedback({ retryAfterMs: 3_600_000 }, { model: 'gpt-4o' });
    const error = await failureOf(limiter.acquire({ model: 'gpt-4o' }));
    expect(error.code).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(60_000);
    expect(error.message).toContain('gpt-4o');
    expect(limiter.tryAcquire(undefined, 'gpt-4o')).toBeUndefined();
    // Another model of the same provider, and a caller that names none, go at once.
    expect(limiter.tryAcquire(undefined, 'gpt-4o-mini')).toBeDefined();
    await expect(limiter.acquire({ model: 'o3' })).resolves.toBeDefined();
  });

  it('a provider-wide 429 pauses every model, capped too', async () => {
    const limiter = createLimiter({ maxRateLimitPauseMs: 5000 });
    limiter.applyFeedback({ retryAfterMs: 3_600_000 }, { model: 'gpt-4o', scope: 'provider' });
    expect((await failureOf(limiter.acquire({ model: 'gpt-4o-mini' }))).retryAfterMs).toBe(5000);
    expect((await failureOf(limiter.acquire())).retryAfterMs).toBe(5000);
    await vi.advanceTimersByTimeAsync(5000);
    await expect(limiter.acquire({ model: 'gpt-4o-mini' })).resolves.toBeDefined();
  });

  it('after a capped pause one probe goes through; the others wait for its answer', async () => {
    const limiter = createLimiter({ maxRateLimitPauseMs: 1000 });
    limiter.applyFeedback({ retryAfterMs: 3_600_000 }, { model: 'gpt-4o' });
    await vi.advanceTimersByTimeAsync(1000);
    const probe = await limiter.acquire({ model: 'gpt-4o' });
    const held = await failureOf(limiter.acquire({ model: 'gpt-4o' }));
    expect(held.message).toMatch(/probe/);
    expect(held.retryAfterMs).toBeGreaterThanOrEqual(1);
    expect(limiter.tryAcquire(undefined, 'gpt-4o')).toBeUndefined();
    expect(limiter.tryAcquire(undefined, 'gpt-4o-mini')).toBeDefined();
    // The probe was answered without a 429: the model is open again.
    probe.release();
    await expect(limiter.acquire({ model: 'gpt-4o' })).resolves.toBeDefined();
    expect(limiter.tryAcquire(undefined, 'gpt-4o')).toBeDefined();
  });

  it('a probe answered with another 429 pauses the model again for the cap', async () => {
    const limiter = createLimiter({ maxRateLimitPauseMs: 1000 });
    limiter.applyFeedback({ retryAfterMs: 3_600_000 }, { model: 'gpt-4o' });
    await vi.advanceTimersByTimeAsync(1000);
    const probe = await limiter.acquire({ model: 'gpt-4o' });
    limiter.applyFeedback({ retryAfterMs: 3_600_000 }, { model: 'gpt-4o' });
    probe.release();
    expect((await failureOf(limiter.acquire({ model: 'gpt-4o' }))).retryAfterMs).toBe(1000);
    await vi.advanceTimersByTimeAsync(1000);
    await expect(limiter.acquire({ model: 'gpt-4o' })).resolves.toBeDefined();
  });

  it('a stream probe frees the model as soon as the upstream answered (answered())', async () => {
    const limiter = createLimiter({ maxRateLimitPauseMs: 1000 });
    limiter.applyFeedback({ retryAfterMs: 10_000 }, { model: 'm' });
    await vi.advanceTimersByTimeAsync(1000);
    const probe = await limiter.acquire({ model: 'm' });
    expect(limiter.tryAcquire(undefined, 'm')).toBeUndefined();
    probe.answered?.();
    expect(limiter.tryAcquire(undefined, 'm')).toBeDefined();
  });

  it('a probe that is never reported frees after the cap, so a model cannot stay shut', async () => {
    const limiter = createLimiter({ maxRateLimitPauseMs: 1000 });
    limiter.applyFeedback({ retryAfterMs: 10_000 }, { model: 'm' });
    await vi.advanceTimersByTimeAsync(1000);
    await limiter.acquire({ model: 'm' });
    expect(limiter.tryAcquire(undefined, 'm')).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1000);
    expect(limiter.tryAcquire(undefined, 'm')).toBeDefined();
  });

  it('one call can be the probe of a provider-wide pause and of its model pause at once', async () => {
    const limiter = createLimiter({ maxRateLimitPauseMs: 1000 });
    limiter.applyFeedback({ retryAfterMs: 10_000 }, { model: 'm', scope: 'provider' });
    limiter.applyFeedback({ retryAfterMs: 10_000 }, { model: 'm' });
    await vi.advanceTimersByTimeAsync(1000);
    const probe = limiter.tryAcquire(undefined, 'm');
    expect(probe).toBeDefined();
    expect(limiter.tryAcquire(undefined, 'other')).toBeUndefined();
    expect(limiter.tryAcquire(undefined, 'm')).toBeUndefined();
    probe!.release();
    expect(limiter.tryAcquire(undefined, 'other')).toBeDefined();
    expect(limiter.tryAcquire(undefined, 'm')).toBeDefined();
  });

  it('with queueing on, calls waiting for a probe go as soon as it is answered, not after the cap', async () => {
    const limiter = createLimiter({ maxRateLimitPauseMs: 1000, maxQueueWaitMs: 5000 });
    limiter.applyFeedback({ retryAfterMs: 10_000 }, { model: 'm' });
    await vi.advanceTimersByTimeAsync(1000);
    const probe = await limiter.acquire({ model: 'm' });
    let admitted: unknown;
    void limiter.acquire({ model: 'm' }).then((lease) => (admitted = lease));
    await vi.advanceTimersByTimeAsync(100);
    expect(admitted).toBeUndefined();
    probe.answered?.();
    await vi.advanceTimersByTimeAsync(0);
    expect(admitted).toBeDefined();
  });

  it('a pause within the cap needs no probe: every call goes when it ends', async () => {
    const limiter = createLimiter();
    limiter.applyFeedback({ retryAfterMs: 2000 }, { model: 'm' });
    await vi.advanceTimersByTimeAsync(2000);
    expect(limiter.tryAcquire(undefined, 'm')).toBeDefined();
    expect(limiter.tryAcquire(undefined, 'm')).toBeDefined();
  });

  it('with queueing on, a call for a paused model waits for the pause, without holding up other models', async () => {
    const limiter = createLimiter({ maxQueueWaitMs: 5000, maxConcurrency: 1 });
    limiter.applyFeedback({ retryAfterMs: 3000 }, { model: 'a' });
    let admitted: unknown;
    void limiter.acquire({ model: 'a' }).then((lease) => (admitted = lease));
    const other = await limiter.acquire({ model: 'b' });
    await vi.advanceTimersByTimeAsync(2999);
    expect(admitted).toBeUndefined();
    other.release();
    await vi.advanceTimersByTimeAsync(1);
    expect(admitted).toBeDefined();
    // Longer than the queue wait: refused at once.
    limiter.applyFeedback({ retryAfterMs: 9000 }, { model: 'c' });
    expect((await failureOf(limiter.acquire({ model: 'c' }))).retryAfterMs).toBe(9000);
  });

  it('aborting a call that waits for a model pause rejects it', async () => {
    const limiter = createLimiter({ maxQueueWaitMs: 5000 });
    limiter.applyFeedback({ retryAfterMs: 3000 }, { model: 'a' });
    const controller = new AbortController();
    const pending = failureOf(limiter.acquire({ model: 'a', signal: controller.signal }));
    controller.abort();
    expect((await pending).code).toBe('cancelled');
  });

  it('a success saying a model budget is spent pauses that model only, capped', async () => {
    const limiter = createLimiter({ maxRateLimitPauseMs: 2000, rateLimitPerMinute: 600 });
    const headers = { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '24h0m0s' };
    limiter.applyFeedback(parseRateLimitHeaders(headers), { model: 'gpt-4o' });
    const error = await failureOf(limiter.acquire({ model: 'gpt-4o' }));
    expect(error.retryAfterMs).toBe(2000);
    expect(error.message).toMatch(/requests/);
    await expect(limiter.acquire({ model: 'gpt-4o-mini' })).resolves.toBeDefined();
  });

  it('without a model the pause is the whole provider (and its buckets), capped', async () => {
    const limiter = createLimiter({ maxRateLimitPauseMs: 2000, rateLimitPerMinute: 600 });
    limiter.applyFeedback({ retryAfterMs: 1e12 });
    const error = await failureOf(limiter.acquire({ model: 'x' }));
    expect(error.retryAfterMs).toBeLessThanOrEqual(2100);
    expect(error.retryAfterMs).toBeGreaterThanOrEqual(2000);
  });

  it('a reload with a new cap applies to the next pauses', async () => {
    const limiter = createLimiter();
    limiter.resize({ maxQueueWaitMs: 0, maxRateLimitPauseMs: 500 });
    limiter.applyFeedback({ retryAfterMs: 3_600_000 }, { model: 'm' });
    expect((await failureOf(limiter.acquire({ model: 'm' }))).retryAfterMs).toBe(500);
    expect(() => limiter.resize({ maxRateLimitPauseMs: 0 })).toThrow(RangeError);
  });

  it('forgets the pauses of models nobody calls any more, so caller-chosen names cannot pile up', async () => {
    const limiter = createLimiter({ maxRateLimitPauseMs: 1000 });
    for (let index = 0; index < 2000; index++) limiter.applyFeedback({ retryAfterMs: 3_600_000 }, { model: `m${index}` });
    await vi.advanceTimersByTimeAsync(2000);
    limiter.applyFeedback({ retryAfterMs: 10 }, { model: 'fresh' });
    expect(limiter.pausedKeys).toBeLessThan(10);
  });

  it('property: whatever the provider asks, no call is held past the cap plus one probe', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.double({ min: 0, noNaN: true }), fc.constantFrom(Number.POSITIVE_INFINITY, 1e308, 3_600_000)),
        fc.integer({ min: 1, max: 120_000 }),
        fc.boolean(),
        async (askedMs, capMs, providerWide) => {
          vi.setSystemTime(0);
          const limiter = createLimiter({ maxRateLimitPauseMs: capMs });
          limiter.applyFeedback(
            { retryAfterMs: askedMs, remainingRequests: 0, resetRequestsMs: askedMs, remainingTokens: 0, resetTokensMs: askedMs },
            { model: 'm', scope: providerWide ? 'provider' : 'model' },
          );
          const refused = limiter.tryAcquire(undefined, 'm');
          if (refused === undefined) {
            const error = await failureOf(limiter.acquire({ model: 'm' }));
            expect(error.retryAfterMs).toBeLessThanOrEqual(capMs);
          }
          vi.setSystemTime(capMs);
          expect(limiter.tryAcquire(undefined, 'm')).toBeDefined();
        },
      ),
      { numRuns: 200 },
    );
  });

  it('property: model-scoped feedback never holds back a model it was not about', () => {
    const models = ['a', 'b', 'c', 'd'];
    const feedback = fc.record({
      model: fc.constantFrom(...models),
      retryAfterMs: fc.oneof(fc.constant(undefined), fc.double({ min: 0, max: 1e308, noNaN: true })),
      resetRequestsMs: fc.oneof(fc.constant(undefined), fc.integer({ min: 0, max: 86_400_000 })),
      atMs: fc.integer({ min: 0, max: 120_000 }),
    });
    fc.assert(
      fc.property(fc.array(feedback, { maxLength: 12 }), fc.constantFrom(...models), (events, probeModel) => {
        vi.setSystemTime(0);
        const limiter = createLimiter();
        const touched = new Set<string>();
        for (const event of [...events].sort((x, y) => x.atMs - y.atMs)) {
          vi.setSystemTime(event.atMs);
          const { retryAfterMs, resetRequestsMs } = event;
          limiter.applyFeedback(
            {
              ...(retryAfterMs !== undefined && { retryAfterMs }),
              ...(resetRequestsMs !== undefined && { remainingRequests: 0, resetRequestsMs }),
            },
            { model: event.model },
          );
          touched.add(event.model);
        }
        const lease = limiter.tryAcquire(undefined, probeModel);
        if (!touched.has(probeModel)) expect(lease).toBeDefined();
        lease?.release();
        // No caller that names no model is ever held back by a model's pause.
        expect(limiter.tryAcquire()).toBeDefined();
      }),
    );
  });
});
