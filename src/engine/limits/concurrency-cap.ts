/**
 * The per-replica concurrency cap (`max_concurrency`) as a bare counter: the limiter's queue does
 * the waiting, so a slot is a number, not an object (a Permit per call was one allocation more on
 * the hot path). `max` may be Infinity (no cap); shrinking lets the excess calls in flight drain.
 */
export class ConcurrencyCap {
  private taken = 0;

  constructor(private maxValue: number) {}

  get max(): number {
    return this.maxValue;
  }

  /** Slots taken: by admitted calls, and by calls whose store answer is on its way. */
  get inUse(): number {
    return this.taken;
  }

  hasRoom(): boolean {
    return this.taken < this.maxValue;
  }

  /** Takes a slot; the caller checked hasRoom(). */
  take(): void {
    this.taken++;
  }

  give(): void {
    this.taken--;
  }

  resize(max: number): void {
    this.maxValue = max;
  }
}
