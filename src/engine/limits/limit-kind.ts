/**
 * Which limit held a call back: the request or token budget, the per-replica or the fleet-wide
 * concurrency cap, a pause the provider asked for, or a shared store that did not answer.
 */
export type LimitKind = 'requests' | 'tokens' | 'concurrency' | 'global-concurrency' | 'retry-after' | 'store';
