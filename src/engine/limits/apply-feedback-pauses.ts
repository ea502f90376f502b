import type { RateLimitFeedback } from './parse-rate-limit-headers.js';
import { type PauseGate, WHOLE_PROVIDER } from './pause-gate.js';
import type { StoreBucket } from './store-bucket.js';

/**
 * Turns what the provider said into pauses: a retry-after pauses `key` (a model, or the whole
 * provider) and, for the whole provider or with a shared store, the bucket, so every replica stops; a budget reported spent
 * (remaining 0) pauses until its reset, in the shared bucket of that budget when the whole
 * provider is meant and the bucket exists (it then refills gently from empty), else in the gate.
 * Every pause is capped at the gate's `maxPauseMs`.
 */
export function applyFeedbackPauses(
  feedback: RateLimitFeedback,
  key: string,
  now: number,
  gate: PauseGate,
  requests: StoreBucket,
  tokens: StoreBucket,
  sharedStore: boolean,
): void {
  const retryAfterMs = feedback.retryAfterMs;
  if (retryAfterMs !== undefined && retryAfterMs > 0) {
    gate.pause(key, retryAfterMs, 'retry-after', now);
    // Tell replicas sharing the store too: the requests bucket gates every call. A shared store
    // also takes a model's retry-after: other replicas cannot see this process's model pauses, and
    // every replica must stop, so the fleet pauses the provider's bucket as a whole.
    if (key === WHOLE_PROVIDER || sharedStore) {
      const until = now + Math.min(retryAfterMs, gate.maxPauseMs);
      if (requests.limit !== undefined) requests.pause(until, now);
      else if (tokens.limit !== undefined) tokens.pause(until, now);
    }
  }
  if (feedback.remainingRequests === 0) pauseSpentBudget(feedback.resetRequestsMs, 'requests', key, now, gate, requests);
  if (feedback.remainingTokens === 0) pauseSpentBudget(feedback.resetTokensMs, 'tokens', key, now, gate, tokens);
}

function pauseSpentBudget(
  resetMs: number | undefined,
  kind: 'requests' | 'tokens',
  key: string,
  now: number,
  gate: PauseGate,
  bucket: StoreBucket,
): void {
  if (resetMs === undefined || !(resetMs > 0)) return;
  // The provider's budget restarts at its reset.
  if (key === WHOLE_PROVIDER && bucket.limit !== undefined) bucket.pause(now + Math.min(resetMs, gate.maxPauseMs), now);
  else gate.pause(key, resetMs, kind, now);
}
