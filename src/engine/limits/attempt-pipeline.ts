import {
  type AdmissionAttempt,
  type AdmissionPolicies,
  type AttemptOutcome,
  giveBack,
  requestAdmission,
} from './admission-attempt.js';
import type { QueuedCall } from './admission-queue.js';
import type { ConcurrencyCap } from './concurrency-cap.js';

/**
 * The store answers out for queued calls (async stores only). Each attempt holds a local
 * concurrency slot while it is out, so the cap is never exceeded however the answers come; a call
 * that leaves the queue, or an answer the queue cannot use, gives back its slot at once and what the
 * stores granted as soon as they have answered (a store that never answers costs no slot).
 */
export class AttemptPipeline {
  private attached = 0;
  private reserved = 0;

  constructor(
    private readonly cap: ConcurrencyCap,
    private readonly policies: AdmissionPolicies,
    /** An answer arrived for a call still waiting. */
    private readonly onAnswer: () => void,
  ) {}

  /** Queued calls with an attempt (its answer out, or in and not used yet). */
  get size(): number {
    return this.attached;
  }

  /** Local slots held by attempts (not by admitted calls). */
  get reservedSlots(): number {
    return this.reserved;
  }

  /** Asks the stores for `call`, taking a local slot for it (the caller checked the cap has room). */
  start(call: QueuedCall, now: number): void {
    this.cap.take();
    this.reserved++;
    this.attached++;
    const attempt: AdmissionAttempt = { outcome: undefined, discarded: false, holdsSlot: true };
    call.attempt = attempt;
    void requestAdmission(this.policies, call.cost, now).then((outcome) => this.answered(attempt, outcome));
  }

  /**
   * The head's answer is used: with `admitted` its slot becomes the lease's, otherwise it is given
   * back (what a refused or failed attempt was granted, it gave back itself).
   */
  use(call: QueuedCall, admitted: boolean): void {
    const attempt = call.attempt;
    if (attempt === undefined) return;
    call.attempt = undefined;
    this.attached--;
    attempt.holdsSlot = false;
    this.reserved--;
    if (!admitted) this.cap.give();
  }

  /** Drops the call's attempt: its slot now, what it was granted now or when the answer comes. */
  discard(call: QueuedCall, now: number): void {
    const attempt = call.attempt;
    if (attempt === undefined) return;
    call.attempt = undefined;
    this.attached--;
    if (attempt.holdsSlot) {
      attempt.holdsSlot = false;
      this.reserved--;
      this.cap.give();
    }
    if (attempt.outcome !== undefined) giveBack(this.policies, attempt.outcome, now);
    else attempt.discarded = true;
  }

  /** Drops every attempt of the queue from `first` on. */
  discardFrom(first: QueuedCall | undefined, now: number): void {
    for (let call = first; call !== undefined && this.attached > 0; call = call.next) this.discard(call, now);
  }

  private answered(attempt: AdmissionAttempt, outcome: AttemptOutcome): void {
    if (attempt.discarded) {
      giveBack(this.policies, outcome, this.policies.now());
      return;
    }
    attempt.outcome = outcome;
    this.onAnswer();
  }
}
