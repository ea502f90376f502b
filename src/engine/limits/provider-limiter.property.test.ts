import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CancelledError, isLiterLLMError, RateLimitedError } from '../../spec/errors.js';
import { createMemoryConcurrencyLeaseStore } from './create-memory-concurrency-lease-store.js';
import { createMemoryRateLimitStore } from './create-memory-rate-limit-store.js';
import { ProviderLimiter } from './provider-limiter.js';
import type { RateLimitStore } from './rate-limit-store.js';

const settingsArbitrary = fc.record({
  maxConcurrency: fc.integer({ min: 1, max: 5 }),
  rateLimitPerMinute: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined, freq: 4 }),
  tokensPerMinute: fc.option(fc.integer({ min: 100, max: 1500 }), { nil: undefined }),
  maxQueueWaitMs: fc.constantFrom(0, 250, 5000, 60_000, Number.POSITIVE_INFINITY),
  /** sync: the in-memory store; microtask / slow: async-only stores answering after a microtask or a 2 ms round trip. */
  store: fc.constantFrom('sync', 'microtask', 'slow'),
  /** Fleet-wide cap through a (private) memory lease store. */
  maxConcurrencyGlobal: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined, freq: 2 }),
});

const callArbitrary = fc.record({
  arrivalDelayMs: fc.integer({ min: 0, max: 1500 }),
  durationMs: fc.integer({ min: 0, max: 8000 }),
  estimatedTokens: fc.integer({ min: 0, max: 400 }),
  /** Tokens used beyond the estimate (charges only, so the token window bound stays exact). */
  extraTokens: fc.integer({ min: 0, max: 200 }),
  abortAfterMs: fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 4 },
    { arbitrary: fc.integer({ min: 0, max: 10_000 }), weight: 1 },
  ),
  /** The upstream call failed: the lease is released without settling tokens. */
  fails: fc.boolean(),
  releaseTwice: fc.boolean(),
});

const feedbackArbitrary = fc.record({
  atMs: fc.integer({ min: 0, max: 60_000 }),
  retryAfterMs: fc.integer({ min: 1, max: 5000 }),
});

/** A store with only the async interface (one microtask per call), like a Redis-backed one. */
function createAsyncOnlyStore(): RateLimitStore {
  const memory = createMemoryRateLimitStore();
  return {
    take: (key, cost, limit, now) => Promise.resolve().then(() => memory.takeSync(key, cost, limit, now)),
    adjust: (key, delta, limit, now) => Promise.resolve().then(() => memory.adjustSync(key, delta, limit, now)),
    pause: (key, untilMs, now) => Promise.resolve().then(() => memory.pauseSync(key, untilMs, now)),
  };
}

/** The same behind a 2 ms round trip, answers in the order sent (one network connection). */
function createSlowStore(): RateLimitStore {
  const memory = createMemoryRateLimitStore();
  const later = <T>(answer: () => T) => new Promise<T>((resolve) => setTimeout(() => resolve(answer()), 2));
  return {
    take: (key, cost, limit, now) => later(() => memory.takeSync(key, cost, limit, Math.max(now, Date.now()))),
    adjust: (key, delta, limit, now) => later(() => memory.adjustSync(key, delta, limit, Math.max(now, Date.now()))),
    pause: (key, untilMs, now) => later(() => memory.pauseSync(key, untilMs, now)),
  };
}

/** Largest sum of `amount` over any 60 s window starting at an event. */
function maxPerMinute(events: Array<{ at: number; amount: number }>): number {
  let max = 0;
  for (const start of events) {
    let sum = 0;
    for (const event of events) if (event.at >= start.at && event.at < start.at + 60_000) sum += event.amount;
    max = Math.max(max, sum);
  }
  return max;
}

describe('ProviderLimiter under random schedules', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
  });
  afterEach(() => vi.useRealTimers());

  it('never exceeds its limits or waits too long, never overtakes, never leaks, and settles every call once', async () => {
    await fc.assert(
      fc.asyncProperty(
        settingsArbitrary,
        fc.array(callArbitrary, { minLength: 1, maxLength: 40 }),
        fc.array(feedbackArbitrary, { maxLength: 3 }),
        async (settings, calls, feedback) => {
          vi.setSystemTime(0);
          const { store, maxConcurrencyGlobal, ...limits } = settings;
          const limiter = new ProviderLimiter({
            provider: 'p',
            now: () => Date.now(),
            ...limits,
            ...(store === 'microtask' && { store: createAsyncOnlyStore() }),
            ...(store === 'slow' && { store: createSlowStore() }),
            ...(maxConcurrencyGlobal !== undefined && { maxConcurrencyGlobal, leaseStore: createMemoryConcurrencyLeaseStore() }),
          });
          // A call's one try with no queue wait still takes the store's round trip.
          const maxWaitMs = settings.maxQueueWaitMs + (store === 'slow' ? 2 : 0);
          const maxConcurrency = Math.min(settings.maxConcurrency, maxConcurrencyGlobal ?? Number.POSITIVE_INFINITY);
          const settledCount = calls.map(() => 0);
          const admittedOrder: number[] = [];
          const requests: Array<{ at: number; amount: number }> = [];
          const tokens: Array<{ at: number; amount: number }> = [];
          let held = 0;
          let maxHeld = 0;
          const problems: string[] = [];

          let arrival = 0;
          calls.forEach((call, index) => {
            arrival += call.arrivalDelayMs;
            setTimeout(() => {
              const requestedAt = Date.now();
              const controller = new AbortController();
              if (call.abortAfterMs !== undefined) setTimeout(() => controller.abort(), call.abortAfterMs);
              limiter.acquire({ estimatedTokens: call.estimatedTokens, signal: controller.signal }).then(
                (lease) => {
                  settledCount[index]!++;
                  const now = Date.now();
                  if (now - requestedAt > maxWaitMs) problems.push(`call ${index} waited ${now - requestedAt} ms`);
                  admittedOrder.push(index);
                  requests.push({ at: now, amount: 1 });
                  tokens.push({ at: now, amount: call.estimatedTokens });
                  held++;
                  maxHeld = Math.max(maxHeld, held);
                  if (limiter.inFlight > maxConcurrency) problems.push(`inFlight ${limiter.inFlight}`);
                  setTimeout(() => {
                    if (!call.fails) lease.settleTokens(call.estimatedTokens + call.extraTokens);
                    lease.release();
                    held--;
                    if (call.releaseTwice) lease.release();
                  }, call.durationMs);
                },
                (error: unknown) => {
                  settledCount[index]!++;
                  const waited = Date.now() - requestedAt;
                  if (!isLiterLLMError(error)) problems.push(`call ${index} failed with ${String(error)}`);
                  else if (error instanceof RateLimitedError) {
                    if (waited > maxWaitMs) problems.push(`call ${index} refused after ${waited} ms`);
                    if (error.retryAfterMs !== undefined && !(error.retryAfterMs > 0))
                      problems.push(`retryAfterMs ${error.retryAfterMs}`);
                  } else if (!(error instanceof CancelledError)) problems.push(`call ${index} failed with ${error.code}`);
                },
              );
            }, arrival);
          });
          /** Admissions made after each pause began (index into `requests`), and when it ends. */
          const pauses: Array<{ fromAdmission: number; until: number }> = [];
          for (const event of feedback) {
            setTimeout(() => {
              pauses.push({ fromAdmission: requests.length, until: Date.now() + event.retryAfterMs });
              limiter.applyFeedback({ retryAfterMs: event.retryAfterMs });
            }, event.atMs);
          }

          await vi.runAllTimersAsync();

          expect(problems).toEqual([]);
          expect(settledCount.every((count) => count === 1)).toBe(true);
          expect(maxHeld).toBeLessThanOrEqual(maxConcurrency);
          // FIFO: admitted calls went in arrival order.
          expect(admittedOrder).toEqual([...admittedOrder].sort((a, b) => a - b));
          // Token buckets: at most capacity + one minute of refill in any minute.
          if (settings.rateLimitPerMinute !== undefined) {
            expect(maxPerMinute(requests)).toBeLessThanOrEqual(2 * settings.rateLimitPerMinute);
          }
          if (settings.tokensPerMinute !== undefined) {
            expect(maxPerMinute(tokens)).toBeLessThanOrEqual(2 * settings.tokensPerMinute);
          }
          // Nothing went out while the provider had asked to wait.
          for (const pause of pauses) {
            expect(requests.slice(pause.fromAdmission).filter(({ at }) => at < pause.until)).toEqual([]);
          }
          // No leaks.
          expect(limiter.inFlight).toBe(0);
          expect(limiter.queued).toBe(0);
          expect(limiter.admitted).toBe(admittedOrder.length);
        },
      ),
      { numRuns: 500 },
    );
  });
});
