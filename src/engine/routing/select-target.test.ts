import { describe, expect, it } from 'vitest';
import { RouteState } from './route-state.js';
import type { RouteTarget } from './route-target.js';
import { selectTarget } from './select-target.js';

/** mulberry32: a tiny seeded PRNG, uniform in [0, 1). */
function createSeededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Returns the given values in turn (then repeats the last). */
function createScriptedRandom(...values: number[]): () => number {
  let index = 0;
  return () => values[Math.min(index++, values.length - 1)] as number;
}

function createClock(start = 0) {
  const clock = { time: start, now: () => clock.time };
  return clock;
}

function target(provider: string, model: string, weight = 1): RouteTarget {
  return { provider, model, weight };
}

/** Pearson's chi-square statistic of observed counts against expected shares. */
function chiSquare(observed: number[], shares: number[]): number {
  const total = observed.reduce((sum, count) => sum + count, 0);
  const shareTotal = shares.reduce((sum, share) => sum + share, 0);
  return observed.reduce((sum, count, index) => {
    const expected = (total * (shares[index] as number)) / shareTotal;
    return sum + (count - expected) ** 2 / expected;
  }, 0);
}

function countPicks(targets: RouteTarget[], draws: number, pick: () => RouteTarget | undefined): number[] {
  const counts = targets.map(() => 0);
  for (let i = 0; i < draws; i++) {
    const chosen = pick();
    counts[targets.indexOf(chosen as RouteTarget)]!++;
  }
  return counts;
}

const OPENAI = target('openai', 'gpt-4o-mini', 3);
const ANTHROPIC = target('anthropic', 'claude-haiku-4-5', 1);

describe('selectTarget', () => {
  describe('weighted', () => {
    it('follows the weights over many seeded draws (3:1)', () => {
      const state = new RouteState({ now: createClock().now });
      const random = createSeededRandom(7);
      const targets = [OPENAI, ANTHROPIC];
      const counts = countPicks(targets, 40_000, () => selectTarget(targets, 'weighted', state, random));
      // df = 1: 10.83 is the 0.1% critical value.
      expect(chiSquare(counts, [3, 1])).toBeLessThan(10.83);
      expect(counts[0]! / 40_000).toBeCloseTo(0.75, 1);
    });

    it('follows the weights over three targets (5:3:2)', () => {
      const state = new RouteState({ now: createClock().now });
      const random = createSeededRandom(99);
      const targets = [target('a', 'm', 5), target('b', 'm', 3), target('c', 'm', 2)];
      const counts = countPicks(targets, 50_000, () => selectTarget(targets, 'weighted', state, random));
      expect(chiSquare(counts, [5, 3, 2])).toBeLessThan(13.82);
    });

    it('maps the random draw onto cumulative weights', () => {
      const state = new RouteState({ now: createClock().now });
      const targets = [OPENAI, ANTHROPIC];
      expect(selectTarget(targets, 'weighted', state, () => 0)).toBe(OPENAI);
      expect(selectTarget(targets, 'weighted', state, () => 0.7499)).toBe(OPENAI);
      expect(selectTarget(targets, 'weighted', state, () => 0.75)).toBe(ANTHROPIC);
      expect(selectTarget(targets, 'weighted', state, () => 1 - Number.EPSILON)).toBe(ANTHROPIC);
    });

    it('skips weight 0 and open circuits; the remaining weights share the traffic', () => {
      const clock = createClock();
      const state = new RouteState({ now: clock.now, breaker: { failureThreshold: 1 } });
      const disabled = target('hf', 'llama', 0);
      const targets = [OPENAI, disabled, ANTHROPIC];
      state.breaker('openai/gpt-4o-mini').recordFailure();
      const random = createSeededRandom(1);
      const counts = countPicks(targets, 1000, () => selectTarget(targets, 'weighted', state, random));
      expect(counts).toEqual([0, 0, 1000]);
    });

    it('returns undefined when nothing is available', () => {
      const state = new RouteState({ now: createClock().now, breaker: { failureThreshold: 1 } });
      expect(selectTarget([], 'weighted', state)).toBeUndefined();
      expect(selectTarget([target('a', 'm', 0)], 'weighted', state)).toBeUndefined();
      state.breaker('a/m').recordFailure();
      for (const strategy of ['weighted', 'round-robin', 'least-busy', 'lowest-latency'] as const) {
        expect(selectTarget([target('a', 'm', 1)], strategy, state)).toBeUndefined();
      }
    });
  });

  describe('round-robin', () => {
    it('cycles in config order, skipping unavailable targets', () => {
      const clock = createClock();
      const state = new RouteState({ now: clock.now, breaker: { failureThreshold: 1, cooldownMs: 1000 } });
      const targets = [target('a', 'm'), target('b', 'm'), target('c', 'm')];
      const picks = () => selectTarget(targets, 'round-robin', state)?.provider;
      expect([picks(), picks(), picks(), picks()]).toEqual(['a', 'b', 'c', 'a']);
      state.breaker('c/m').recordFailure();
      expect([picks(), picks(), picks()]).toEqual(['b', 'a', 'b']);
      clock.time = 1000; // c is half-open: one probe goes to it, then it is skipped until the probe reports
      expect([picks(), picks(), picks()]).toEqual(['c', 'a', 'b']);
    });

    it('keeps one rotation per targets array', () => {
      const state = new RouteState({ now: createClock().now });
      const first = [target('a', 'm'), target('b', 'm')];
      const second = [target('x', 'm'), target('y', 'm')];
      expect(selectTarget(first, 'round-robin', state)?.provider).toBe('a');
      expect(selectTarget(second, 'round-robin', state)?.provider).toBe('x');
      expect(selectTarget(first, 'round-robin', state)?.provider).toBe('b');
      expect(selectTarget(second, 'round-robin', state)?.provider).toBe('y');
    });
  });

  describe('least-busy', () => {
    it('picks the target with the fewest calls in flight', () => {
      const state = new RouteState({ now: createClock().now });
      const targets = [target('a', 'm'), target('b', 'm'), target('c', 'm')];
      state.startRequest('a/m');
      state.startRequest('a/m');
      state.startRequest('b/m');
      state.startRequest('c/m');
      state.startRequest('c/m');
      expect(selectTarget(targets, 'least-busy', state)?.provider).toBe('b');
      state.endRequest('a/m');
      state.endRequest('a/m');
      expect(selectTarget(targets, 'least-busy', state)?.provider).toBe('a');
      state.endRequest('a/m'); // never below zero
      expect(state.inFlight('a/m')).toBe(0);
    });

    it('spreads ties evenly', () => {
      const state = new RouteState({ now: createClock().now });
      const targets = [target('a', 'm'), target('b', 'm'), target('c', 'm')];
      const random = createSeededRandom(3);
      const counts = countPicks(targets, 30_000, () => selectTarget(targets, 'least-busy', state, random));
      expect(chiSquare(counts, [1, 1, 1])).toBeLessThan(13.82);
    });

    it('balances load as calls start and end', () => {
      const state = new RouteState({ now: createClock().now });
      const targets = [target('a', 'm'), target('b', 'm')];
      for (let i = 0; i < 10; i++) state.startRequest(state.keyOf(selectTarget(targets, 'least-busy', state) as RouteTarget));
      expect([state.inFlight('a/m'), state.inFlight('b/m')]).toEqual([5, 5]);
    });
  });

  describe('lowest-latency', () => {
    it('tries every untried idle target first, in config order', () => {
      const state = new RouteState({ now: createClock().now, explorationRate: 0 });
      const targets = [target('a', 'm'), target('b', 'm'), target('c', 'm')];
      state.recordLatency('a/m', 100);
      expect(selectTarget(targets, 'lowest-latency', state)?.provider).toBe('b');
      state.startRequest('b/m');
      // b is being measured: c is next.
      expect(selectTarget(targets, 'lowest-latency', state)?.provider).toBe('c');
      state.startRequest('c/m');
      // Both untried ones are busy: the known one is used meanwhile.
      expect(selectTarget(targets, 'lowest-latency', state)?.provider).toBe('a');
    });

    it('then picks the lowest latency average', () => {
      const state = new RouteState({ now: createClock().now, explorationRate: 0, latencySmoothing: 0.5 });
      const targets = [target('a', 'm'), target('b', 'm')];
      state.recordLatency('a/m', 300);
      state.recordLatency('b/m', 200);
      expect(selectTarget(targets, 'lowest-latency', state)?.provider).toBe('b');
      state.recordLatency('b/m', 600); // EWMA: 200 + 0.5 × 400 = 400
      expect(state.latencyMs('b/m')).toBe(400);
      expect(selectTarget(targets, 'lowest-latency', state)?.provider).toBe('a');
    });

    it('when every target is untried and busy, takes the least busy', () => {
      const state = new RouteState({ now: createClock().now, explorationRate: 0 });
      const targets = [target('a', 'm'), target('b', 'm')];
      state.startRequest('a/m');
      state.startRequest('a/m');
      state.startRequest('b/m');
      expect(selectTarget(targets, 'lowest-latency', state)?.provider).toBe('b');
    });

    it('explores a random target on a share of the picks', () => {
      const state = new RouteState({ now: createClock().now, explorationRate: 0.1 });
      const targets = [target('a', 'm'), target('b', 'm'), target('c', 'm')];
      state.recordLatency('a/m', 100);
      state.recordLatency('b/m', 500);
      state.recordLatency('c/m', 900);
      // First draw decides whether to explore, the second which target.
      expect(selectTarget(targets, 'lowest-latency', state, createScriptedRandom(0.5))?.provider).toBe('a');
      expect(selectTarget(targets, 'lowest-latency', state, createScriptedRandom(0.05, 0.9))?.provider).toBe('c');
      const random = createSeededRandom(11);
      const counts = countPicks(targets, 30_000, () => selectTarget(targets, 'lowest-latency', state, random));
      // 90% + 10%/3 to the fastest, 10%/3 to each of the others.
      expect(chiSquare(counts, [0.9 + 0.1 / 3, 0.1 / 3, 0.1 / 3])).toBeLessThan(13.82);
    });

    it('ignores meaningless latency samples', () => {
      const state = new RouteState({ now: createClock().now });
      state.recordLatency('a/m', Number.NaN);
      state.recordLatency('a/m', -5);
      expect(state.latencyMs('a/m')).toBeUndefined();
    });
  });

  it('claims the probe of a half-open target, so concurrent selections skip it', () => {
    const clock = createClock();
    const state = new RouteState({ now: clock.now, breaker: { failureThreshold: 1, cooldownMs: 100 } });
    const recovering = target('a', 'm');
    const healthy = target('b', 'm');
    const targets = [recovering, healthy];
    state.breaker('a/m').recordFailure();
    clock.time = 100;
    expect(selectTarget(targets, 'round-robin', state)).toBe(recovering);
    expect(state.breaker('a/m').state).toBe('half-open');
    expect(state.isAvailable('a/m')).toBe(false);
    expect(selectTarget(targets, 'round-robin', state)).toBe(healthy);
    expect(selectTarget(targets, 'round-robin', state)).toBe(healthy);
    state.breaker('a/m').recordSuccess();
    expect(selectTarget(targets, 'round-robin', state)).toBe(recovering);
  });
});
