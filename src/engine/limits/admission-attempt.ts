import type { LeaseAttempt } from './concurrency-lease-store.js';
import type { FleetConcurrencyPolicy } from './fleet-concurrency-policy.js';
import type { LimitKind } from './limit-kind.js';
import type { StoreBucket } from './store-bucket.js';
import type { TakeResult } from './token-bucket.js';

/** What the shared stores answered for one queued call. */
export type AttemptOutcome =
  /** Everything asked for was granted; what was taken is recorded, to give back exactly. */
  | { type: 'granted'; tookRequest: boolean; tookTokens: number; fleetLeaseId: string | undefined }
  /** A limit said no, and when it is worth asking again. Nothing is held. */
  | { type: 'refused'; kind: LimitKind; waitMs: number }
  /** A store did not answer (a rejected promise). Nothing is held. */
  | { type: 'failed'; error: unknown };

/** One queued call's round trip to the stores, as the limiter tracks it. */
export interface AdmissionAttempt {
  /** Undefined while the answer is out. */
  outcome: AttemptOutcome | undefined;
  /** The call left, or the queue moved on, while the answer was out: give back whatever it grants. */
  discarded: boolean;
  /** Holds a local concurrency slot: given back if not granted, the lease's once admitted. */
  holdsSlot: boolean;
}

/** The budgets an attempt asks; each is off when its limit is. */
export interface AdmissionPolicies {
  requests: StoreBucket;
  tokens: StoreBucket;
  /** Undefined without a lease store; asked only while its limit is on. */
  fleet: FleetConcurrencyPolicy | undefined;
  /** The limiter's clock (refunds are dated when the answer came). */
  now: () => number;
}

/**
 * Asks every shared budget for one call at once (one round trip, not one per budget: a Redis
 * connection pipelines them), and gives back what some granted when another said no. Never rejects.
 */
export async function requestAdmission(policies: AdmissionPolicies, cost: number, now: number): Promise<AttemptOutcome> {
  const { requests, tokens, fleet } = policies;
  const [request, token, lease] = await Promise.allSettled([
    requests.limit === undefined ? undefined : requests.take(1, now),
    tokens.limit === undefined ? undefined : tokens.take(cost, now),
    fleet?.limit === undefined ? undefined : fleet.tryAcquire(),
  ]);
  const tookRequest = isGranted(request);
  const tookTokens = isGranted(token) ? cost : 0;
  const fleetLeaseId = lease.status === 'fulfilled' && lease.value?.ok === true ? lease.value.leaseId : undefined;
  const granted: AttemptOutcome = { type: 'granted', tookRequest, tookTokens, fleetLeaseId };
  const failure = [request, token, lease].find((result) => result.status === 'rejected');
  const refusal = failure === undefined ? refusalOf(request, token, lease) : undefined;
  if (failure === undefined && refusal === undefined) return granted;
  giveBack(policies, granted, policies.now());
  return failure !== undefined ? { type: 'failed', error: failure.reason } : (refusal as AttemptOutcome);
}

/** Returns what a granted attempt took, when its call did not go after all. */
export function giveBack(policies: AdmissionPolicies, outcome: AttemptOutcome, now: number): void {
  if (outcome.type !== 'granted') return;
  if (outcome.tookRequest) policies.requests.adjust(1, now);
  if (outcome.tookTokens > 0) policies.tokens.adjust(outcome.tookTokens, now);
  if (outcome.fleetLeaseId !== undefined) policies.fleet?.release(outcome.fleetLeaseId);
}

type Answer<T> = PromiseSettledResult<T | undefined>;

function isGranted(result: Answer<TakeResult>): boolean {
  return result.status === 'fulfilled' && result.value?.ok === true;
}

/** The refusal that lasts longest (the call cannot go before it), or undefined when all granted. */
function refusalOf(
  request: Answer<TakeResult>,
  token: Answer<TakeResult>,
  lease: Answer<LeaseAttempt>,
): AttemptOutcome | undefined {
  let refusal: { type: 'refused'; kind: LimitKind; waitMs: number } | undefined;
  const consider = (kind: LimitKind, waitMs: number) => {
    if (refusal === undefined || waitMs > refusal.waitMs) refusal = { type: 'refused', kind, waitMs };
  };
  if (request.status === 'fulfilled' && request.value?.ok === false) consider('requests', request.value.waitMs);
  if (token.status === 'fulfilled' && token.value?.ok === false) consider('tokens', token.value.waitMs);
  if (lease.status === 'fulfilled' && lease.value?.ok === false) consider('global-concurrency', lease.value.retryInMs);
  return refusal;
}
