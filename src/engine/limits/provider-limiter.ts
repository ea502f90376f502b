import { InternalError, isLiterLLMError, type LiterLLMError, RateLimitedError } from '../../spec/errors.js';
import type { RateLimitScope } from '../../spec/provider.js';
import { createAbortError } from './abort-error.js';
import { createMemoryRateLimitStore } from './create-memory-rate-limit-store.js';
import type { RateLimitFeedback } from './parse-rate-limit-headers.js';
import { isSyncRateLimitStore, type RateLimit, type RateLimitStore, type SyncRateLimitStore } from './rate-limit-store.js';
import { type Pause, RateLimitPauses } from './rate-limit-pauses.js';
import { type Permit, Semaphore } from './semaphore.js';
import { WaitQueue, type WaitQueueNode } from './wait-queue.js';

/** Used when a provider's config does not set `max_queue_wait_ms`. */
export const DEFAULT_MAX_QUEUE_WAIT_MS = 30_000;

/** Used when a provider's config does not set `max_rate_limit_pause_ms`. */
export const DEFAULT_MAX_RATE_LIMIT_PAUSE_MS = 60_000;

/** The pause key of the whole provider (model names are the other keys; none is empty). */
const WHOLE_PROVIDER = '';

/** The per-provider limits from the config; every one is optional. */
export interface ProviderLimitSettings {
  /** Concurrent upstream calls, never exceeded. Absent: no cap. */
  maxConcurrency?: number;
  /** Requests per minute: a bucket of this many requests, refilled continuously. */
  rateLimitPerMinute?: number;
  /** Tokens per minute (estimated at admission, corrected by `Lease.settleTokens`). */
  tokensPerMinute?: number;
  /** Longest a call may queue for admission before RateLimitedError; 0 fails at once. Infinity: no limit. */
  maxQueueWaitMs?: number;
  /**
   * Longest pause one piece of provider feedback (a 429's retry-after, a budget reported spent) may
   * cause; after it one probe call finds out whether the limit is over. Default 60 s.
   */
  maxRateLimitPauseMs?: number;
}

/** Whom a piece of feedback concerns; without a model it is the whole provider. */
export interface FeedbackTarget {
  model?: string;
  /** What the adapter read the budget to be (Provider.rateLimitScope); default `model` when a model is given. */
  scope?: RateLimitScope;
}

export interface ProviderLimiterOptions extends ProviderLimitSettings {
  /** Provider name (config key), named in errors and used in store keys. */
  provider: string;
  /** Where the buckets live; defaults to a private in-memory store. */
  store?: RateLimitStore;
  /** Store key prefix (defaults to the provider name); replicas sharing a store share budgets by key. */
  keyPrefix?: string;
  now?: () => number;
}

export interface LimiterAcquireOptions {
  /** Tokens the call is expected to use (see `estimateTokens`); counted against tokens per minute. */
  estimatedTokens?: number;
  /** Aborting while queued leaves the queue and rejects (CancelledError or the signal's LiterLLMError reason). */
  signal?: AbortSignal;
  /** The model the call is for: a pause the provider put on that model holds it back (and only it). */
  model?: string;
}

/** An admitted call's hold on the limiter. */
export interface Lease {
  /** Frees the concurrency slot. Idempotent: only the first call counts. */
  release(): void;
  /**
   * Charges the tokens the call really used instead of the estimate (refund or debt). May be called
   * after `release()` and more than once; each call sets the total charge.
   */
  settleTokens(actualTokens: number): void;
  /**
   * The upstream accepted the call (a stream has started). When the call was the probe after a
   * capped rate-limit pause, the calls waiting for its answer may go now rather than at release().
   */
  answered?(): void;
  readonly estimatedTokens: number;
}

/** Which limit held a call back. */
export type LimitKind = 'requests' | 'tokens' | 'concurrency' | 'retry-after';

interface QueuedCall extends WaitQueueNode<QueuedCall> {
  cost: number;
  enqueuedAt: number;
  /** Latest admission time this call accepts (enqueuedAt + maxQueueWaitMs). */
  deadline: number;
  resolve: (lease: Lease) => void;
  reject: (error: LiterLLMError) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** Weight of the newest lease duration in the hold-time average (for concurrency retry hints). */
const HOLD_TIME_SMOOTHING = 0.2;

/**
 * Admission control for one provider: a concurrency cap, a requests-per-minute bucket and an
 * optional tokens-per-minute bucket, behind ONE FIFO queue, so a call waiting for tokens and then
 * for a slot is never overtaken by a later call. A call that cannot be admitted within
 * `maxQueueWaitMs` fails with RateLimitedError (naming the provider and the limit, with
 * `retryAfterMs` when it can be known). Upstream feedback (`applyFeedback`) pauses admission.
 *
 * Buckets live in a RateLimitStore; with the in-memory store the uncontended path is synchronous
 * and allocates only the Lease.
 */
export class ProviderLimiter {
  readonly provider: string;
  private readonly store: RateLimitStore;
  private readonly syncStore: SyncRateLimitStore | undefined;
  private readonly now: () => number;
  private readonly requestsKey: string;
  private readonly tokensKey: string;
  private readonly semaphore: Semaphore;
  private requestsLimit: RateLimit | undefined;
  private tokensLimit: RateLimit | undefined;
  private maxQueueWaitMs: number;
  private readonly queue = new WaitQueue<QueuedCall>();
  private queuedTokenTotal = 0;

  /** Pauses set by provider feedback, per model and for the whole provider; apply even when no bucket is configured. */
  private readonly pauses: RateLimitPauses;
  /** Calls sleeping on a model pause; woken to look again when a probe is answered. */
  private readonly pauseSleepers = new Set<() => void>();
  /** Why the head of the queue is waiting, and (for buckets) when it is next worth trying. */
  private blockedBy: LimitKind = 'concurrency';
  private blockedUntil = Number.NEGATIVE_INFINITY;
  private pumpTimer: ReturnType<typeof setTimeout> | undefined;
  private pumpDueAt = Number.NEGATIVE_INFINITY;
  /** An async store call for the head is outstanding; nobody else may be admitted meanwhile. */
  private pumping = false;

  private rejectedCount = 0;
  private admittedCount = 0;
  private holdTimeMs: number | undefined;

  private readonly onLeaseRelease = (permit: Permit, acquiredAt: number, probes: ClaimedProbe[] | undefined): void => {
    if (probes !== undefined) this.endProbes(probes);
    permit.release();
    const held = this.now() - acquiredAt;
    this.holdTimeMs = this.holdTimeMs === undefined ? held : this.holdTimeMs + HOLD_TIME_SMOOTHING * (held - this.holdTimeMs);
    this.pump();
  };

  private readonly onLeaseSettle = (delta: number): void => {
    const limit = this.tokensLimit;
    if (limit === undefined) return;
    this.adjust(this.tokensKey, delta, limit, this.now());
    if (delta > 0) this.pump();
  };

  constructor(options: ProviderLimiterOptions) {
    this.provider = options.provider;
    this.store = options.store ?? createMemoryRateLimitStore();
    this.syncStore = isSyncRateLimitStore(this.store) ? this.store : undefined;
    this.now = options.now ?? Date.now;
    const prefix = options.keyPrefix ?? options.provider;
    this.requestsKey = `${prefix}:requests`;
    this.tokensKey = `${prefix}:tokens`;
    checkSettings(options);
    this.semaphore = new Semaphore(options.maxConcurrency ?? Number.POSITIVE_INFINITY, { name: options.provider });
    this.requestsLimit = toLimit(options.rateLimitPerMinute);
    this.tokensLimit = toLimit(options.tokensPerMinute);
    this.maxQueueWaitMs = options.maxQueueWaitMs ?? DEFAULT_MAX_QUEUE_WAIT_MS;
    this.pauses = new RateLimitPauses(options.maxRateLimitPauseMs ?? DEFAULT_MAX_RATE_LIMIT_PAUSE_MS);
  }

  /** Probe answered: the calls that waited for it may go. */
  private readonly onProbeAnswered = (probes: ClaimedProbe[]): void => {
    this.endProbes(probes);
    this.pump();
  };

  private endProbes(probes: readonly ClaimedProbe[]): void {
    for (const probe of probes) this.pauses.endProbe(probe.key, probe.pause);
    if (this.pauseSleepers.size === 0) return;
    const sleepers = [...this.pauseSleepers];
    this.pauseSleepers.clear();
    for (const wake of sleepers) wake();
  }

  /** Calls holding a lease. */
  get inFlight(): number {
    return this.semaphore.inFlight;
  }

  /** Calls waiting for admission. */
  get queued(): number {
    return this.queue.size;
  }

  /** Models (and the provider itself) with a rate-limit pause on record. */
  get pausedKeys(): number {
    return this.pauses.size;
  }

  /** Calls refused with RateLimitedError (at once or after queueing); cancellations are not counted. */
  get rejected(): number {
    return this.rejectedCount;
  }

  /** Calls admitted since creation. */
  get admitted(): number {
    return this.admittedCount;
  }

  /**
   * The lease at once when nobody is queued and a slot and the budgets are free; otherwise
   * undefined, with no slot, budget or place in the queue taken, and the caller goes through
   * acquire(), which queues or refuses. The common path of a call then costs no promise.
   */
  tryAcquire(estimatedTokens?: number, model?: string): Lease | undefined {
    if (this.syncStore === undefined || this.queue.size !== 0) return undefined;
    const cost = tokenCost(estimatedTokens);
    if (this.exceedsTokenCapacity(cost)) return undefined;
    const now = this.now();
    if (model === undefined || this.pauses.size === 0 || !this.pauses.has(model)) return this.tryAdmitSync(cost, now);
    // A paused model goes through acquire(), which waits or refuses; a call may be its probe here.
    if (this.pauses.blockedUntil(model, now) > now) return undefined;
    const lease = this.tryAdmitSync(cost, now);
    const pause = lease === undefined ? undefined : this.pauses.claimProbe(model, now);
    if (pause !== undefined) (lease as ProviderLease).attachProbe({ key: model, pause });
    return lease;
  }

  /**
   * Waits (FIFO) until every limit admits the call, then returns its lease. A call for a model the
   * provider paused waits for that pause outside the queue (so it holds up no other model) or is
   * refused at once when the pause outlasts the max queue wait.
   */
  acquire(options: LimiterAcquireOptions = {}): Promise<Lease> {
    const model = options.model;
    if (model === undefined || this.pauses.size === 0 || !this.pauses.has(model)) {
      return this.enqueue(options, this.maxQueueWaitMs);
    }
    return this.acquireAfterModelPause(model, options, 0);
  }

  private acquireAfterModelPause(model: string, options: LimiterAcquireOptions, waitedMs: number): Promise<Lease> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(createAbortError(signal, `a ${this.provider} slot`, this.provider));
    const now = this.now();
    const until = this.pauses.blockedUntil(model, now);
    if (until > now) {
      const waitMs = Math.ceil(until - now);
      if (this.maxQueueWaitMs <= 0 || waitedMs + waitMs > this.maxQueueWaitMs) {
        this.rejectedCount++;
        return Promise.reject(this.createPauseRejection(model, waitMs, waitedMs, now));
      }
      const sleptFrom = now;
      const abortError = () => createAbortError(signal!, `a ${this.provider} slot`, this.provider);
      return sleep(waitMs, signal, abortError, this.pauseSleepers).then(() =>
        this.acquireAfterModelPause(model, options, waitedMs + Math.max(0, this.now() - sleptFrom)),
      );
    }
    const pause = this.pauses.claimProbe(model, now);
    const admission = this.enqueue(options, this.maxQueueWaitMs - waitedMs);
    if (pause === undefined) return admission;
    const probe: ClaimedProbe = { key: model, pause };
    return admission.then(
      (lease) => {
        (lease as ProviderLease).attachProbe(probe);
        return lease;
      },
      (error: unknown) => {
        this.pauses.returnProbe(model, pause);
        throw error;
      },
    );
  }

  private enqueue(options: LimiterAcquireOptions, queueWaitMs: number): Promise<Lease> {
    const { signal } = options;
    const cost = tokenCost(options.estimatedTokens);
    if (signal?.aborted) return Promise.reject(createAbortError(signal, `a ${this.provider} slot`, this.provider));
    if (this.exceedsTokenCapacity(cost)) {
      this.rejectedCount++;
      return Promise.reject(this.createTooLargeError(cost));
    }
    const now = this.now();
    // With an async (shared) store every call queues, even with queueing off (its deadline is then
    // now): a call that came while the head's take was out is answered by its own take, in FIFO
    // order, instead of being refused unseen, without a retry-after, by a store that had tokens.
    const outcome = this.syncStore !== undefined ? this.admitOrRefuseSync(cost, now) : undefined;
    if (outcome !== undefined) {
      if (outcome instanceof ProviderLease) return Promise.resolve(outcome);
      this.rejectedCount++;
      const refusal = outcome as LiterLLMError;
      return Promise.reject(refusal);
    }
    return new Promise<Lease>((resolve, reject) => {
      const call: QueuedCall = {
        previous: undefined,
        next: undefined,
        queued: false,
        cost,
        enqueuedAt: now,
        deadline: now + queueWaitMs,
        resolve,
        reject,
        signal,
        onAbort: undefined,
        timer: undefined,
      };
      if (queueWaitMs > 0 && Number.isFinite(queueWaitMs)) {
        call.timer = setTimeout(() => this.expire(call), queueWaitMs);
      }
      if (signal) {
        call.onAbort = () => this.abandon(call, createAbortError(signal, `a ${this.provider} slot`, this.provider));
        signal.addEventListener('abort', call.onAbort, { once: true });
      }
      this.queue.push(call);
      this.queuedTokenTotal += cost;
      this.pump();
    });
  }

  /**
   * Slows admission after what the provider said (429 or x-ratelimit-* headers): nothing goes out
   * before retry-after; a budget reported exhausted (remaining 0) pauses until its reset. With a
   * model and scope `model` (the default then), only calls for that model are held back; otherwise
   * the whole provider, and the buckets replicas share. Every pause is capped at
   * `maxRateLimitPauseMs`; when the provider asked for longer, one probe call goes after the cap.
   */
  applyFeedback(feedback: RateLimitFeedback, target: FeedbackTarget = {}, now = this.now()): void {
    const key = target.model !== undefined && target.scope !== 'provider' ? target.model : WHOLE_PROVIDER;
    const cap = this.pauses.maxPauseMs;
    const retryAfterMs = feedback.retryAfterMs;
    if (retryAfterMs !== undefined && retryAfterMs > 0) {
      this.pauses.pause(key, retryAfterMs, 'retry-after', now);
      // Tell replicas sharing the store too: the requests bucket gates every call. A shared (async)
      // store also takes a model's retry-after: other replicas cannot see this process's model
      // pauses, and every replica must stop, so the fleet pauses the provider's bucket as a whole.
      if (key === WHOLE_PROVIDER || this.syncStore === undefined) {
        const until = now + Math.min(retryAfterMs, cap);
        if (this.requestsLimit !== undefined) this.pauseKey(this.requestsKey, until, now);
        else if (this.tokensLimit !== undefined) this.pauseKey(this.tokensKey, until, now);
      }
    }
    const resetRequestsMs = feedback.resetRequestsMs;
    if (feedback.remainingRequests === 0 && resetRequestsMs !== undefined && resetRequestsMs > 0) {
      // The provider's budget restarts at its reset; the local bucket then refills gently from empty.
      if (key === WHOLE_PROVIDER && this.requestsLimit !== undefined) {
        this.pauseKey(this.requestsKey, now + Math.min(resetRequestsMs, cap), now);
      } else {
        this.pauses.pause(key, resetRequestsMs, 'requests', now);
      }
    }
    const resetTokensMs = feedback.resetTokensMs;
    if (feedback.remainingTokens === 0 && resetTokensMs !== undefined && resetTokensMs > 0) {
      if (key === WHOLE_PROVIDER && this.tokensLimit !== undefined) {
        this.pauseKey(this.tokensKey, now + Math.min(resetTokensMs, cap), now);
      } else {
        this.pauses.pause(key, resetTokensMs, 'tokens', now);
      }
    }
  }

  /** New limits (config hot reload) without losing the queue, leases or bucket levels. */
  resize(settings: ProviderLimitSettings): void {
    checkSettings(settings);
    this.semaphore.resize(settings.maxConcurrency ?? Number.POSITIVE_INFINITY);
    this.requestsLimit = toLimit(settings.rateLimitPerMinute);
    this.tokensLimit = toLimit(settings.tokensPerMinute);
    this.maxQueueWaitMs = settings.maxQueueWaitMs ?? DEFAULT_MAX_QUEUE_WAIT_MS;
    this.pauses.maxPauseMs = settings.maxRateLimitPauseMs ?? DEFAULT_MAX_RATE_LIMIT_PAUSE_MS;
    this.pump();
  }

  /**
   * With a synchronous store: the lease when the call can go now (queue empty), the error when it
   * must be refused at once, undefined when it should queue.
   */
  private admitOrRefuseSync(cost: number, now: number): Lease | LiterLLMError | undefined {
    if (this.queue.size === 0) {
      const lease = this.tryAdmitSync(cost, now);
      if (lease !== undefined) return lease;
      // blockedBy / blockedUntil now say why this call cannot go at once.
      if (this.maxQueueWaitMs <= 0 || this.blockedUntil - now > this.maxQueueWaitMs) {
        return this.createRejection(this.blockedBy, this.blockedHintMs(now, 0), 0);
      }
      return undefined;
    }
    // Behind a queue: refuse now when the buckets alone already make the wait too long.
    const estimate = this.estimateQueueWait(this.queue.size + 1, this.queuedTokenTotal + cost, now);
    if (estimate !== undefined && estimate.waitMs > this.maxQueueWaitMs)
      return this.createRejection(estimate.kind, estimate.waitMs, 0);
    return this.refuseBehindQueue(now);
  }

  /** Queueing is off and others are waiting: the call cannot jump them. */
  private refuseBehindQueue(now: number): LiterLLMError | undefined {
    if (this.maxQueueWaitMs > 0 || this.queue.size === 0) return undefined;
    return this.createRejection(this.blockedBy, this.blockedHintMs(now, this.queue.size), 0);
  }

  /** Admits queued calls from the head while every limit allows; otherwise arranges a wake-up. */
  private pump(): void {
    if (this.pumping) return;
    for (;;) {
      const head = this.queue.head;
      if (head === undefined) {
        this.clearPumpTimer();
        return;
      }
      const now = this.now();
      if (this.exceedsTokenCapacity(head.cost)) {
        // Only after a resize shrank the budget below what this call needs.
        this.settle(head);
        this.rejectedCount++;
        head.reject(this.createTooLargeError(head.cost));
        continue;
      }
      let lease: Lease | undefined;
      if (this.syncStore !== undefined) {
        lease = this.tryAdmitSync(head.cost, now);
      } else if (this.checkLocalLimits(now)) {
        this.admitAsync(head, now);
        return;
      }
      if (lease !== undefined) {
        this.settle(head);
        head.resolve(lease);
        continue;
      }
      if (this.rejectIfLate(head, now)) continue;
      this.waitForUnblock();
      return;
    }
  }

  /** The pause gate and the concurrency cap, which live in this process whatever the store. */
  private checkLocalLimits(now: number): boolean {
    const pausedUntil = this.pauses.size === 0 ? Number.NEGATIVE_INFINITY : this.pauses.blockedUntil(WHOLE_PROVIDER, now);
    if (now < pausedUntil) {
      this.block(this.pauses.kindOf(WHOLE_PROVIDER), pausedUntil);
      return false;
    }
    if (this.semaphore.inFlight >= this.semaphore.max) {
      this.block('concurrency', Number.NEGATIVE_INFINITY);
      return false;
    }
    return true;
  }

  /** Whether a call needs more tokens than the token budget can ever hold: it can only be refused. */
  private exceedsTokenCapacity(cost: number): boolean {
    return this.tokensLimit !== undefined && cost > this.tokensLimit.capacity;
  }

  /** Checks every limit and takes from all of them, or from none (setting blockedBy). */
  private tryAdmitSync(cost: number, now: number): Lease | undefined {
    const store = this.syncStore as SyncRateLimitStore;
    if (!this.checkLocalLimits(now)) return undefined;
    const requestsLimit = this.requestsLimit;
    if (requestsLimit !== undefined) {
      const result = store.takeSync(this.requestsKey, 1, requestsLimit, now);
      if (!result.ok) return this.block('requests', now + result.waitMs);
    }
    const tokensLimit = this.tokensLimit;
    if (tokensLimit !== undefined) {
      const result = store.takeSync(this.tokensKey, cost, tokensLimit, now);
      if (!result.ok) {
        if (requestsLimit !== undefined) store.adjustSync(this.requestsKey, 1, requestsLimit, now);
        return this.block('tokens', now + result.waitMs);
      }
    }
    return this.grant(cost, now);
  }

  /**
   * The same admission against a store that answers asynchronously (e.g. Redis). While the store
   * answers, `pumping` keeps everyone else out, so the head cannot be overtaken.
   */
  private admitAsync(head: QueuedCall, now: number): void {
    this.pumping = true;
    const requestsLimit = this.requestsLimit;
    const tokensLimit = this.tokensLimit;
    const cost = head.cost;
    const takeAll = async (): Promise<{ kind: LimitKind; waitMs: number } | undefined> => {
      if (requestsLimit !== undefined) {
        const result = await this.store.take(this.requestsKey, 1, requestsLimit, now);
        if (!result.ok) return { kind: 'requests', waitMs: result.waitMs };
      }
      if (tokensLimit !== undefined) {
        const result = await this.store.take(this.tokensKey, cost, tokensLimit, now);
        if (!result.ok) {
          if (requestsLimit !== undefined) await this.store.adjust(this.requestsKey, 1, requestsLimit, now);
          return { kind: 'tokens', waitMs: result.waitMs };
        }
      }
      return undefined;
    };
    takeAll().then(
      (blocked) => {
        this.pumping = false;
        const later = this.now();
        if (blocked !== undefined) {
          this.block(blocked.kind, later + blocked.waitMs);
          if (head.queued && !this.rejectIfLate(head, later)) {
            this.waitForUnblock();
            return;
          }
        } else {
          const lease = head.queued ? this.grant(cost, later) : undefined;
          if (lease !== undefined) {
            this.settle(head);
            head.resolve(lease);
          } else {
            // The call left (abort, deadline) or the cap shrank while the store answered: give the tokens back.
            if (requestsLimit !== undefined) this.adjust(this.requestsKey, 1, requestsLimit, later);
            if (tokensLimit !== undefined) this.adjust(this.tokensKey, cost, tokensLimit, later);
          }
        }
        this.pump();
      },
      (error: unknown) => {
        this.pumping = false;
        if (head.queued) {
          this.settle(head);
          head.reject(
            isLiterLLMError(error)
              ? error
              : new InternalError({
                  message: `${this.provider} rate-limit store failed: ${describe(error)}`,
                  provider: this.provider,
                  cause: error,
                }),
          );
        }
        this.pump();
      },
    );
  }

  private grant(cost: number, now: number): Lease | undefined {
    const permit = this.semaphore.tryAcquire();
    if (permit === undefined) return this.block('concurrency', Number.NEGATIVE_INFINITY);
    this.admittedCount++;
    const lease = new ProviderLease(permit, cost, now, this.onLeaseRelease, this.onLeaseSettle, this.onProbeAnswered);
    // After a capped provider-wide pause, the first call admitted is the probe.
    const pause = this.pauses.size === 0 ? undefined : this.pauses.claimProbe(WHOLE_PROVIDER, now);
    if (pause !== undefined) lease.attachProbe({ key: WHOLE_PROVIDER, pause });
    return lease;
  }

  private block(kind: LimitKind, until: number): undefined {
    this.blockedBy = kind;
    this.blockedUntil = until;
    return undefined;
  }

  /** The head is blocked: wake up when its tokens are due, or on the next release for the cap. */
  private waitForUnblock(): void {
    if (this.blockedBy !== 'concurrency' && Number.isFinite(this.blockedUntil)) this.schedulePump(this.blockedUntil);
    else this.clearPumpTimer();
  }

  /** Refuses the blocked head when it cannot be admitted before its deadline anyway. */
  private rejectIfLate(call: QueuedCall, now: number): boolean {
    const late = this.blockedBy === 'concurrency' ? now >= call.deadline : this.blockedUntil > call.deadline;
    if (!late) return false;
    this.rejectedCount++;
    this.settle(call);
    call.reject(this.createRejection(this.blockedBy, this.blockedHintMs(now, 0), now - call.enqueuedAt));
    return true;
  }

  /** Takes a call out of the queue and drops its timer and abort listener. */
  private settle(call: QueuedCall): void {
    if (call.queued) {
      this.queue.remove(call);
      this.queuedTokenTotal -= call.cost;
    }
    if (call.timer !== undefined) clearTimeout(call.timer);
    if (call.onAbort) call.signal?.removeEventListener('abort', call.onAbort);
    call.timer = undefined;
    call.onAbort = undefined;
  }

  private abandon(call: QueuedCall, error: LiterLLMError): void {
    if (!call.queued) return;
    const wasHead = this.queue.head === call;
    this.settle(call);
    call.reject(error);
    // The next call may be admissible right away (e.g. the head was waiting for more tokens).
    if (wasHead) this.pump();
  }

  private expire(call: QueuedCall): void {
    if (!call.queued) return;
    const now = this.now();
    this.rejectedCount++;
    // One deadline per limiter and FIFO order: the call timing out is (nearly always) the head,
    // so the head's blocking limit is this call's too.
    this.abandon(call, this.createRejection(this.blockedBy, this.blockedHintMs(now, 0), now - call.enqueuedAt));
  }

  /**
   * When a call held back by `blockedBy` could expect to go (undefined when unknown). For the
   * concurrency cap: the average lease hold time, once per full round of the `ahead` queued calls.
   */
  private blockedHintMs(now: number, ahead: number): number | undefined {
    if (this.blockedBy === 'concurrency') {
      if (this.holdTimeMs === undefined) return undefined;
      const max = this.semaphore.max;
      const rounds = max > 0 && Number.isFinite(max) ? Math.floor(ahead / max) + 1 : 1;
      return Math.max(1, Math.ceil(this.holdTimeMs * rounds));
    }
    const wait = Math.ceil(this.blockedUntil - now);
    return Number.isFinite(wait) ? Math.max(1, wait) : undefined;
  }

  /** Lower bound of the wait for the last of `requests` queued calls needing `tokens` in total. */
  private estimateQueueWait(requests: number, tokens: number, now: number): { kind: LimitKind; waitMs: number } | undefined {
    const store = this.syncStore as SyncRateLimitStore;
    let kind: LimitKind | undefined;
    let waitMs = 0;
    const pausedUntil = this.pauses.size === 0 ? Number.NEGATIVE_INFINITY : this.pauses.blockedUntil(WHOLE_PROVIDER, now);
    if (pausedUntil > now) {
      kind = this.pauses.kindOf(WHOLE_PROVIDER);
      waitMs = pausedUntil - now;
    }
    if (this.requestsLimit !== undefined) {
      const wait = store.estimateWaitMsSync(this.requestsKey, requests, this.requestsLimit, now);
      if (wait > waitMs) {
        kind = 'requests';
        waitMs = wait;
      }
    }
    if (this.tokensLimit !== undefined) {
      const wait = store.estimateWaitMsSync(this.tokensKey, tokens, this.tokensLimit, now);
      if (wait > waitMs) {
        kind = 'tokens';
        waitMs = wait;
      }
    }
    return kind === undefined ? undefined : { kind, waitMs: Math.ceil(waitMs) };
  }

  private pauseKey(key: string, until: number, now: number): void {
    if (this.syncStore !== undefined) this.syncStore.pauseSync(key, until, now);
    else this.store.pause(key, until, now).catch(ignoreStoreError);
  }

  private adjust(key: string, delta: number, limit: RateLimit, now: number): void {
    if (this.syncStore !== undefined) this.syncStore.adjustSync(key, delta, limit, now);
    else this.store.adjust(key, delta, limit, now).catch(ignoreStoreError);
  }

  private schedulePump(dueAt: number): void {
    if (this.pumpTimer !== undefined) {
      if (this.pumpDueAt === dueAt) return;
      clearTimeout(this.pumpTimer);
    }
    this.pumpDueAt = dueAt;
    this.pumpTimer = setTimeout(
      () => {
        this.pumpTimer = undefined;
        this.pump();
      },
      Math.max(0, dueAt - this.now()),
    );
  }

  private clearPumpTimer(): void {
    if (this.pumpTimer === undefined) return;
    clearTimeout(this.pumpTimer);
    this.pumpTimer = undefined;
  }

  private createRejection(kind: LimitKind, retryAfterMs: number | undefined, waitedMs: number): LiterLLMError {
    let reason: string;
    switch (kind) {
      case 'requests':
        reason = `rate limit reached: requests per minute (${this.requestsLimit?.capacity ?? 'provider limit'})`;
        break;
      case 'tokens':
        reason = `rate limit reached: tokens per minute (${this.tokensLimit?.capacity ?? 'provider limit'})`;
        break;
      case 'concurrency':
        reason = `concurrency limit reached: ${this.semaphore.max} calls in flight`;
        break;
      case 'retry-after':
        reason = 'rate limited upstream: the provider asked to retry later';
        break;
    }
    const wait =
      waitedMs > 0
        ? `waited ${waitedMs} ms in the queue`
        : this.maxQueueWaitMs > 0
          ? `the wait would exceed the max queue wait of ${this.maxQueueWaitMs} ms`
          : 'queueing is off (max queue wait 0)';
    const retry = retryAfterMs === undefined ? '' : `; retry in ${retryAfterMs} ms`;
    return new RateLimitedError({
      message: `${this.provider} ${reason}; ${wait}${retry}`,
      provider: this.provider,
      origin: 'engine',
      ...(retryAfterMs !== undefined && { retryAfterMs }),
    });
  }

  /** A call for a model the provider paused (or whose probe is out) and that cannot wait for it. */
  private createPauseRejection(model: string, waitMs: number, waitedMs: number, now: number): LiterLLMError {
    const reason = this.pauses.isProbing(model, now)
      ? 'one probe call is finding out whether the provider still limits it'
      : this.pauses.kindOf(model) === 'retry-after'
        ? 'the provider asked to retry later'
        : `the provider reported its ${this.pauses.kindOf(model)} budget for it spent`;
    const wait =
      waitedMs > 0
        ? `waited ${waitedMs} ms`
        : this.maxQueueWaitMs > 0
          ? `the wait would exceed the max queue wait of ${this.maxQueueWaitMs} ms`
          : 'queueing is off (max queue wait 0)';
    return new RateLimitedError({
      message: `${this.provider} rate limited upstream for model ${model}: ${reason}; ${wait}; retry in ${waitMs} ms`,
      provider: this.provider,
      origin: 'engine',
      retryAfterMs: waitMs,
    });
  }

  private createTooLargeError(cost: number): LiterLLMError {
    return new RateLimitedError({
      message: `${this.provider}: this call needs about ${cost} tokens, more than the tokens per minute limit (${this.tokensLimit?.capacity}) allows at once`,
      provider: this.provider,
      origin: 'engine',
      retryable: false,
    });
  }
}

/** The probe a lease carries: the pause it is to answer, under its key. */
interface ClaimedProbe {
  key: string;
  pause: Pause;
}

class ProviderLease implements Lease {
  private released = false;
  private charged: number;
  /** The pauses this call is the probe of: the whole provider's, its model's, or both. */
  private probes: ClaimedProbe[] | undefined;

  constructor(
    private readonly permit: Permit,
    readonly estimatedTokens: number,
    private readonly acquiredAt: number,
    private readonly onRelease: (permit: Permit, acquiredAt: number, probes: ClaimedProbe[] | undefined) => void,
    private readonly onSettle: (delta: number) => void,
    private readonly onAnswered: (probes: ClaimedProbe[]) => void,
  ) {
    this.charged = estimatedTokens;
  }

  attachProbe(probe: ClaimedProbe): void {
    if (this.probes === undefined) this.probes = [probe];
    else this.probes.push(probe);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    const probes = this.probes;
    this.probes = undefined;
    this.onRelease(this.permit, this.acquiredAt, probes);
  }

  answered(): void {
    const probes = this.probes;
    if (probes === undefined) return;
    this.probes = undefined;
    this.onAnswered(probes);
  }

  settleTokens(actualTokens: number): void {
    if (!(actualTokens >= 0) || !Number.isFinite(actualTokens)) return;
    const refund = this.charged - actualTokens;
    this.charged = actualTokens;
    if (refund !== 0) this.onSettle(refund);
  }
}

/** A call's estimated token cost: none when the caller gave no estimate. */
function tokenCost(estimatedTokens: number | undefined): number {
  return estimatedTokens !== undefined && estimatedTokens > 0 ? estimatedTokens : 0;
}

function toLimit(perMinute: number | undefined): RateLimit | undefined {
  return perMinute === undefined ? undefined : { capacity: perMinute, refillPerMs: perMinute / 60_000 };
}

/**
 * Resolves after `ms`, or earlier when woken through `sleepers` (a probe was answered); rejects with
 * `abortError()` when the signal aborts first.
 */
function sleep(
  ms: number,
  signal: AbortSignal | undefined,
  abortError: () => LiterLLMError,
  sleepers: Set<() => void>,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = () => {
      clearTimeout(timer);
      sleepers.delete(wake);
      signal?.removeEventListener('abort', onAbort);
    };
    const wake = () => {
      settle();
      resolve();
    };
    const onAbort = () => {
      settle();
      reject(abortError());
    };
    const timer = setTimeout(wake, ms);
    sleepers.add(wake);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function checkSettings(settings: ProviderLimitSettings): void {
  const { maxConcurrency, rateLimitPerMinute, tokensPerMinute, maxQueueWaitMs, maxRateLimitPauseMs } = settings;
  if (maxRateLimitPauseMs !== undefined && !(maxRateLimitPauseMs > 0 && Number.isFinite(maxRateLimitPauseMs))) {
    throw new RangeError(`max rate limit pause must be a number of milliseconds > 0, got ${maxRateLimitPauseMs}`);
  }
  if (
    maxConcurrency !== undefined &&
    !(maxConcurrency >= 1 && (Number.isInteger(maxConcurrency) || maxConcurrency === Number.POSITIVE_INFINITY))
  ) {
    throw new RangeError(`max concurrency must be a whole number >= 1, got ${maxConcurrency}`);
  }
  if (rateLimitPerMinute !== undefined && !(rateLimitPerMinute > 0 && Number.isFinite(rateLimitPerMinute))) {
    throw new RangeError(`rate limit per minute must be a number > 0, got ${rateLimitPerMinute}`);
  }
  if (tokensPerMinute !== undefined && !(tokensPerMinute > 0 && Number.isFinite(tokensPerMinute))) {
    throw new RangeError(`tokens per minute must be a number > 0, got ${tokensPerMinute}`);
  }
  if (maxQueueWaitMs !== undefined && !(maxQueueWaitMs >= 0)) {
    throw new RangeError(`max queue wait must be a number of milliseconds >= 0, got ${maxQueueWaitMs}`);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A failed refund or pause only makes the shared budget slightly off; the call itself is unaffected. */
function ignoreStoreError(): void {}
