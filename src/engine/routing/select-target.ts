import type { RouteState } from './route-state.js';
import type { RouteTarget, RoutingStrategy } from './route-target.js';

/**
 * Picks the target for the next call, or undefined when none is available. Targets with weight
 * <= 0 or whose circuit refuses calls are skipped. When the pick is half-open, its single probe is
 * claimed for this call: report the outcome to its breaker (or `releaseProbe()` if the call is
 * never sent). Allocation-free.
 *
 * - weighted: random in proportion to the weights.
 * - round-robin: the next available target after the previous pick, in config order.
 * - least-busy: fewest calls in flight; ties broken at random.
 * - lowest-latency: untried targets first (idle ones, in config order), then the lowest latency
 *   average; a small share of picks (`explorationRate`) goes to a random target to re-measure it.
 */
export function selectTarget(
  targets: readonly RouteTarget[],
  strategy: RoutingStrategy,
  state: RouteState,
  random: () => number = Math.random,
): RouteTarget | undefined {
  const now = state.now();
  let chosen: RouteTarget | undefined;
  switch (strategy) {
    case 'weighted':
      chosen = selectWeighted(targets, state, now, random);
      break;
    case 'round-robin':
      chosen = selectRoundRobin(targets, state, now);
      break;
    case 'least-busy':
      chosen = selectLeastBusy(targets, state, now, random);
      break;
    case 'lowest-latency':
      chosen = selectLowestLatency(targets, state, now, random);
      break;
  }
  if (chosen !== undefined) {
    const breaker = state.breaker(state.keyOf(chosen));
    if (breaker.state === 'half-open') breaker.tryAcquireProbe(now);
  }
  return chosen;
}

function isEligible(target: RouteTarget, state: RouteState, now: number): boolean {
  return target.weight > 0 && state.isAvailable(state.keyOf(target), now);
}

function selectWeighted(
  targets: readonly RouteTarget[],
  state: RouteState,
  now: number,
  random: () => number,
): RouteTarget | undefined {
  let total = 0;
  for (const target of targets) if (isEligible(target, state, now)) total += target.weight;
  if (!(total > 0) || !Number.isFinite(total)) return undefined;
  let remaining = random() * total;
  let last: RouteTarget | undefined;
  for (const target of targets) {
    if (!isEligible(target, state, now)) continue;
    remaining -= target.weight;
    if (remaining < 0) return target;
    last = target;
  }
  return last; // float rounding left a sliver past the end
}

function selectRoundRobin(targets: readonly RouteTarget[], state: RouteState, now: number): RouteTarget | undefined {
  const count = targets.length;
  const start = state.cursor(targets) % (count || 1);
  for (let offset = 0; offset < count; offset++) {
    const index = (start + offset) % count;
    const target = targets[index] as RouteTarget;
    if (isEligible(target, state, now)) {
      state.setCursor(targets, index + 1);
      return target;
    }
  }
  return undefined;
}

function selectLeastBusy(
  targets: readonly RouteTarget[],
  state: RouteState,
  now: number,
  random: () => number,
): RouteTarget | undefined {
  let chosen: RouteTarget | undefined;
  let lowest = Number.POSITIVE_INFINITY;
  let ties = 0;
  for (const target of targets) {
    if (!isEligible(target, state, now)) continue;
    const inFlight = state.inFlight(state.keyOf(target));
    if (inFlight < lowest) {
      chosen = target;
      lowest = inFlight;
      ties = 1;
    } else if (inFlight === lowest && random() * ++ties < 1) {
      chosen = target; // reservoir sampling: each of the tied targets ends up chosen with equal chance
    }
  }
  return chosen;
}

function selectLowestLatency(
  targets: readonly RouteTarget[],
  state: RouteState,
  now: number,
  random: () => number,
): RouteTarget | undefined {
  let eligible = 0;
  let fastest: RouteTarget | undefined;
  let fastestMs = Number.POSITIVE_INFINITY;
  let busyUntried: RouteTarget | undefined;
  let busyUntriedInFlight = Number.POSITIVE_INFINITY;
  for (const target of targets) {
    if (!isEligible(target, state, now)) continue;
    eligible++;
    const key = state.keyOf(target);
    const latency = state.latencyMs(key);
    if (latency === undefined) {
      const inFlight = state.inFlight(key);
      if (inFlight === 0) return target; // untried and idle: measure it now
      if (inFlight < busyUntriedInFlight) {
        busyUntried = target;
        busyUntriedInFlight = inFlight;
      }
    } else if (latency < fastestMs) {
      fastest = target;
      fastestMs = latency;
    }
  }
  if (eligible > 1 && state.explorationRate > 0 && random() < state.explorationRate) {
    let pick = Math.floor(random() * eligible);
    for (const target of targets) {
      if (isEligible(target, state, now) && pick-- === 0) return target;
    }
  }
  // Untried targets already being measured wait for their first sample unless nothing is known.
  return fastest ?? busyUntried;
}
