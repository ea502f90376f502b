import type { LiterLLMError } from '../../spec/errors.js';
import type { AdmissionAttempt } from './admission-attempt.js';
import type { Lease } from './provider-lease.js';
import { WaitQueue, type WaitQueueNode } from './wait-queue.js';

/** A call waiting for admission; the queue links it in place (no wrapper per call). */
export interface QueuedCall extends WaitQueueNode<QueuedCall> {
  readonly cost: number;
  readonly enqueuedAt: number;
  /** Latest admission time this call accepts (enqueuedAt + its max queue wait). */
  readonly deadline: number;
  readonly resolve: (lease: Lease) => void;
  readonly reject: (error: LiterLLMError) => void;
  readonly signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** With a shared store: the store's answer for this call, asked for in queue order. */
  attempt: AdmissionAttempt | undefined;
}

/** What happens to a queued call that stops waiting on its own; it is still queued when called. */
export interface AdmissionQueueEvents {
  onDeadline(call: QueuedCall): void;
  onAbort(call: QueuedCall, signal: AbortSignal): void;
}

/**
 * The one FIFO queue of a provider's limiter: every limit admits from its head, so a call waiting
 * for tokens and then for a slot is never overtaken. Each call carries its deadline timer and abort
 * listener; one that gives up leaves from the middle in O(1), so abandoned calls never pile up.
 */
export class AdmissionQueue {
  private readonly list = new WaitQueue<QueuedCall>();
  private tokens = 0;

  constructor(private readonly events: AdmissionQueueEvents) {}

  get size(): number {
    return this.list.size;
  }

  get head(): QueuedCall | undefined {
    return this.list.head;
  }

  /** Estimated tokens of every queued call (to tell a newcomer whether its turn can come in time). */
  get queuedTokens(): number {
    return this.tokens;
  }

  /** Queues a call at the tail with `waitMs` to get in (no timer when 0 or Infinity). */
  push(
    cost: number,
    now: number,
    waitMs: number,
    signal: AbortSignal | undefined,
    resolve: (lease: Lease) => void,
    reject: (error: LiterLLMError) => void,
  ): QueuedCall {
    const call: QueuedCall = {
      previous: undefined,
      next: undefined,
      queued: false,
      cost,
      enqueuedAt: now,
      deadline: now + waitMs,
      resolve,
      reject,
      signal,
      onAbort: undefined,
      timer: undefined,
      attempt: undefined,
    };
    if (waitMs > 0 && Number.isFinite(waitMs)) call.timer = setTimeout(() => this.events.onDeadline(call), waitMs);
    if (signal) {
      call.onAbort = () => this.events.onAbort(call, signal);
      signal.addEventListener('abort', call.onAbort, { once: true });
    }
    this.list.push(call);
    this.tokens += cost;
    return call;
  }

  /** Takes a call out (admitted, refused or given up) and drops its timer and abort listener. */
  remove(call: QueuedCall): void {
    if (call.queued) {
      this.list.remove(call);
      this.tokens -= call.cost;
    }
    if (call.timer !== undefined) clearTimeout(call.timer);
    if (call.onAbort) call.signal?.removeEventListener('abort', call.onAbort);
    call.timer = undefined;
    call.onAbort = undefined;
  }
}
