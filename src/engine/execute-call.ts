import type { AttemptRecord } from '../spec/chat-response.js';
import { isLiterLLMError, type LiterLLMError, ProviderUnavailableError, InternalError } from '../spec/errors.js';
import { abortableSleep, abortReason } from './abortable-sleep.js';
import { applyRateLimitFeedback } from './apply-rate-limit-feedback.js';
import { createRateLimitObserver } from './create-rate-limit-observer.js';
import { nameTimeoutProvider } from './name-timeout-provider.js';
import type { Candidate } from './candidate.js';
import { createDeadline } from './deadline.js';
import { type AttemptContext, engineChannels, type RequestContext } from './engine-events.js';
import type { Lease } from './limits/provider-limiter.js';
import type { ProviderRuntime } from './provider-runtime.js';
import { redactErrorSecrets } from './redact-error-secrets.js';
import { retryDelayMs } from './retry/retry-delay-ms.js';
import { shouldFallBack } from './retry/should-fall-back.js';

export interface AttemptInput {
  candidate: Candidate;
  /** Aborts on caller cancel, call deadline or this attempt's own timeout. */
  signal: AbortSignal;
  /** The limiter lease (for `settleTokens`). */
  lease: Lease;
  context: AttemptContext;
  /**
   * Frees what the successful attempt holds: the limiter lease, the deadline and the route's
   * in-flight count. Idempotent. Call when the result is fully consumed (at once for JSON, at the
   * end of a stream).
   */
  finish: () => void;
  /** Pass to the adapter (CallOptions.onResponse): a success's rate-limit headers pause this model. */
  onResponse: (status: number, headers: Record<string, string>) => void;
}

export interface ExecuteCallParams<T> {
  context: RequestContext;
  candidates: Iterable<Candidate>;
  /** Why routes offered no candidate (circuits open), for the final error. */
  skipped: LiterLLMError[];
  /** The caller's signal combined with the whole-call deadline. */
  signal: AbortSignal;
  estimatedTokens: number;
  headers: Record<string, string>;
  attempts: AttemptRecord[];
  run: (input: AttemptInput) => Promise<T>;
  /**
   * The live runtime for a provider whose runtime a reload retired while the call ran (the
   * candidates were planned from the state the call started with), or the error that says why
   * there is none. Without it a retired runtime is used as it is.
   */
  replaceRetired?: (retired: ProviderRuntime) => ProviderRuntime | LiterLLMError;
  random?: () => number;
}

/**
 * The policy loop around single attempts: limiter admission, per-attempt deadline, retries with
 * back-off for retryable errors, then the next candidate (fallback). Errors that are not the
 * provider's failure (should-fall-back.ts) end the call at once; so do the caller's cancel and the
 * whole-call deadline. A provider failure that asking again cannot fix (a host name that does not
 * resolve) goes to the next candidate without retries.
 */
export async function executeCall<T>(params: ExecuteCallParams<T>): Promise<T> {
  const { context, signal } = params;
  let lastError: LiterLLMError | undefined;
  for (const candidate of params.candidates) {
    const { model } = candidate;
    let runtime = candidate.runtime;
    const provider = runtime.config.name;
    let handedOver = false;
    const releaseTarget = () => {
      if (candidate.route && candidate.target) candidate.route.release(candidate.target);
    };
    try {
      for (let retry = 0; ; retry++) {
        if (signal.aborted) throw abortReason(signal);
        if (candidate.route && candidate.target && !candidate.route.allows(candidate.target)) {
          const retryAfterMs = candidate.route.msUntilAvailable([candidate.target]);
          lastError = new ProviderUnavailableError({
            message: `${provider}/${model} is out of service (circuit open)`,
            provider,
            // The gateway's own refusal (503 with Retry-After), not an upstream failure (502).
            origin: 'engine',
            ...(retryAfterMs !== undefined && { retryAfterMs }),
          });
          break;
        }
        // A reload retired the provider's runtime (its pool is closing): an attempt there would fail
        // on the closed pool, not on the provider. Take the live one, before and after the wait for a
        // permit (the reload may come while the call waits in the old limiter's queue).
        const swapped = swapRetired(candidate, params);
        if (swapped !== undefined) {
          lastError = swapped;
          break;
        }
        runtime = candidate.runtime;
        // A free slot is taken without a promise; otherwise admit() waits in the queue or is refused.
        let lease =
          (!signal.aborted && runtime.limiter.tryAcquire(params.estimatedTokens, model)) ||
          (await admit(candidate, params, context));
        while (isLease(lease) && candidate.runtime.retired && params.replaceRetired) {
          lease.release();
          lease = swapRetired(candidate, params) ?? (await admit(candidate, params, context));
        }
        runtime = candidate.runtime;
        if (!isLease(lease)) {
          lastError = lease;
          break;
        }
        context.attempts++;
        context.provider = provider;
        context.model = model;
        const attempt: AttemptContext = {
          request: context,
          attempt: context.attempts,
          provider,
          providerType: runtime.config.type,
          model,
          startedAt: performance.now(),
          headers: { ...params.headers },
          observers: {},
        };
        if (engineChannels.attemptStart.hasSubscribers) engineChannels.attemptStart.publish(attempt);
        const deadline = createDeadline(signal, runtime.config.timeoutMs, () => `${provider} (${model})`);
        let finished = false;
        let succeeded = false;
        const finish = () => {
          if (finished) return;
          finished = true;
          lease.release();
          deadline.clear();
          // The target stays busy until a successful result is consumed; after a failed attempt
          // the candidate loop decides (it may retry the same target).
          if (succeeded) releaseTarget();
        };
        try {
          const onResponse = createRateLimitObserver(runtime, model);
          const value = await params.run({ candidate, signal: deadline.signal, lease, context: attempt, finish, onResponse });
          succeeded = true;
          handedOver = true;
          // A stream that started answers a rate-limit probe now, not at its end.
          lease.answered?.();
          // A JSON result was consumed inside run(); a stream is consumed later and calls finish() then.
          if (finished) releaseTarget();
          else deadline.stopTimer();
          finishAttempt(params, candidate, attempt, undefined);
          return value;
        } catch (thrown) {
          const error = redactErrorSecrets(nameTimeoutProvider(asLiterLLMError(thrown, provider), provider), runtime.secrets);
          // Before finish(): releasing the lease admits queued calls, and they must see the pause.
          if (error.code === 'rate_limited' && error.status !== undefined) applyRateLimitFeedback(runtime, model, error);
          finish();
          finishAttempt(params, candidate, attempt, error);
          if (signal.aborted) throw abortReason(signal);
          if (!shouldFallBack(error)) throw error;
          lastError = error;
          const delay =
            error.retryable && retry < candidate.maxRetries ? retryDelayMs(error, retry + 1, {}, params.random) : undefined;
          if (delay === undefined) break;
          if (engineChannels.retry.hasSubscribers)
            engineChannels.retry.publish({ context, provider, model, delayMs: delay, error });
          // +1 ms: timers fire on millisecond-rounded loop time and can wake just before a
          // retry-after pause (set from Date.now()) has ended, which would refuse the retry locally.
          await abortableSleep(delay + 1, signal);
        }
      }
    } catch (thrown) {
      // The whole-call deadline can also fire in the queue or in a retry's back-off.
      throw nameTimeoutProvider(thrown, provider);
    } finally {
      if (!handedOver) releaseTarget();
    }
  }
  throw (
    lastError ??
    params.skipped[0] ??
    new ProviderUnavailableError({ message: `no provider is available for "${context.requestedModel}"` })
  );
}

/** Puts the live runtime in place of a retired one; the error when there is none (the provider was removed). */
function swapRetired<T>(candidate: Candidate, params: ExecuteCallParams<T>): LiterLLMError | undefined {
  if (!candidate.runtime.retired || !params.replaceRetired) return undefined;
  const live = params.replaceRetired(candidate.runtime);
  if (isLiterLLMError(live)) return live;
  candidate.runtime = live;
  return undefined;
}

/** A lease, or the local RateLimitedError that sends the call to its fallback. */
async function admit<T>(
  candidate: Candidate,
  params: ExecuteCallParams<T>,
  context: RequestContext,
): Promise<Lease | LiterLLMError> {
  const waitStart = performance.now();
  try {
    const lease = await candidate.runtime.limiter.acquire({
      estimatedTokens: params.estimatedTokens,
      signal: params.signal,
      model: candidate.model,
    });
    context.rateLimitWaitMs += performance.now() - waitStart;
    return lease;
  } catch (thrown) {
    context.rateLimitWaitMs += performance.now() - waitStart;
    const error = asLiterLLMError(thrown, candidate.runtime.config.name);
    if (error.code !== 'rate_limited') throw error;
    if (engineChannels.rateLimited.hasSubscribers) {
      engineChannels.rateLimited.publish({ context, provider: candidate.runtime.config.name, model: candidate.model, error });
    }
    return error;
  }
}

function isLease(value: Lease | LiterLLMError): value is Lease {
  return !isLiterLLMError(value);
}

function finishAttempt<T>(
  params: ExecuteCallParams<T>,
  candidate: Candidate,
  attempt: AttemptContext,
  error: LiterLLMError | undefined,
): void {
  const durationMs = performance.now() - attempt.startedAt;
  attempt.durationMs = durationMs;
  if (error) {
    attempt.error = error;
    if (error.status !== undefined) attempt.status = error.status;
  }
  params.attempts.push({
    provider: attempt.provider,
    model: attempt.model,
    outcome: error ? error.code : 'ok',
    ...(attempt.status !== undefined && { status: attempt.status }),
    durationMs: Math.round(durationMs * 100) / 100,
  });
  if (candidate.route && candidate.target) candidate.route.record(candidate.target, error, durationMs);
  if (engineChannels.attemptEnd.hasSubscribers) engineChannels.attemptEnd.publish(attempt);
}

export function asLiterLLMError(thrown: unknown, provider?: string): LiterLLMError {
  if (isLiterLLMError(thrown)) return thrown;
  if (provider !== undefined && isStackOverflow(thrown)) {
    // An answer (a stream event, a tool call's arguments) nested so deep that processing it
    // overflowed the stack: asking again gets the same answer, so neither retry nor fall back.
    return new ProviderUnavailableError({
      message: `${provider} sent an answer nested too deeply to process (${thrown.message})`,
      provider,
      retryable: false,
      cause: thrown,
    });
  }
  return new InternalError({
    message: `unexpected failure${provider ? ` calling ${provider}` : ''}: ${thrown instanceof Error ? thrown.message : String(thrown)}`,
    ...(provider !== undefined && { provider }),
    cause: thrown,
  });
}

function isStackOverflow(thrown: unknown): thrown is RangeError {
  return thrown instanceof RangeError && thrown.message.includes('call stack');
}
