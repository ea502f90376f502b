import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CancelledError, type LiterLLMError, RateLimitedError, TimeoutError } from '../../spec/errors.js';
import { type Permit, Semaphore } from './semaphore.js';

/** Records the order in which acquisitions resolve. */
function track(promise: Promise<Permit>, label: string, log: string[]): Promise<Permit> {
  return promise.then((permit) => {
    log.push(label);
    return permit;
  });
}

describe('Semaphore', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('hands out up to max permits at once, then queues', async () => {
    const semaphore = new Semaphore(2);
    const first = semaphore.tryAcquire();
    const second = await semaphore.acquire();
    expect(first).toBeDefined();
    expect(semaphore.inFlight).toBe(2);
    expect(semaphore.tryAcquire()).toBeUndefined();
    let third: Permit | undefined;
    void semaphore.acquire().then((permit) => (third = permit));
    await Promise.resolve();
    expect(third).toBeUndefined();
    expect(semaphore.waiting).toBe(1);
    second.release();
    await Promise.resolve();
    expect(third).toBeDefined();
    expect(semaphore.inFlight).toBe(2);
    expect(semaphore.waiting).toBe(0);
  });

  it('wakes waiters in FIFO order', async () => {
    const semaphore = new Semaphore(1);
    const holder = semaphore.tryAcquire() as Permit;
    const log: string[] = [];
    const waiters = ['a', 'b', 'c'].map((label) => track(semaphore.acquire(), label, log));
    holder.release();
    (await waiters[0])?.release();
    (await waiters[1])?.release();
    (await waiters[2])?.release();
    expect(log).toEqual(['a', 'b', 'c']);
    expect(semaphore.inFlight).toBe(0);
  });

  it('tryAcquire never overtakes a queued waiter', async () => {
    const semaphore = new Semaphore(1);
    const holder = semaphore.tryAcquire() as Permit;
    const waiting = semaphore.acquire();
    holder.release();
    // The slot went to the waiter, synchronously, so tryAcquire finds none.
    expect(semaphore.tryAcquire()).toBeUndefined();
    (await waiting).release();
    expect(semaphore.tryAcquire()).toBeDefined();
  });

  it('release is idempotent: a second call does not free another slot', async () => {
    const semaphore = new Semaphore(1);
    const permit = semaphore.tryAcquire() as Permit;
    const other = semaphore.acquire();
    permit.release();
    permit.release();
    const held = await other;
    expect(semaphore.inFlight).toBe(1);
    expect(semaphore.tryAcquire()).toBeUndefined();
    held.release();
    held.release();
    expect(semaphore.inFlight).toBe(0);
  });

  it('an aborted waiter leaves the queue and rejects with CancelledError', async () => {
    const semaphore = new Semaphore(1);
    const holder = semaphore.tryAcquire() as Permit;
    const controller = new AbortController();
    const aborted = semaphore.acquire({ signal: controller.signal });
    const next = semaphore.acquire();
    expect(semaphore.waiting).toBe(2);
    controller.abort();
    await expect(aborted).rejects.toBeInstanceOf(CancelledError);
    expect(semaphore.waiting).toBe(1);
    holder.release();
    // The slot goes to the next waiter, not to the aborted one.
    (await next).release();
    expect(semaphore.inFlight).toBe(0);
  });

  it('an abort whose reason is a LiterLLMError rejects with that reason', async () => {
    const semaphore = new Semaphore(0);
    const controller = new AbortController();
    const reason = new TimeoutError({ message: 'deadline passed' });
    const waiting = semaphore.acquire({ signal: controller.signal });
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(semaphore.waiting).toBe(0);
  });

  it('an already-aborted signal rejects without taking a free slot', async () => {
    const semaphore = new Semaphore(1);
    const signal = AbortSignal.abort();
    const error = await semaphore.acquire({ signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as LiterLLMError).code).toBe('cancelled');
    expect(semaphore.inFlight).toBe(0);
  });

  it('times out with RateLimitedError, leaving the queue', async () => {
    const semaphore = new Semaphore(1, { name: 'openai' });
    const holder = semaphore.tryAcquire() as Permit;
    const waiting = semaphore.acquire({ timeoutMs: 100 });
    const outcome = waiting.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(99);
    expect(semaphore.waiting).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    const error = (await outcome) as LiterLLMError;
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error.code).toBe('rate_limited');
    expect(error.retryable).toBe(true);
    expect(error.provider).toBe('openai');
    expect(error.message).toBe('openai concurrency limit of 1 reached: no slot freed within 100 ms');
    expect(semaphore.waiting).toBe(0);
    holder.release();
    expect(semaphore.inFlight).toBe(0);
  });

  it('timeoutMs 0 fails at once when no slot is free, succeeds when one is', async () => {
    const semaphore = new Semaphore(1);
    const permit = await semaphore.acquire({ timeoutMs: 0 });
    await expect(semaphore.acquire({ timeoutMs: 0 })).rejects.toThrow(/concurrency limit of 1 reached/);
    expect(semaphore.waiting).toBe(0);
    permit.release();
  });

  it('a waiter granted before its timeout keeps its permit (timer and listener removed)', async () => {
    const semaphore = new Semaphore(1);
    const holder = semaphore.tryAcquire() as Permit;
    const controller = new AbortController();
    const waiting = semaphore.acquire({ timeoutMs: 50, signal: controller.signal });
    holder.release();
    const permit = await waiting;
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    expect(semaphore.inFlight).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    permit.release();
    expect(semaphore.inFlight).toBe(0);
  });

  it('growing wakes waiters; shrinking lets the excess drain', async () => {
    const semaphore = new Semaphore(1);
    const permits = [semaphore.tryAcquire() as Permit];
    const waiters = [semaphore.acquire(), semaphore.acquire(), semaphore.acquire()];
    semaphore.resize(3);
    permits.push(await waiters[0]!, await waiters[1]!);
    expect(semaphore.inFlight).toBe(3);
    expect(semaphore.waiting).toBe(1);

    semaphore.resize(1);
    expect(semaphore.max).toBe(1);
    permits[0]!.release();
    permits[1]!.release();
    // Two released but 1 still in flight = max: the waiter stays queued.
    expect(semaphore.inFlight).toBe(1);
    expect(semaphore.waiting).toBe(1);
    permits[2]!.release();
    (await waiters[2]!).release();
    expect(semaphore.inFlight).toBe(0);
  });

  it('Infinity means no cap; bad sizes are refused', () => {
    const semaphore = new Semaphore(Number.POSITIVE_INFINITY);
    for (let i = 0; i < 1000; i++) expect(semaphore.tryAcquire()).toBeDefined();
    expect(() => new Semaphore(-1)).toThrow(RangeError);
    expect(() => new Semaphore(1.5)).toThrow(RangeError);
    expect(() => new Semaphore(Number.NaN)).toThrow(RangeError);
    expect(() => semaphore.resize(-2)).toThrow(/whole number >= 0/);
  });
});
