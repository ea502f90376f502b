import { type LiterLLMError, RateLimitedError } from '../../spec/errors.js';
import type { LimitKind } from './limit-kind.js';
import type { PauseKind } from './rate-limit-pauses.js';

/** What the messages name: the limits in force (updated on resize). */
export interface RejectionContext {
  maxQueueWaitMs: number;
  requestsCapacity: number | undefined;
  tokensCapacity: number | undefined;
  maxConcurrency: number;
  maxConcurrencyGlobal: number | undefined;
  /** The last shared-store failure, for a call refused while the store was down. */
  storeError: string | undefined;
}

/**
 * The limiter's RateLimitedErrors, one wording for each limit: the caller (and the gateway's 429
 * body) learns which limit held the call, how long it waited and when to retry.
 */
export class LimitRejections {
  constructor(
    private readonly provider: string,
    readonly context: RejectionContext,
  ) {}

  /** A call held back by `kind` that cannot wait (any longer). */
  queue(kind: LimitKind, retryAfterMs: number | undefined, waitedMs: number): LiterLLMError {
    const retry = retryAfterMs === undefined ? '' : `; retry in ${retryAfterMs} ms`;
    return new RateLimitedError({
      message: `${this.provider} ${this.reason(kind)}; ${this.waited(waitedMs, 'in the queue')}${retry}`,
      provider: this.provider,
      origin: 'engine',
      ...(retryAfterMs !== undefined && { retryAfterMs }),
    });
  }

  /** A call for a model the provider paused (or whose probe is out) and that cannot wait for it. */
  modelPause(model: string, kind: PauseKind, probing: boolean, waitMs: number, waitedMs: number): LiterLLMError {
    const reason = probing
      ? 'one probe call is finding out whether the provider still limits it'
      : kind === 'retry-after'
        ? 'the provider asked to retry later'
        : `the provider reported its ${kind} budget for it spent`;
    return new RateLimitedError({
      message: `${this.provider} rate limited upstream for model ${model}: ${reason}; ${this.waited(waitedMs)}; retry in ${waitMs} ms`,
      provider: this.provider,
      origin: 'engine',
      retryAfterMs: waitMs,
    });
  }

  /** A call that needs more tokens than the whole per-minute budget: it could never go. */
  tooLarge(cost: number): LiterLLMError {
    return new RateLimitedError({
      message: `${this.provider}: this call needs about ${cost} tokens, more than the tokens per minute limit (${this.context.tokensCapacity}) allows at once`,
      provider: this.provider,
      origin: 'engine',
      retryable: false,
    });
  }

  private reason(kind: LimitKind): string {
    const context = this.context;
    switch (kind) {
      case 'requests':
        return `rate limit reached: requests per minute (${context.requestsCapacity ?? 'provider limit'})`;
      case 'tokens':
        return `rate limit reached: tokens per minute (${context.tokensCapacity ?? 'provider limit'})`;
      case 'concurrency':
        return `concurrency limit reached: ${context.maxConcurrency} calls in flight`;
      case 'global-concurrency':
        return `global concurrency limit reached: ${context.maxConcurrencyGlobal} calls in flight across replicas`;
      case 'retry-after':
        return 'rate limited upstream: the provider asked to retry later';
      case 'store':
        return context.storeError === undefined
          ? 'rate-limit store did not answer in time'
          : `rate-limit store unavailable (${context.storeError})`;
    }
  }

  private waited(waitedMs: number, where?: string): string {
    if (waitedMs > 0) return where === undefined ? `waited ${waitedMs} ms` : `waited ${waitedMs} ms ${where}`;
    return this.context.maxQueueWaitMs > 0
      ? `the wait would exceed the max queue wait of ${this.context.maxQueueWaitMs} ms`
      : 'queueing is off (max queue wait 0)';
  }
}
