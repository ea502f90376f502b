import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasRedisServer, REDIS_SERVER_MISSING, useRedisServer } from '../../../../test/support/use-redis-server.js';
import { createMemoryRateLimitStore } from '../create-memory-rate-limit-store.js';
import type { RateLimit } from '../rate-limit-store.js';
import { createRedisRateLimitStore } from './create-redis-rate-limit-store.js';

type Step =
  | { type: 'take'; cost: number }
  | { type: 'refund'; tokens: number }
  | { type: 'charge'; tokens: number }
  | { type: 'pause'; ms: number }
  | { type: 'clock'; ms: number }
  | { type: 'resize'; factor: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ type: fc.constant('take' as const), cost: fc.integer({ min: 0, max: 40 }) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('refund' as const), tokens: fc.integer({ min: 1, max: 30 }) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('charge' as const), tokens: fc.integer({ min: 1, max: 30 }) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('pause' as const), ms: fc.integer({ min: -500, max: 20_000 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant('clock' as const),
      ms: fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.double({ min: 0, max: 70_000, noNaN: true })),
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('resize' as const), factor: fc.constantFrom(0.5, 2, 1.5) }) },
);

describe.skipIf(!hasRedisServer)('the Lua token bucket against the in-memory model', () => {
  const suite = useRedisServer();
  let run = 0;

  it('grants what the model grants, no more, for any sequence of takes, refunds, charges, pauses, resizes and clock steps', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 100 }),
        fc.double({ min: 0.1, max: 5, noNaN: true }),
        fc.boolean(),
        fc.array(step, { minLength: 1, maxLength: 40 }),
        async (capacity, refillFactor, pauseFirst, steps) => {
          let now = 1_700_000_000_000 + run * 1_000_000;
          const key = `property${++run}:tokens`;
          // Generous timeout: the property checks the arithmetic, not the latency.
          const shared = createRedisRateLimitStore({
            redis: suite.redis,
            keyPrefix: 'property:',
            clock: () => now,
            commandTimeoutMs: 2000,
          });
          const model = createMemoryRateLimitStore();
          let limit: RateLimit = { capacity, refillPerMs: (capacity * refillFactor) / 60_000 };
          let grantedShared = 0;
          let grantedModel = 0;
          if (pauseFirst) {
            // A pause for a key nothing has taken from yet is kept for the bucket the first take makes.
            await shared.pause(key, now + 1000, now);
            model.pauseSync(key, now + 1000, now);
          }
          for (const current of steps) {
            switch (current.type) {
              case 'take': {
                const got = await shared.take(key, current.cost, limit, now);
                const want = model.takeSync(key, current.cost, limit, now);
                if (got.ok) grantedShared += current.cost;
                if (want.ok) grantedModel += current.cost;
                expect(grantedShared).toBeLessThanOrEqual(grantedModel);
                expect(got).toEqual(want);
                break;
              }
              case 'refund':
                await shared.adjust(key, current.tokens, limit, now);
                model.adjustSync(key, current.tokens, limit, now);
                break;
              case 'charge':
                await shared.adjust(key, -current.tokens, limit, now);
                model.adjustSync(key, -current.tokens, limit, now);
                break;
              case 'pause':
                await shared.pause(key, now + current.ms, now);
                model.pauseSync(key, now + current.ms, now);
                break;
              case 'clock':
                now += current.ms;
                break;
              case 'resize':
                limit = {
                  capacity: Math.max(1, Math.round(limit.capacity * current.factor)),
                  refillPerMs: limit.refillPerMs * current.factor,
                };
                break;
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

if (!hasRedisServer) it('the Lua token bucket against redis-server', (context) => context.skip(REDIS_SERVER_MISSING));
