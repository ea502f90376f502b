export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive target-health failures that open the circuit. Default 5. */
  failureThreshold?: number;
  /** How long an open circuit refuses traffic before letting one probe through. Default 30 s. */
  cooldownMs?: number;
  /**
   * A probe whose outcome is never reported (the caller gave up before sending) frees up again
   * after this long, so a target cannot stay shut forever. Default: cooldownMs.
   */
  probeTimeoutMs?: number;
  now?: () => number;
}

export const DEFAULT_FAILURE_THRESHOLD = 5;
export const DEFAULT_COOLDOWN_MS = 30_000;

/**
 * Per-target circuit breaker: closed → open after `failureThreshold` consecutive failures →
 * half-open once `cooldownMs` has passed, where exactly one probe call is let through: its success
 * closes the circuit, its failure opens it again for another cooldown. Report only failures that
 * say something about the target's health (see `isTargetHealthFailure`).
 */
export class CircuitBreaker {
  private readonly failureThreshold: number;
  private readonly cooldownMs: number;
  private readonly probeTimeoutMs: number;
  private readonly now: () => number;
  private current: CircuitState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probeTakenAt: number | undefined;

  constructor(options: CircuitBreakerOptions = {}) {
    this.failureThreshold = options.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD;
    this.cooldownMs = options.cooldownMs ?? DEFAULT_COOLDOWN_MS;
    this.probeTimeoutMs = options.probeTimeoutMs ?? this.cooldownMs;
    this.now = options.now ?? Date.now;
    if (!(this.failureThreshold >= 1)) throw new RangeError(`failure threshold must be >= 1, got ${this.failureThreshold}`);
    if (!(this.cooldownMs >= 0)) throw new RangeError(`cooldown must be >= 0 ms, got ${this.cooldownMs}`);
  }

  /** The state now (an open circuit whose cooldown has passed reads as half-open). */
  get state(): CircuitState {
    this.advance(this.now());
    return this.current;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  /** Whether a call may go to this target now: closed, or half-open with the probe still free. Takes nothing. */
  allowRequest(now = this.now()): boolean {
    this.advance(now);
    if (this.current === 'closed') return true;
    return this.current === 'half-open' && this.isProbeFree(now);
  }

  /**
   * Milliseconds until this target takes a call again (0: now): for an open circuit, until it
   * half-opens; for a half-open one whose probe is out, until that probe is given up (its answer
   * may free the target sooner). What an open circuit's `Retry-After` says.
   */
  msUntilAvailable(now = this.now()): number {
    this.advance(now);
    if (this.current === 'open') return Math.max(0, this.openedAt + this.cooldownMs - now);
    if (this.current === 'half-open' && !this.isProbeFree(now)) {
      return Math.max(0, (this.probeTakenAt ?? now) + this.probeTimeoutMs - now);
    }
    return 0;
  }

  /** In half-open state, claims the single probe; false when closed, open or the probe is taken. */
  tryAcquireProbe(now = this.now()): boolean {
    this.advance(now);
    if (this.current !== 'half-open' || !this.isProbeFree(now)) return false;
    this.probeTakenAt = now;
    return true;
  }

  /** Gives the probe back unused (the call was never sent, e.g. refused locally or cancelled). */
  releaseProbe(): void {
    this.probeTakenAt = undefined;
  }

  recordSuccess(): void {
    if (this.current === 'open') return; // a late answer to a call sent before the circuit opened
    this.current = 'closed';
    this.failures = 0;
    this.probeTakenAt = undefined;
  }

  recordFailure(now = this.now()): void {
    this.advance(now);
    if (this.current === 'open') return;
    this.failures++;
    if (this.current === 'half-open' || this.failures >= this.failureThreshold) {
      this.current = 'open';
      this.openedAt = now;
      this.probeTakenAt = undefined;
    }
  }

  private advance(now: number): void {
    if (this.current === 'open' && now - this.openedAt >= this.cooldownMs) {
      this.current = 'half-open';
      this.probeTakenAt = undefined;
    }
  }

  private isProbeFree(now: number): boolean {
    return this.probeTakenAt === undefined || now - this.probeTakenAt >= this.probeTimeoutMs;
  }
}
