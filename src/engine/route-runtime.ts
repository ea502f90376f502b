import type { LiterLLMError } from '../spec/errors.js';
import type { RouteConfig } from './config/liter-llm-config.js';
import { isTargetHealthFailure } from './routing/is-target-health-failure.js';
import { RouteState } from './routing/route-state.js';
import type { RouteTarget } from './routing/route-target.js';
import { selectTarget } from './routing/select-target.js';

export type TargetHandle = RouteTarget;

/**
 * A configured route, live: its strategy state (in-flight counts, latency averages, round-robin
 * cursor) and a circuit breaker per target. Without `circuit_breaker` in the config the breakers
 * never open.
 */
export class RouteRuntime {
  readonly state: RouteState;
  /**
   * The targets a call may be sent to: every target but those of disabled providers (`enabled:
   * false`), so the strategy spreads the traffic over the rest. The same array as config.targets
   * when none is disabled.
   */
  readonly enabledTargets: readonly RouteTarget[];

  constructor(
    readonly config: RouteConfig,
    private readonly random: () => number = Math.random,
    state?: RouteState,
    private readonly disabledProviders: ReadonlySet<string> = new Set(),
  ) {
    this.enabledTargets =
      disabledProviders.size === 0 ? config.targets : config.targets.filter((target) => !disabledProviders.has(target.provider));
    this.state =
      state ??
      new RouteState({
        breaker: config.circuitBreaker
          ? { failureThreshold: config.circuitBreaker.failureThreshold, cooldownMs: config.circuitBreaker.cooldownMs }
          : { failureThreshold: Number.POSITIVE_INFINITY },
      });
  }

  /** The target for the next call (claims a half-open breaker's probe), or undefined when all are out. */
  pick(): TargetHandle | undefined {
    const target = selectTarget(this.enabledTargets, this.config.strategy, this.state, this.random);
    if (target) this.state.startRequest(this.state.keyOf(target));
    return target;
  }

  /** Whether the target may take another attempt (its circuit did not open meanwhile). */
  allows(target: TargetHandle): boolean {
    const breaker = this.state.breaker(this.state.keyOf(target));
    return breaker.state === 'closed' || breaker.state === 'half-open';
  }

  /**
   * Milliseconds until the first of the given targets (default: every target with a weight) takes a
   * call again, for the `Retry-After` of "every target is out of service".
   */
  msUntilAvailable(targets: readonly TargetHandle[] = this.enabledTargets): number | undefined {
    let soonest: number | undefined;
    const now = this.state.now();
    for (const target of targets) {
      if (!(target.weight > 0)) continue;
      const wait = this.state.breaker(this.state.keyOf(target)).msUntilAvailable(now);
      if (soonest === undefined || wait < soonest) soonest = wait;
    }
    return soonest;
  }

  /** Reports an attempt's outcome: latency and breaker bookkeeping. */
  record(target: TargetHandle, error: LiterLLMError | undefined, latencyMs: number): void {
    const key = this.state.keyOf(target);
    const breaker = this.state.breaker(key);
    if (error === undefined) {
      breaker.recordSuccess();
      this.state.recordLatency(key, latencyMs);
    } else if (isTargetHealthFailure(error)) {
      breaker.recordFailure();
    } else if (breaker.state === 'half-open') {
      // The target answered (the request itself was at fault): healthy enough, but no latency sample.
      breaker.recordSuccess();
    }
  }

  /** The attempt is over (stream ended, call failed over): it no longer counts as in flight. */
  release(target: TargetHandle): void {
    this.state.endRequest(this.state.keyOf(target));
  }

  /** True when a reloaded route has the same targets, so breakers and averages stay meaningful. */
  sameTargets(next: RouteConfig): boolean {
    const current = this.config.targets;
    return (
      JSON.stringify(this.config.circuitBreaker) === JSON.stringify(next.circuitBreaker) &&
      current.length === next.targets.length &&
      current.every(
        (target, index) => target.provider === next.targets[index]!.provider && target.model === next.targets[index]!.model,
      )
    );
  }

  withConfig(next: RouteConfig, disabledProviders: ReadonlySet<string> = this.disabledProviders): RouteRuntime {
    return new RouteRuntime(next, this.random, this.state, disabledProviders);
  }
}
