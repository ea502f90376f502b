import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';

function createClock(start = 0) {
  const clock = { time: start, now: () => clock.time };
  return clock;
}

describe('CircuitBreaker', () => {
  it('opens after failureThreshold consecutive failures (default 5)', () => {
    const clock = createClock();
    const breaker = new CircuitBreaker({ now: clock.now });
    for (let i = 0; i < 4; i++) breaker.recordFailure();
    expect(breaker.state).toBe('closed');
    expect(breaker.allowRequest()).toBe(true);
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.allowRequest()).toBe(false);
    expect(breaker.tryAcquireProbe()).toBe(false);
  });

  it('a success in between resets the count', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 3, now: createClock().now });
    breaker.recordFailure();
    breaker.recordFailure();
    breaker.recordSuccess();
    expect(breaker.consecutiveFailures).toBe(0);
    breaker.recordFailure();
    breaker.recordFailure();
    expect(breaker.state).toBe('closed');
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
  });

  it('turns half-open after the cooldown (default 30 s) and lets exactly one probe through', () => {
    const clock = createClock(1000);
    const breaker = new CircuitBreaker({ failureThreshold: 1, now: clock.now });
    breaker.recordFailure();
    clock.time = 1000 + 29_999;
    expect(breaker.state).toBe('open');
    expect(breaker.allowRequest()).toBe(false);
    clock.time = 1000 + 30_000;
    expect(breaker.state).toBe('half-open');
    expect(breaker.allowRequest()).toBe(true);
    expect(breaker.tryAcquireProbe()).toBe(true);
    expect(breaker.allowRequest()).toBe(false);
    expect(breaker.tryAcquireProbe()).toBe(false);
  });

  it('a successful probe closes the circuit', () => {
    const clock = createClock();
    const breaker = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 100, now: clock.now });
    breaker.recordFailure();
    breaker.recordFailure();
    clock.time = 100;
    expect(breaker.tryAcquireProbe()).toBe(true);
    breaker.recordSuccess();
    expect(breaker.state).toBe('closed');
    expect(breaker.consecutiveFailures).toBe(0);
    expect(breaker.allowRequest()).toBe(true);
    // Closed again: it takes the full threshold to reopen.
    breaker.recordFailure();
    expect(breaker.state).toBe('closed');
  });

  it('a failed probe reopens the circuit for a new cooldown', () => {
    const clock = createClock();
    const breaker = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 100, now: clock.now });
    breaker.recordFailure();
    breaker.recordFailure();
    clock.time = 150;
    expect(breaker.tryAcquireProbe()).toBe(true);
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    clock.time = 249;
    expect(breaker.allowRequest()).toBe(false);
    clock.time = 250;
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquireProbe()).toBe(true);
  });

  it('late results while open change nothing', () => {
    const clock = createClock();
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 100, now: clock.now });
    breaker.recordFailure();
    clock.time = 50;
    breaker.recordSuccess();
    expect(breaker.state).toBe('open');
    breaker.recordFailure(); // does not extend the cooldown
    clock.time = 100;
    expect(breaker.state).toBe('half-open');
  });

  it('a probe never reported frees up after probeTimeoutMs; releaseProbe frees it at once', () => {
    const clock = createClock();
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 100, probeTimeoutMs: 50, now: clock.now });
    breaker.recordFailure();
    clock.time = 100;
    expect(breaker.tryAcquireProbe()).toBe(true);
    clock.time = 149;
    expect(breaker.tryAcquireProbe()).toBe(false);
    clock.time = 150;
    expect(breaker.tryAcquireProbe()).toBe(true);
    breaker.releaseProbe();
    expect(breaker.allowRequest()).toBe(true);
    expect(breaker.tryAcquireProbe()).toBe(true);
  });

  it('tryAcquireProbe is false while closed (no probe needed)', () => {
    const breaker = new CircuitBreaker({ now: createClock().now });
    expect(breaker.tryAcquireProbe()).toBe(false);
    expect(breaker.allowRequest()).toBe(true);
  });

  it('refuses a threshold below 1', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0 })).toThrow(RangeError);
  });

  it('says how long until it takes a call again: the cool-down left, then the probe time left', () => {
    const clock = createClock();
    const breaker = new CircuitBreaker({ now: clock.now, failureThreshold: 1, cooldownMs: 1000, probeTimeoutMs: 400 });
    expect(breaker.msUntilAvailable()).toBe(0);
    breaker.recordFailure();
    clock.time = 250;
    expect(breaker.msUntilAvailable()).toBe(750);
    clock.time = 1000;
    expect(breaker.msUntilAvailable()).toBe(0); // half-open, its probe free
    expect(breaker.tryAcquireProbe()).toBe(true);
    clock.time = 1100;
    expect(breaker.msUntilAvailable()).toBe(300);
    breaker.recordSuccess();
    expect(breaker.msUntilAvailable()).toBe(0);
  });
});
