/** Which limit a pause stands for: a retry-after, or a budget the provider reported spent. */
export type PauseKind = 'retry-after' | 'requests' | 'tokens';

/** One pause: nothing goes before `until`; then, if the provider asked for longer, one probe. */
export interface Pause {
  until: number;
  kind: PauseKind;
  /** The provider asked for longer than the cap: after `until`, one call finds out whether it is over. */
  needsProbe: boolean;
  /** When the probe call was let through (undefined: not yet). */
  probeTakenAt: number | undefined;
}

/** Beyond this many keys, expired pauses are swept when a new one arrives (model names come from callers). */
const SWEEP_THRESHOLD = 1024;

/**
 * The pauses a provider asked for (429s, budgets reported spent), keyed by what they hold back: a
 * model of the provider, or the whole provider. Each pause is capped at `maxPauseMs`, whatever the
 * provider asked: a `retry-after: 3600` from one 429 must not lock callers out for an hour. When
 * the provider asked for longer than the cap, the key half-opens at the cap, like a circuit
 * breaker: one call (the probe) goes through, the others wait until it has been answered (or for
 * another cap, if it never is); a new 429 on the probe pauses the key again.
 */
export class RateLimitPauses {
  private readonly pauses = new Map<string, Pause>();

  constructor(public maxPauseMs: number) {}

  get size(): number {
    return this.pauses.size;
  }

  has(key: string): boolean {
    return this.pauses.has(key);
  }

  /** Records that the provider asked `key` to wait `askedMs` (any number; capped here). */
  pause(key: string, askedMs: number, kind: PauseKind, now: number): void {
    if (!(askedMs > 0)) return;
    const until = now + Math.min(askedMs, this.maxPauseMs);
    const needsProbe = askedMs > this.maxPauseMs;
    const current = this.pauses.get(key);
    // A pause already running longer stays; a probe's 429 (probe taken) always starts a new pause.
    if (current !== undefined && current.probeTakenAt === undefined && current.until >= until) {
      current.needsProbe ||= needsProbe;
      return;
    }
    if (this.pauses.size >= SWEEP_THRESHOLD) this.sweep(now);
    this.pauses.set(key, { until, kind, needsProbe: needsProbe || (current?.needsProbe ?? false), probeTakenAt: undefined });
  }

  /** Until when `key` holds calls back (-Infinity when a call may go now, possibly as the probe). */
  blockedUntil(key: string, now: number): number {
    const pause = this.pauses.get(key);
    if (pause === undefined) return Number.NEGATIVE_INFINITY;
    if (now < pause.until) return pause.until;
    if (!pause.needsProbe) {
      this.pauses.delete(key);
      return Number.NEGATIVE_INFINITY;
    }
    // A probe that is never answered frees after another cap, so a key cannot stay shut.
    if (pause.probeTakenAt !== undefined && now - pause.probeTakenAt < this.maxPauseMs)
      return pause.probeTakenAt + this.maxPauseMs;
    return Number.NEGATIVE_INFINITY;
  }

  kindOf(key: string): PauseKind {
    return this.pauses.get(key)?.kind ?? 'retry-after';
  }

  /** Whether the pause on `key` is waiting for a probe's answer (rather than for its end). */
  isProbing(key: string, now: number): boolean {
    const pause = this.pauses.get(key);
    return pause !== undefined && pause.needsProbe && now >= pause.until;
  }

  /**
   * For a call about to go to `key` (blockedUntil said it may): when the key needs a probe, this call
   * is it; returns the pause, to hand back to `endProbe` or `returnProbe`.
   */
  claimProbe(key: string, now: number): Pause | undefined {
    const pause = this.pauses.get(key);
    if (pause === undefined || !pause.needsProbe || now < pause.until) return undefined;
    pause.probeTakenAt = now;
    return pause;
  }

  /** The probe was answered, and no new pause came of it: `key` is open again. */
  endProbe(key: string, pause: Pause): void {
    if (this.pauses.get(key) === pause) this.pauses.delete(key);
  }

  /** The probe call was never sent (refused or cancelled locally): the next call may probe. */
  returnProbe(key: string, pause: Pause): void {
    if (this.pauses.get(key) === pause) pause.probeTakenAt = undefined;
  }

  /** Drops the pauses that are over: ended, or waiting for a probe no call came to take for a whole cap. */
  private sweep(now: number): void {
    for (const [key, pause] of [...this.pauses]) {
      const idle = pause.probeTakenAt === undefined && now - pause.until >= this.maxPauseMs;
      if (idle) this.pauses.delete(key);
      else this.blockedUntil(key, now);
    }
  }
}
