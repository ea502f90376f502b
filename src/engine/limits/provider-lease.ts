import type { ClaimedProbe } from './pause-gate.js';

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

/** What a lease reports back to its limiter; one object per limiter, shared by all its leases. */
export interface LeaseOwner {
  onLeaseRelease(acquiredAt: number, probes: ClaimedProbe[] | undefined, fleetLeaseId: string | undefined): void;
  onLeaseSettle(delta: number): void;
  onProbeAnswered(probes: ClaimedProbe[]): void;
}

/**
 * The one object an admitted call allocates: the slot itself is a count in the limiter, the
 * fleet-wide lease (when `max_concurrency_global` is on) an id.
 */
export class ProviderLease implements Lease {
  private released = false;
  private charged: number;
  /** The pauses this call is the probe of: the whole provider's, its model's, or both. */
  private probes: ClaimedProbe[] | undefined;

  constructor(
    private readonly owner: LeaseOwner,
    readonly estimatedTokens: number,
    private readonly acquiredAt: number,
    private readonly fleetLeaseId: string | undefined,
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
    this.owner.onLeaseRelease(this.acquiredAt, probes, this.fleetLeaseId);
  }

  answered(): void {
    const probes = this.probes;
    if (probes === undefined) return;
    this.probes = undefined;
    this.owner.onProbeAnswered(probes);
  }

  settleTokens(actualTokens: number): void {
    if (!(actualTokens >= 0) || !Number.isFinite(actualTokens)) return;
    const refund = this.charged - actualTokens;
    this.charged = actualTokens;
    if (refund !== 0) this.owner.onLeaseSettle(refund);
  }
}
