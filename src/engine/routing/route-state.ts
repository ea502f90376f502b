import { CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker.js';
import { formatTargetKey, type RouteTarget } from './route-target.js';

export interface RouteStateOptions {
  now?: () => number;
  /** Weight of the newest sample in the latency average (EWMA). Default 0.3. */
  latencySmoothing?: number;
  /**
   * Share of lowest-latency picks spent on a random available target, so a target that was slow
   * once gets measured again. Default 0.05.
   */
  explorationRate?: number;
  /** Settings for every target's circuit breaker. */
  breaker?: Omit<CircuitBreakerOptions, 'now'>;
}

/** What is known about one target. */
export interface TargetStats {
  inFlight: number;
  /** EWMA of reported latencies; undefined until the first report. */
  latencyMs: number | undefined;
  readonly breaker: CircuitBreaker;
}

/**
 * Live routing state shared by every route of an engine (a target's health and load are the same
 * whichever route sent the call): per-target in-flight counts, latency averages and circuit
 * breakers, keyed by `provider/model`, plus a round-robin cursor per targets array (pass the same
 * array from the config each time; a hot reload's new array starts a new rotation).
 */
export class RouteState {
  readonly now: () => number;
  readonly explorationRate: number;
  private readonly latencySmoothing: number;
  private readonly breakerOptions: CircuitBreakerOptions;
  private readonly targets = new Map<string, TargetStats>();
  private readonly keys = new WeakMap<RouteTarget, string>();
  private readonly cursors = new WeakMap<readonly RouteTarget[], number>();

  constructor(options: RouteStateOptions = {}) {
    this.now = options.now ?? Date.now;
    this.latencySmoothing = options.latencySmoothing ?? 0.3;
    this.explorationRate = options.explorationRate ?? 0.05;
    this.breakerOptions = { ...options.breaker, now: this.now };
  }

  /** `provider/model`, computed once per target object. */
  keyOf(target: RouteTarget): string {
    let key = this.keys.get(target);
    if (key === undefined) {
      key = formatTargetKey(target);
      this.keys.set(target, key);
    }
    return key;
  }

  /** The target's record, created on first use. */
  stats(key: string): TargetStats {
    let stats = this.targets.get(key);
    if (stats === undefined) {
      stats = { inFlight: 0, latencyMs: undefined, breaker: new CircuitBreaker(this.breakerOptions) };
      this.targets.set(key, stats);
    }
    return stats;
  }

  breaker(key: string): CircuitBreaker {
    return this.stats(key).breaker;
  }

  inFlight(key: string): number {
    return this.targets.get(key)?.inFlight ?? 0;
  }

  /** A call went to the target; pair with `endRequest`. */
  startRequest(key: string): void {
    this.stats(key).inFlight++;
  }

  endRequest(key: string): void {
    const stats = this.targets.get(key);
    if (stats !== undefined && stats.inFlight > 0) stats.inFlight--;
  }

  /** Folds a measured latency (e.g. time to first token or to the full answer) into the average. */
  recordLatency(key: string, ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) return;
    const stats = this.stats(key);
    stats.latencyMs = stats.latencyMs === undefined ? ms : stats.latencyMs + this.latencySmoothing * (ms - stats.latencyMs);
  }

  latencyMs(key: string): number | undefined {
    return this.targets.get(key)?.latencyMs;
  }

  /** False while the target's circuit refuses calls (open, or half-open with its probe taken). */
  isAvailable(key: string, now = this.now()): boolean {
    const stats = this.targets.get(key);
    return stats === undefined || stats.breaker.allowRequest(now);
  }

  /** Round-robin position for a targets array. */
  cursor(targets: readonly RouteTarget[]): number {
    return this.cursors.get(targets) ?? 0;
  }

  setCursor(targets: readonly RouteTarget[], position: number): void {
    this.cursors.set(targets, position);
  }
}
