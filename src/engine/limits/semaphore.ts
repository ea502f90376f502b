import type { LiterLLMError } from '../../spec/errors.js';
import { RateLimitedError } from '../../spec/errors.js';
import { createAbortError } from './abort-error.js';
import { WaitQueue, type WaitQueueNode } from './wait-queue.js';

/** A held slot. `release()` gives it back exactly once; later calls do nothing. */
export interface Permit {
  release(): void;
}

export interface SemaphoreAcquireOptions {
  /** Aborting removes the waiter from the queue and rejects (CancelledError or the signal's LiterLLMError reason). */
  signal?: AbortSignal;
  /** Longest wait for a slot; then RateLimitedError. 0 fails at once when no slot is free. Absent: wait forever. */
  timeoutMs?: number;
}

export interface SemaphoreOptions {
  /** Named in error messages (usually the provider). */
  name?: string;
}

interface Waiter extends WaitQueueNode<Waiter> {
  resolve: (permit: Permit) => void;
  reject: (error: LiterLLMError) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

class SemaphorePermit implements Permit {
  private released = false;

  constructor(private readonly onRelease: () => void) {}

  release(): void {
    if (this.released) return;
    this.released = true;
    this.onRelease();
  }
}

/**
 * Counting semaphore with a FIFO wait queue: caps concurrent upstream calls. `max` may be
 * Infinity (no cap) or 0 (everything waits). Resizing is safe at any time: growing wakes
 * waiters, shrinking lets the excess in-flight calls drain without cutting them off.
 */
export class Semaphore {
  private maxValue: number;
  private inFlightCount = 0;
  private readonly queue = new WaitQueue<Waiter>();
  private readonly name: string | undefined;
  private readonly releaseSlot = (): void => {
    this.inFlightCount--;
    this.drain();
  };

  constructor(max: number, options: SemaphoreOptions = {}) {
    this.maxValue = checkMax(max);
    this.name = options.name;
  }

  get max(): number {
    return this.maxValue;
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  get waiting(): number {
    return this.queue.size;
  }

  /** A permit when one is free and nobody is queued (queued callers are never overtaken). */
  tryAcquire(): Permit | undefined {
    if (this.queue.size > 0 || this.inFlightCount >= this.maxValue) return undefined;
    this.inFlightCount++;
    return new SemaphorePermit(this.releaseSlot);
  }

  acquire(options: SemaphoreAcquireOptions = {}): Promise<Permit> {
    const { signal, timeoutMs } = options;
    if (signal?.aborted) return Promise.reject(createAbortError(signal, 'a concurrency slot', this.name));
    const permit = this.tryAcquire();
    if (permit) return Promise.resolve(permit);
    if (timeoutMs !== undefined && timeoutMs <= 0) return Promise.reject(this.createTimeoutError(0));
    return new Promise<Permit>((resolve, reject) => {
      const waiter: Waiter = {
        previous: undefined,
        next: undefined,
        queued: false,
        resolve,
        reject,
        timer: undefined,
        signal,
        onAbort: undefined,
      };
      if (timeoutMs !== undefined && Number.isFinite(timeoutMs)) {
        waiter.timer = setTimeout(() => this.abandon(waiter, this.createTimeoutError(timeoutMs)), timeoutMs);
      }
      if (signal) {
        waiter.onAbort = () => this.abandon(waiter, createAbortError(signal, 'a concurrency slot', this.name));
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.queue.push(waiter);
    });
  }

  /** Changes the cap (config hot reload). In-flight permits stay valid. */
  resize(max: number): void {
    this.maxValue = checkMax(max);
    this.drain();
  }

  private drain(): void {
    while (this.inFlightCount < this.maxValue) {
      const waiter = this.queue.shift();
      if (!waiter) return;
      detach(waiter);
      this.inFlightCount++;
      waiter.resolve(new SemaphorePermit(this.releaseSlot));
    }
  }

  private abandon(waiter: Waiter, error: LiterLLMError): void {
    if (!waiter.queued) return;
    this.queue.remove(waiter);
    detach(waiter);
    waiter.reject(error);
  }

  private createTimeoutError(timeoutMs: number): LiterLLMError {
    const subject = this.name === undefined ? 'concurrency limit' : `${this.name} concurrency limit`;
    return new RateLimitedError({
      message: `${subject} of ${this.maxValue} reached: no slot freed within ${timeoutMs} ms`,
      ...(this.name !== undefined && { provider: this.name }),
      origin: 'engine',
    });
  }
}

function detach(waiter: Waiter): void {
  if (waiter.timer !== undefined) clearTimeout(waiter.timer);
  if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
  waiter.timer = undefined;
  waiter.onAbort = undefined;
}

function checkMax(max: number): number {
  if (!(max >= 0) || (Number.isFinite(max) && !Number.isInteger(max))) {
    throw new RangeError(`concurrency limit must be a whole number >= 0 or Infinity, got ${max}`);
  }
  return max;
}
