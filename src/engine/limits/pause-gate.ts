import type { LiterLLMError } from '../../spec/errors.js';
import { type Pause, type PauseKind, RateLimitPauses } from './rate-limit-pauses.js';

/** The pause key of the whole provider (model names are the other keys; none is empty). */
export const WHOLE_PROVIDER = '';

/** The probe a lease carries: the pause it is to answer, under its key. */
export interface ClaimedProbe {
  key: string;
  pause: Pause;
}

/**
 * The rate-limit pauses as an admission gate: the provider-wide pause holds the whole queue, a
 * model's pause holds only the calls for that model (they sleep here, outside the queue, so they
 * hold up no other model), and a probe's answer wakes the sleepers to look again.
 */
export class PauseGate extends RateLimitPauses {
  /** Calls sleeping on a model pause. */
  private readonly sleepers = new Set<() => void>();

  /** Until when the provider-wide pause holds the queue (-Infinity: open). */
  providerBlockedUntil(now: number): number {
    return this.size === 0 ? Number.NEGATIVE_INFINITY : this.blockedUntil(WHOLE_PROVIDER, now);
  }

  providerKind(): PauseKind {
    return this.kindOf(WHOLE_PROVIDER);
  }

  /** Whether calls for `model` must look at its pause before queueing (cheap when nothing is paused). */
  holdsModel(model: string | undefined): model is string {
    return model !== undefined && this.size !== 0 && this.has(model);
  }

  /** After a capped provider-wide pause, the first call admitted is the probe. */
  claimProviderProbe(now: number): ClaimedProbe | undefined {
    const pause = this.size === 0 ? undefined : this.claimProbe(WHOLE_PROVIDER, now);
    return pause === undefined ? undefined : { key: WHOLE_PROVIDER, pause };
  }

  /** The probes were answered (or their calls ended): their keys open, and sleepers look again. */
  endProbes(probes: readonly ClaimedProbe[]): void {
    for (const probe of probes) this.endProbe(probe.key, probe.pause);
    if (this.sleepers.size === 0) return;
    const sleepers = [...this.sleepers];
    this.sleepers.clear();
    for (const wake of sleepers) wake();
  }

  /**
   * Resolves after `ms`, or earlier when a probe is answered; rejects with `abortError()` when the
   * signal aborts first.
   */
  sleep(ms: number, signal: AbortSignal | undefined, abortError: () => LiterLLMError): Promise<void> {
    return new Promise((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        signal?.removeEventListener('abort', onAbort);
      };
      const wake = () => {
        settle();
        resolve();
      };
      const onAbort = () => {
        settle();
        reject(abortError());
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
