import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CancelledError, RateLimitedError } from '../../spec/errors.js';
import { Semaphore } from './semaphore.js';

const waiterArbitrary = fc.record({
  arrivalDelayMs: fc.integer({ min: 0, max: 200 }),
  holdMs: fc.integer({ min: 0, max: 500 }),
  timeoutMs: fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined, freq: 2 }),
  abortAfterMs: fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined, freq: 2 }),
  releaseTwice: fc.boolean(),
});

describe('Semaphore under random schedules', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('keeps the cap, serves FIFO, settles every waiter once and leaks nothing, across resizes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 4 }),
        fc.array(waiterArbitrary, { minLength: 1, maxLength: 30 }),
        fc.array(fc.record({ atMs: fc.integer({ min: 0, max: 3000 }), max: fc.integer({ min: 1, max: 4 }) }), { maxLength: 3 }),
        async (initialMax, waiters, resizes) => {
          const semaphore = new Semaphore(initialMax);
          let held = 0;
          const settled = waiters.map(() => 0);
          const granted: number[] = [];
          const problems: string[] = [];
          let arrival = 0;
          waiters.forEach((waiter, index) => {
            arrival += waiter.arrivalDelayMs;
            setTimeout(() => {
              const controller = new AbortController();
              if (waiter.abortAfterMs !== undefined) setTimeout(() => controller.abort(), waiter.abortAfterMs);
              semaphore
                .acquire({ signal: controller.signal, ...(waiter.timeoutMs !== undefined && { timeoutMs: waiter.timeoutMs }) })
                .then(
                  (permit) => {
                    settled[index]!++;
                    granted.push(index);
                    held++;
                    // A shrink lets the excess drain, but nobody new gets in above the cap.
                    if (held > semaphore.max) problems.push(`held ${held} > max ${semaphore.max}`);
                    setTimeout(() => {
                      held--;
                      permit.release();
                      if (waiter.releaseTwice) permit.release();
                    }, waiter.holdMs);
                  },
                  (error: unknown) => {
                    settled[index]!++;
                    if (!(error instanceof CancelledError) && !(error instanceof RateLimitedError)) problems.push(String(error));
                  },
                );
            }, arrival);
          });
          // A size-0 semaphore would park the waiters without a timeout forever: reopen it at the end.
          for (const resize of [...resizes, { atMs: 3500, max: 1 }]) setTimeout(() => semaphore.resize(resize.max), resize.atMs);
          await vi.runAllTimersAsync();
          expect(problems).toEqual([]);
          expect(settled.every((count) => count === 1)).toBe(true);
          expect(granted).toEqual([...granted].sort((a, b) => a - b));
          expect(semaphore.inFlight).toBe(0);
          expect(semaphore.waiting).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
