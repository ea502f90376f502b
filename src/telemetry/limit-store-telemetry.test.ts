import { describe, expect, it } from 'vitest';
import { engineChannels, type LimitStoreErrorEvent, type LimitStoreStateEvent } from '../engine/engine-events.js';
import { createStoreFailover } from '../engine/limits/failover/create-store-failover.js';
import { RateLimitStoreError } from '../engine/limits/rate-limit-store-error.js';
import { createMetrics } from './create-metrics.js';
import { createRequestLogger } from './create-request-logger.js';

describe('shared limit store failures in the telemetry', () => {
  it('counts every failure in liter_llm_limit_store_errors_total{store,operation}', async () => {
    const metrics = createMetrics({ collectDefault: false });
    try {
      const publish = (event: LimitStoreErrorEvent) => engineChannels.limitStoreError.publish(event);
      const error = new RateLimitStoreError('Redis take on openai:requests timed out after 50 ms');
      publish({ store: 'rate_limit', operation: 'take', error });
      publish({ store: 'rate_limit', operation: 'take', error });
      publish({ store: 'concurrency_lease', operation: 'renew', error });
      const text = await metrics.metricsText();
      expect(text).toContain('liter_llm_limit_store_errors_total{store="rate_limit",operation="take"} 2');
      expect(text).toContain('liter_llm_limit_store_errors_total{store="concurrency_lease",operation="renew"} 1');
    } finally {
      metrics.unsubscribe();
    }
  });

  it('logs the outage once and the return once, however many calls fail', () => {
    const lines: string[] = [];
    const logs = createRequestLogger({ env: {}, destination: { write: (line) => lines.push(line) } });
    const states: LimitStoreStateEvent[] = [];
    const record = (message: unknown) => states.push(message as LimitStoreStateEvent);
    engineChannels.limitStoreState.subscribe(record);
    try {
      let now = 0;
      const failover = createStoreFailover({
        store: 'rate_limit',
        onStoreError: 'fail_open',
        fallback: 'local buckets at 1/3 of each limit',
        probeIntervalMs: 1000,
        now: () => now,
      });
      for (let i = 0; i < 5; i++) {
        if (failover.shouldTry())
          failover.failed('take', new RateLimitStoreError('Redis take on openai:requests failed: not connected'));
        now += 400;
      }
      now += 1000;
      expect(failover.shouldTry()).toBe(true);
      failover.succeeded();
      const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(parsed.map((line) => [line.level, line.store, line.on_store_error])).toEqual([
        ['warn', 'rate_limit', 'fail_open'],
        ['info', 'rate_limit', 'fail_open'],
      ]);
      expect(parsed[0]!.msg).toBe(
        'the shared limit store (rate_limit) failed (Redis take on openai:requests failed: not connected); fail_open: local buckets at 1/3 of each limit until it answers again (checked every 1000 ms)',
      );
      expect(states.map((state) => state.available)).toEqual([false, true]);
    } finally {
      engineChannels.limitStoreState.unsubscribe(record);
      logs.unsubscribe();
    }
  });
});
