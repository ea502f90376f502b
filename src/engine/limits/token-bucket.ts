/** Outcome of taking tokens: admitted, or how long until the tokens will be there. */
export type TakeResult = { ok: true } | { ok: false; waitMs: number };

/** Shared success result, so the hot path allocates nothing. */
export const TAKE_OK: TakeResult = Object.freeze({ ok: true });

/** Absorbs floating-point dust from continuous refill (0.9999999 tokens counts as 1). */
const EPSILON = 1e-9;

/**
 * Continuously refilled token bucket. Starts full. The level may go negative (`take` records a
 * debt, e.g. when a call used more tokens than estimated); nothing is admitted until the debt is
 * repaid. All times are caller-supplied milliseconds, so tests drive it with a fake clock.
 */
export class TokenBucket {
  private capacityValue: number;
  private rate: number;
  private level: number;
  private updatedAt = Number.NEGATIVE_INFINITY;
  private pausedUntilMs = Number.NEGATIVE_INFINITY;

  /**
   * @param capacity largest burst, in tokens
   * @param refillPerMs tokens added per millisecond (`perMinute / 60_000`)
   * @param now the clock reading the bucket starts from (full)
   */
  constructor(capacity: number, refillPerMs: number, now?: number) {
    checkLimit(capacity, refillPerMs);
    this.capacityValue = capacity;
    this.rate = refillPerMs;
    this.level = capacity;
    if (now !== undefined) this.updatedAt = now;
  }

  get capacity(): number {
    return this.capacityValue;
  }

  get refillPerMs(): number {
    return this.rate;
  }

  /** Until when a provider-requested pause holds (-Infinity when none). */
  get pausedUntil(): number {
    return this.pausedUntilMs;
  }

  /** Tokens available at `now` (negative while in debt; unaffected by a pause). */
  available(now: number): number {
    this.refill(now);
    return this.level;
  }

  /**
   * Takes n tokens when they are all there and no pause holds; otherwise says how long until
   * they will be. A request larger than the capacity can never be served: waitMs is Infinity.
   */
  tryTake(n: number, now: number): TakeResult {
    if (n > this.capacityValue) return { ok: false, waitMs: Number.POSITIVE_INFINITY };
    this.refill(now);
    if (now >= this.pausedUntilMs && this.level + EPSILON * (1 + this.capacityValue) >= n) {
      this.level -= n;
      return TAKE_OK;
    }
    return { ok: false, waitMs: this.estimateWaitMs(n, now) };
  }

  /**
   * Milliseconds until n tokens will have accumulated, ignoring the capacity (so it also answers
   * "when will the k-th queued call be served": the calls take their tokens one after another).
   */
  estimateWaitMs(n: number, now: number): number {
    this.refill(now);
    const start = now > this.pausedUntilMs ? now : this.pausedUntilMs;
    const missing = n - this.level;
    if (missing <= EPSILON * (1 + this.capacityValue)) return Math.ceil(start - now);
    if (this.rate <= 0) return Number.POSITIVE_INFINITY;
    // The nanosecond of slack keeps float dust (59715.00000001) from adding a whole millisecond.
    return Math.ceil(start - now + missing / this.rate - 1e-6);
  }

  /** Takes n tokens unconditionally; the level may go negative (a debt repaid by refill). */
  take(n: number, now?: number): void {
    if (now !== undefined) this.refill(now);
    this.level -= n;
  }

  /** Gives n tokens back (a refund), never above the capacity. */
  give(n: number, now?: number): void {
    if (now !== undefined) this.refill(now);
    this.level = Math.min(this.capacityValue, this.level + n);
  }

  /**
   * The provider said "retry after": nothing is admitted before `timestampMs`. The bucket is also
   * emptied (a debt is kept) and refills only from then on, so traffic restarts at the configured
   * rate instead of bursting into a provider that has just pushed back.
   */
  pauseUntil(timestampMs: number, now?: number): void {
    if (!(timestampMs > this.pausedUntilMs)) return;
    if (now !== undefined) this.refill(now);
    if (this.level > 0) this.level = 0;
    this.pausedUntilMs = timestampMs;
  }

  /** New limits (config hot reload), keeping the current fill ratio (and a debt's ratio). */
  resize(capacity: number, refillPerMs: number, now?: number): void {
    checkLimit(capacity, refillPerMs);
    if (now !== undefined) this.refill(now);
    this.level = this.capacityValue > 0 ? (this.level / this.capacityValue) * capacity : capacity;
    this.capacityValue = capacity;
    this.rate = refillPerMs;
  }

  private refill(now: number): void {
    const from = this.updatedAt > this.pausedUntilMs ? this.updatedAt : this.pausedUntilMs;
    if (now > from && this.level < this.capacityValue && this.rate > 0) {
      const level = this.level + (now - from) * this.rate;
      this.level = level < this.capacityValue ? level : this.capacityValue;
    }
    if (now > this.updatedAt) this.updatedAt = now;
  }
}

function checkLimit(capacity: number, refillPerMs: number): void {
  if (!(capacity >= 0) || !Number.isFinite(capacity)) {
    throw new RangeError(`token bucket capacity must be a finite number >= 0, got ${capacity}`);
  }
  if (!(refillPerMs >= 0) || !Number.isFinite(refillPerMs)) {
    throw new RangeError(`token bucket refill rate must be a finite number >= 0, got ${refillPerMs}`);
  }
}
