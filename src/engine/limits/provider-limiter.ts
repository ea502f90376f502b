import { InternalError, isLiterLLMError, type LiterLLMError } from '../../spec/errors.js';
import type { RateLimitScope } from '../../spec/provider.js';
import { createAbortError } from './abort-error.js';
import { type AdmissionPolicies, type AttemptOutcome, giveBack } from './admission-attempt.js';
import { AdmissionQueue, type QueuedCall } from './admission-queue.js';
import { applyFeedbackPauses } from './apply-feedback-pauses.js';
import { AttemptPipeline } from './attempt-pipeline.js';
import type { ConcurrencyLeaseStore } from './concurrency-lease-store.js';
import { ConcurrencyCap } from './concurrency-cap.js';
import { createMemoryRateLimitStore } from './create-memory-rate-limit-store.js';
import { DEFAULT_LEASE_MS, FleetConcurrencyPolicy } from './fleet-concurrency-policy.js';
import type { LimitKind } from './limit-kind.js';
import { LimitRejections, type RejectionContext } from './limit-rejections.js';
import type { RateLimitFeedback } from './parse-rate-limit-headers.js';
import { type ClaimedProbe, PauseGate, WHOLE_PROVIDER } from './pause-gate.js';
import { type Lease, type LeaseOwner, ProviderLease } from './provider-lease.js';
import { checkProviderLimitSettings, type ProviderLimitSettings } from './provider-limit-settings.js';
import type { RateLimitStore } from './rate-limit-store.js';
import { RateLimitStoreError } from './rate-limit-store-error.js';
import { StoreBucket } from './store-bucket.js';

export type { Lease } from './provider-lease.js';
export type { LimitKind } from './limit-kind.js';
export type { ProviderLimitSettings } from './provider-limit-settings.js';

/** Used when a provider's config does not set `max_queue_wait_ms`. */
export const DEFAULT_MAX_QUEUE_WAIT_MS = 30_000;

/** Used when a provider's config does not set `max_rate_limit_pause_ms`. */
export const DEFAULT_MAX_RATE_LIMIT_PAUSE_MS = 60_000;

/**
 * Most store answers out at once for queued calls. Enough to keep a remote store's round trip off
 * the admission rate (32 in flight over a 2 ms store: ~16 admissions per ms); bounded because when
 * the budget runs dry, every answer behind the refused head is given back.
 */
const MAX_ATTEMPTS_OUT = 32;

/** Back-off after a failed store answer: doubling from the first to the last, with jitter. */
const STORE_RETRY_FIRST_MS = 10;
const STORE_RETRY_MAX_MS = 500;

/** Weight of the newest lease duration in the hold-time average (for concurrency retry hints). */
const HOLD_TIME_SMOOTHING = 0.2;

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
  /** Where the fleet-wide concurrency leases live (`maxConcurrencyGlobal`); absent: this replica is the fleet. */
  leaseStore?: ConcurrencyLeaseStore;
  /** How long a fleet-wide lease lives unless renewed (renewed every leaseMs / 3). Default 10 s. */
  leaseMs?: number;
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

/**
 * Admission control for one provider: one FIFO queue (`AdmissionQueue`: deadlines, aborts) and small
 * policies it admits through, each with one job: the pause gate (what the provider asked for), the
 * per-replica concurrency cap, the request and token buckets (in a RateLimitStore), and the
 * fleet-wide concurrency leases (in a ConcurrencyLeaseStore). A call that cannot be admitted within
 * `maxQueueWaitMs` fails with RateLimitedError naming the provider and the limit, with
 * `retryAfterMs` when it can be known.
 *
 * Two ways through the same queue. With a synchronous store (the in-memory one) and no fleet cap,
 * every policy answers at once: the uncontended path is synchronous and allocates only the Lease.
 * With a network store, the head calls' store round trips are started in queue order and several
 * are out at once (a connection runs them in order), and calls are admitted in queue order as the
 * answers come: FIFO holds, and the admission rate is not one call per round trip.
 */
export class ProviderLimiter implements LeaseOwner {
  readonly provider: string;
  private readonly now: () => number;
  private readonly queue: AdmissionQueue;
  private readonly pauses: PauseGate;
  private readonly cap: ConcurrencyCap;
  private readonly requests: StoreBucket;
  private readonly tokens: StoreBucket;
  private readonly fleet: FleetConcurrencyPolicy | undefined;
  private readonly policies: AdmissionPolicies;
  private readonly rejections: LimitRejections;
  private maxQueueWaitMs: number;

  /** Why the head of the queue is waiting, and (for buckets) when it is next worth trying. */
  private blockedBy: LimitKind = 'concurrency';
  private blockedUntil = Number.NEGATIVE_INFINITY;
  private pumpTimer: ReturnType<typeof setTimeout> | undefined;
  private pumpDueAt = Number.NEGATIVE_INFINITY;

  /** With an async store: the store answers out for the calls at the front of the queue. */
  private readonly pipeline: AttemptPipeline;
  /** Store failures in a row (for the back-off). */
  private storeFailures = 0;

  private rejectedCount = 0;
  private admittedCount = 0;
  private holdTimeMs: number | undefined;

  constructor(options: ProviderLimiterOptions) {
    checkProviderLimitSettings(options);
    const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    if (!(leaseMs >= 30 && Number.isFinite(leaseMs))) {
      throw new RangeError(`lease time must be a number of milliseconds >= 30, got ${leaseMs}`);
    }
    this.provider = options.provider;
    this.now = options.now ?? Date.now;
    const store = options.store ?? createMemoryRateLimitStore();
    const prefix = options.keyPrefix ?? options.provider;
    this.requests = new StoreBucket(store, `${prefix}:requests`, options.rateLimitPerMinute);
    this.tokens = new StoreBucket(store, `${prefix}:tokens`, options.tokensPerMinute);
    this.fleet =
      options.leaseStore === undefined
        ? undefined
        : new FleetConcurrencyPolicy(options.leaseStore, prefix, leaseMs, options.maxConcurrencyGlobal);
    this.cap = new ConcurrencyCap(this.localCapOf(options));
    this.pauses = new PauseGate(options.maxRateLimitPauseMs ?? DEFAULT_MAX_RATE_LIMIT_PAUSE_MS);
    this.maxQueueWaitMs = options.maxQueueWaitMs ?? DEFAULT_MAX_QUEUE_WAIT_MS;
    this.policies = { requests: this.requests, tokens: this.tokens, fleet: this.fleet, now: this.now };
    this.pipeline = new AttemptPipeline(this.cap, this.policies, () => this.pump());
    this.rejections = new LimitRejections(this.provider, this.rejectionContextOf(options, undefined));
    this.queue = new AdmissionQueue({
      onDeadline: (call) => this.expire(call),
      onAbort: (call, signal) => this.abandon(call, createAbortError(signal, `a ${this.provider} slot`, this.provider)),
    });
  }

  /** Calls holding a lease. */
  get inFlight(): number {
    return this.cap.inUse - this.pipeline.reservedSlots;
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
    if (!this.admitsSynchronously() || this.queue.size !== 0) return undefined;
    const cost = tokenCost(estimatedTokens);
    if (this.tokens.exceedsCapacity(cost)) return undefined;
    const now = this.now();
    if (!this.pauses.holdsModel(model)) return this.tryAdmitSync(cost, now);
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
    if (!this.pauses.holdsModel(model)) return this.enqueue(options, this.maxQueueWaitMs);
    return this.acquireAfterModelPause(model, options, 0);
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
    applyFeedbackPauses(feedback, key, now, this.pauses, this.requests, this.tokens, !this.requests.isSync);
  }

  /** New limits (config hot reload) without losing the queue, leases or bucket levels. */
  resize(settings: ProviderLimitSettings): void {
    checkProviderLimitSettings(settings);
    this.cap.resize(this.localCapOf(settings));
    this.requests.setPerMinute(settings.rateLimitPerMinute);
    this.tokens.setPerMinute(settings.tokensPerMinute);
    if (this.fleet !== undefined) this.fleet.limit = settings.maxConcurrencyGlobal;
    this.maxQueueWaitMs = settings.maxQueueWaitMs ?? DEFAULT_MAX_QUEUE_WAIT_MS;
    this.pauses.maxPauseMs = settings.maxRateLimitPauseMs ?? DEFAULT_MAX_RATE_LIMIT_PAUSE_MS;
    Object.assign(this.rejections.context, this.rejectionContextOf(settings, this.rejections.context.storeError));
    this.blockedUntil = Number.NEGATIVE_INFINITY;
    this.pump();
  }

  onLeaseRelease(acquiredAt: number, probes: ClaimedProbe[] | undefined, fleetLeaseId: string | undefined): void {
    if (probes !== undefined) this.pauses.endProbes(probes);
    this.cap.give();
    if (fleetLeaseId !== undefined) this.fleet?.release(fleetLeaseId);
    const held = this.now() - acquiredAt;
    this.holdTimeMs = this.holdTimeMs === undefined ? held : this.holdTimeMs + HOLD_TIME_SMOOTHING * (held - this.holdTimeMs);
    // A fleet slot is free again: no need to wait out the store's retry time.
    if (this.blockedBy === 'global-concurrency') this.blockedUntil = Number.NEGATIVE_INFINITY;
    this.pump();
  }

  onLeaseSettle(delta: number): void {
    this.tokens.adjust(delta, this.now());
    if (delta <= 0) return;
    if (this.blockedBy === 'tokens') this.blockedUntil = Number.NEGATIVE_INFINITY;
    this.pump();
  }

  /** Probe answered: the calls that waited for it may go. */
  onProbeAnswered(probes: ClaimedProbe[]): void {
    this.pauses.endProbes(probes);
    this.pump();
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
        const probing = this.pauses.isProbing(model, now);
        return Promise.reject(this.rejections.modelPause(model, this.pauses.kindOf(model), probing, waitMs, waitedMs));
      }
      const sleptFrom = now;
      const abortError = () => createAbortError(signal!, `a ${this.provider} slot`, this.provider);
      return this.pauses
        .sleep(waitMs, signal, abortError)
        .then(() => this.acquireAfterModelPause(model, options, waitedMs + Math.max(0, this.now() - sleptFrom)));
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
    if (this.tokens.exceedsCapacity(cost)) {
      this.rejectedCount++;
      return Promise.reject(this.rejections.tooLarge(cost));
    }
    const now = this.now();
    // With an async (shared) store every call queues, even with queueing off (its deadline is then
    // now): a call that comes while others' takes are out gets its own take, in FIFO order, instead
    // of being refused unseen, without a retry-after, by a store that had tokens (feat/redis-store).
    const outcome = this.admitsSynchronously() ? this.admitOrRefuseSync(cost, now) : undefined;
    if (outcome !== undefined) {
      if (outcome instanceof ProviderLease) return Promise.resolve(outcome);
      this.rejectedCount++;
      const refusal = outcome as LiterLLMError;
      return Promise.reject(refusal);
    }
    return new Promise<Lease>((resolve, reject) => {
      this.queue.push(cost, now, queueWaitMs, signal, resolve, reject);
      this.pump();
    });
  }

  /**
   * Whether every policy answers synchronously: a sync store, no fleet cap, and no store answer
   * still to be used (after a resize switched the fleet cap off).
   */
  private admitsSynchronously(): boolean {
    return this.requests.isSync && this.fleet?.limit === undefined && this.pipeline.size === 0;
  }

  /** The lease when the call can go now (queue empty), the error when it must be refused at once, undefined when it should queue. */
  private admitOrRefuseSync(cost: number, now: number): Lease | LiterLLMError | undefined {
    if (this.queue.size === 0) {
      const lease = this.tryAdmitSync(cost, now);
      if (lease !== undefined) return lease;
      // blockedBy / blockedUntil now say why this call cannot go at once.
      if (this.maxQueueWaitMs <= 0 || this.blockedUntil - now > this.maxQueueWaitMs) {
        return this.rejections.queue(this.blockedBy, this.blockedHintMs(now, 0), 0);
      }
      return undefined;
    }
    // Behind a queue: refuse now when the buckets alone already make the wait too long.
    const estimate = this.estimateQueueWait(this.queue.size + 1, this.queue.queuedTokens + cost, now);
    if (estimate !== undefined && estimate.waitMs > this.maxQueueWaitMs)
      return this.rejections.queue(estimate.kind, estimate.waitMs, 0);
    return this.refuseBehindQueue(now);
  }

  /** Queueing is off and others are waiting: the call cannot jump them. */
  private refuseBehindQueue(now: number): LiterLLMError | undefined {
    if (this.maxQueueWaitMs > 0 || this.queue.size === 0) return undefined;
    return this.rejections.queue(this.blockedBy, this.blockedHintMs(now, this.queue.size), 0);
  }

  private pump(): void {
    if (this.admitsSynchronously()) this.pumpSync();
    else this.pumpAsync();
  }

  /** Admits queued calls from the head while every limit allows; otherwise arranges a wake-up. */
  private pumpSync(): void {
    for (;;) {
      const head = this.queue.head;
      if (head === undefined) {
        this.clearPumpTimer();
        return;
      }
      if (this.refuseIfTooLarge(head)) continue;
      const now = this.now();
      const lease = this.tryAdmitSync(head.cost, now);
      if (lease !== undefined) {
        this.queue.remove(head);
        head.resolve(lease);
        continue;
      }
      if (this.rejectIfLate(head, now)) continue;
      this.waitForUnblock();
      return;
    }
  }

  /**
   * The same against stores that answer later: admits from the head as its answers come (in queue
   * order, whatever order they come in), and keeps up to MAX_ATTEMPTS_OUT answers out for the calls
   * at the front. A "no" for the head gives back what the calls behind it were granted (they must
   * not overtake it) and waits until the store said the budget is due, or a back-off after a failure.
   */
  private pumpAsync(): void {
    for (;;) {
      const head = this.queue.head;
      if (head === undefined) {
        this.clearPumpTimer();
        return;
      }
      if (this.refuseIfTooLarge(head)) continue;
      const now = this.now();
      const attempt = head.attempt;
      const outcome = attempt?.outcome;
      if (outcome !== undefined) {
        if (this.useAnswer(head, outcome, now)) continue;
        if (this.rejectIfLate(head, now)) continue;
        this.waitForUnblock();
        return;
      }
      if (attempt === undefined && now < this.blockedUntil) {
        // The stores said when the budget is due (or to back off): no point asking before.
        if (this.rejectIfLate(head, now)) continue;
        this.waitForUnblock();
        return;
      }
      this.startAttempts(head, now);
      if (head.attempt !== undefined) {
        // What the head waits for now (named if its deadline passes first): the store's answer.
        this.block('store', Number.NEGATIVE_INFINITY);
        return;
      }
      if (this.rejectIfLate(head, now)) continue;
      this.waitForUnblock();
      return;
    }
  }

  /**
   * Acts on the answer for the head: true when the head left the queue (admitted, or failed for
   * good); false when it waits, with blockedBy / blockedUntil saying until when.
   */
  private useAnswer(head: QueuedCall, outcome: AttemptOutcome, now: number): boolean {
    const pausedUntil = this.pauses.providerBlockedUntil(now);
    if (outcome.type === 'granted' && pausedUntil <= now) {
      // The slot the attempt held is the lease's now.
      this.pipeline.use(head, true);
      this.storeFailures = 0;
      this.rejections.context.storeError = undefined;
      this.queue.remove(head);
      head.resolve(this.createLease(head.cost, now, outcome.fleetLeaseId));
      return true;
    }
    this.pipeline.use(head, false);
    // FIFO: nobody behind the head goes before it, and what they were granted is the head's to take.
    this.pipeline.discardFrom(head.next, now);
    if (outcome.type === 'granted') {
      // The provider asked to wait while the answer was out.
      giveBack(this.policies, outcome, now);
      this.block(this.pauses.providerKind(), pausedUntil);
    } else if (outcome.type === 'refused') {
      this.storeFailures = 0;
      this.rejections.context.storeError = undefined;
      this.block(outcome.kind, now + outcome.waitMs);
    } else if (outcome.error instanceof RateLimitStoreError) {
      // Not admitted yet: the store may answer on the next try.
      this.rejections.context.storeError = outcome.error.message;
      this.block('store', now + this.nextStoreRetryMs());
    } else {
      this.queue.remove(head);
      head.reject(
        isLiterLLMError(outcome.error)
          ? outcome.error
          : new InternalError({
              message: `${this.provider} rate-limit store failed: ${describe(outcome.error)}`,
              provider: this.provider,
              cause: outcome.error,
            }),
      );
      return true;
    }
    return false;
  }

  /** Starts store round trips, in queue order from the head, while the local limits have room. */
  private startAttempts(head: QueuedCall, now: number): void {
    // After a store failure only the head asks, until the store answers again.
    const most = this.storeFailures === 0 ? MAX_ATTEMPTS_OUT : 1;
    for (let call: QueuedCall | undefined = head; call !== undefined; call = call.next) {
      if (this.pipeline.size >= most) return;
      if (call.attempt !== undefined) continue;
      if (this.tokens.exceedsCapacity(call.cost) || !this.checkLocalLimits(now)) return;
      this.pipeline.start(call, now);
    }
  }

  private nextStoreRetryMs(): number {
    const ceiling = Math.min(STORE_RETRY_MAX_MS, STORE_RETRY_FIRST_MS * 2 ** this.storeFailures);
    this.storeFailures++;
    return Math.max(1, Math.round(ceiling * (0.5 + Math.random() / 2)));
  }

  /** Only after a resize shrank the token budget below what the head needs. */
  private refuseIfTooLarge(head: QueuedCall): boolean {
    if (!this.tokens.exceedsCapacity(head.cost)) return false;
    this.pipeline.discard(head, this.now());
    this.queue.remove(head);
    this.rejectedCount++;
    head.reject(this.rejections.tooLarge(head.cost));
    return true;
  }

  /** The pause gate and the concurrency cap, which live in this process whatever the store. */
  private checkLocalLimits(now: number): boolean {
    const pausedUntil = this.pauses.providerBlockedUntil(now);
    if (now < pausedUntil) {
      this.block(this.pauses.providerKind(), pausedUntil);
      return false;
    }
    if (!this.cap.hasRoom()) {
      this.block('concurrency', Number.NEGATIVE_INFINITY);
      return false;
    }
    return true;
  }

  /** Checks every limit and takes from all of them, or from none (setting blockedBy). */
  private tryAdmitSync(cost: number, now: number): Lease | undefined {
    if (!this.checkLocalLimits(now)) return undefined;
    const requests = this.requests;
    if (requests.limit !== undefined) {
      const result = requests.takeSync(1, now);
      if (!result.ok) return this.block('requests', now + result.waitMs);
    }
    if (this.tokens.limit !== undefined) {
      const result = this.tokens.takeSync(cost, now);
      if (!result.ok) {
        requests.adjust(1, now);
        return this.block('tokens', now + result.waitMs);
      }
    }
    this.cap.take();
    return this.createLease(cost, now, undefined);
  }

  /** The admitted call's lease; its local slot is already taken. */
  private createLease(cost: number, now: number, fleetLeaseId: string | undefined): ProviderLease {
    this.admittedCount++;
    const lease = new ProviderLease(this, cost, now, fleetLeaseId);
    if (fleetLeaseId !== undefined) this.fleet?.hold(fleetLeaseId);
    // After a capped provider-wide pause, the first call admitted is the probe.
    const probe = this.pauses.claimProviderProbe(now);
    if (probe !== undefined) lease.attachProbe(probe);
    return lease;
  }

  private block(kind: LimitKind, until: number): undefined {
    this.blockedBy = kind;
    this.blockedUntil = until;
    return undefined;
  }

  /** The head is blocked: wake up when its budget is due, or on the next release for the cap. */
  private waitForUnblock(): void {
    if (this.blockedBy !== 'concurrency' && Number.isFinite(this.blockedUntil)) this.schedulePump(this.blockedUntil);
    else this.clearPumpTimer();
  }

  /**
   * Refuses the blocked head when it cannot be admitted before its deadline anyway: a budget says
   * when it is due; a full cap or a store that failed may free any moment, so only the deadline counts.
   */
  private rejectIfLate(call: QueuedCall, now: number): boolean {
    const known = this.blockedBy !== 'concurrency' && this.blockedBy !== 'global-concurrency' && this.blockedBy !== 'store';
    const late = known ? this.blockedUntil > call.deadline : now >= call.deadline;
    if (!late) return false;
    this.rejectedCount++;
    this.pipeline.discard(call, now);
    this.queue.remove(call);
    call.reject(this.rejections.queue(this.blockedBy, this.blockedHintMs(now, 0), now - call.enqueuedAt));
    // The next call may need fewer tokens than this one did.
    if (this.blockedBy === 'tokens') this.blockedUntil = Number.NEGATIVE_INFINITY;
    return true;
  }

  private abandon(call: QueuedCall, error: LiterLLMError): void {
    if (!call.queued) return;
    const wasHead = this.queue.head === call;
    this.pipeline.discard(call, this.now());
    this.queue.remove(call);
    call.reject(error);
    // The next call may be admissible right away (e.g. the head was waiting for more tokens).
    if (wasHead) {
      if (this.blockedBy === 'tokens') this.blockedUntil = Number.NEGATIVE_INFINITY;
      this.pump();
    }
  }

  private expire(call: QueuedCall): void {
    if (!call.queued) return;
    const now = this.now();
    this.rejectedCount++;
    // One deadline per limiter and FIFO order: the call timing out is (nearly always) the head,
    // so the head's blocking limit is this call's too.
    this.abandon(call, this.rejections.queue(this.blockedBy, this.blockedHintMs(now, 0), now - call.enqueuedAt));
  }

  /**
   * When a call held back by `blockedBy` could expect to go (undefined when unknown). For the
   * concurrency cap: the average lease hold time, once per full round of the `ahead` queued calls.
   */
  private blockedHintMs(now: number, ahead: number): number | undefined {
    if (this.blockedBy === 'concurrency') {
      if (this.holdTimeMs === undefined) return undefined;
      const max = this.cap.max;
      const rounds = max > 0 && Number.isFinite(max) ? Math.floor(ahead / max) + 1 : 1;
      return Math.max(1, Math.ceil(this.holdTimeMs * rounds));
    }
    const wait = Math.ceil(this.blockedUntil - now);
    return Number.isFinite(wait) ? Math.max(1, wait) : undefined;
  }

  /** Lower bound of the wait for the last of `requests` queued calls needing `tokens` in total (sync store only). */
  private estimateQueueWait(requests: number, tokens: number, now: number): { kind: LimitKind; waitMs: number } | undefined {
    let kind: LimitKind | undefined;
    let waitMs = 0;
    const pausedUntil = this.pauses.providerBlockedUntil(now);
    if (pausedUntil > now) {
      kind = this.pauses.providerKind();
      waitMs = pausedUntil - now;
    }
    if (this.requests.limit !== undefined) {
      const wait = this.requests.estimateWaitMsSync(requests, now);
      if (wait > waitMs) {
        kind = 'requests';
        waitMs = wait;
      }
    }
    if (this.tokens.limit !== undefined) {
      const wait = this.tokens.estimateWaitMsSync(tokens, now);
      if (wait > waitMs) {
        kind = 'tokens';
        waitMs = wait;
      }
    }
    return kind === undefined ? undefined : { kind, waitMs: Math.ceil(waitMs) };
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

  /** The per-replica cap; `maxConcurrencyGlobal` joins it when there is no lease store to share it. */
  private localCapOf(settings: ProviderLimitSettings): number {
    const local = settings.maxConcurrency ?? Number.POSITIVE_INFINITY;
    const global =
      this.fleet === undefined ? (settings.maxConcurrencyGlobal ?? Number.POSITIVE_INFINITY) : Number.POSITIVE_INFINITY;
    return Math.min(local, global);
  }

  private rejectionContextOf(settings: ProviderLimitSettings, storeError: string | undefined): RejectionContext {
    return {
      maxQueueWaitMs: settings.maxQueueWaitMs ?? DEFAULT_MAX_QUEUE_WAIT_MS,
      requestsCapacity: settings.rateLimitPerMinute,
      tokensCapacity: settings.tokensPerMinute,
      maxConcurrency: this.localCapOf(settings),
      maxConcurrencyGlobal: settings.maxConcurrencyGlobal,
      storeError,
    };
  }
}

/** A call's estimated token cost: none when the caller gave no estimate. */
function tokenCost(estimatedTokens: number | undefined): number {
  return estimatedTokens !== undefined && estimatedTokens > 0 ? estimatedTokens : 0;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
