/**
 * Issue 14, section 4: replicas that share one Redis behave as one gateway. Two (or three)
 * `liter-llm serve` processes, a real redis-server on a free loopback port, and a local OpenAI
 * wire-format server in this process that records when each call reached it.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { echoOpenAIHandler } from '../src/testing/echo-openai-handler.js';
import { MockProviderServer, type MockHandler } from '../src/testing/mock-provider-server.js';
import { callGateway, driveOpenLoop, maxInAnyWindow } from './fleet/drive-load.js';
import { type GatewayProcess, startGatewayProcess } from './fleet/gateway-process.js';
import { Redis } from 'ioredis';
import { type RedisServerHandle, startRedisServer } from '../src/testing/start-redis-server.js';
import { FAIL_FAST_REDIS_OPTIONS, hasRedisServer } from './support/use-redis-server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const started: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((each) => each.close()));
});

async function upstream(handler: MockHandler = echoOpenAIHandler): Promise<MockProviderServer> {
  const server = await MockProviderServer.start({ handler });
  started.push(server);
  return server;
}

async function redis(): Promise<RedisServerHandle> {
  const server = await startRedisServer();
  started.push(server);
  return server;
}

/** Every key in the Redis at `url`, with its time to live (ms). */
async function keysWithTTL(url: string): Promise<Map<string, number>> {
  const client = new Redis(url, { ...FAIL_FAST_REDIS_OPTIONS, lazyConnect: true });
  try {
    await client.connect();
    const keys = await client.keys('*');
    return new Map(await Promise.all(keys.map(async (key) => [key, await client.pttl(key)] as const)));
  } finally {
    client.disconnect();
  }
}

/** A replica that fell back to its local buckets says so on stderr; a test of the shared budget must not. */
function expectNoFallback(fleet: readonly GatewayProcess[]): void {
  for (const replica of fleet) expect(replica.stderr()).not.toContain('shared limit store');
}

async function gateways(count: number, config: object): Promise<GatewayProcess[]> {
  const replicas = await Promise.all(Array.from({ length: count }, () => startGatewayProcess(config)));
  for (const replica of replicas) started.push({ close: () => replica.stop() });
  return replicas;
}

/**
 * A fleet config: one OpenAI-compatible provider at `upstreamURL`, limits in the Redis at `redisURL`.
 * This machine is shared by many test processes: at the default 50 ms a command sometimes times out
 * and the replica (rightly) falls back to local buckets, so the tests of the shared budget allow
 * 1 s; the outage tests set their own.
 */
function fleetConfig(upstreamURL: string, redisURL: string, provider: object, limits: object = {}): object {
  return {
    providers: {
      openai: { base_url: `${upstreamURL}/v1`, api_key: 'sk-test-key-123456', max_retries: 0, ...provider },
    },
    limits: {
      store: 'redis',
      redis_url: redisURL,
      key_prefix: `fleet-${randomBytes(4).toString('hex')}:`,
      command_timeout_ms: 1_000,
      ...limits,
    },
  };
}

const chatTimes = (server: MockProviderServer) =>
  server.requests.filter((request) => request.url.endsWith('/chat/completions')).map((request) => request.receivedAt);

describe.skipIf(!hasRedisServer)('replicas sharing one Redis', () => {
  it('hold the fleet to rate_limit_per_minute: 60 when driven at 3x from two replicas', async () => {
    const provider = await upstream();
    const store = await redis();
    const fleet = await gateways(2, fleetConfig(provider.url, store.url, { rate_limit_per_minute: 60, max_queue_wait_ms: 0 }));
    const urls = fleet.map((replica) => replica.url);

    // Spend the shared burst of 60 first, from both replicas at once; then 3 calls a second for 20 s.
    const burst = await Promise.all(Array.from({ length: 80 }, (_, index) => callGateway(urls[index % 2]!)));
    expect(burst.filter((call) => call.status === 200)).toHaveLength(60);
    const steady = await driveOpenLoop(urls, 3, 20_000);
    expectNoFallback(fleet);

    const times = chatTimes(provider);
    // One shared bucket: a burst of 60, then 1 a second, whatever replica is asked.
    for (const windowMs of [1_000, 5_000, 10_000]) {
      expect(maxInAnyWindow(times.slice(60), windowMs)).toBeLessThanOrEqual(windowMs / 1_000 + 1);
    }
    expect(times.length).toBeLessThanOrEqual(60 + 20 + 2);
    const served = steady.filter((call) => call.status === 200);
    expect(served.length).toBeGreaterThanOrEqual(15);
    // Both replicas got their share: neither starved the other.
    for (const url of urls) expect(served.filter((call) => call.gateway === url).length).toBeGreaterThanOrEqual(5);
    const refused = [...burst, ...steady].filter((call) => call.status !== 200);
    expect(refused.length).toBeGreaterThan(0);
    for (const call of refused) {
      expect(call.status).toBe(429);
      expect(Number(call.retryAfter)).toBeGreaterThanOrEqual(1);
    }
  }, 60_000);

  it('hold the fleet to tokens_per_minute the same way, corrected by real usage', async () => {
    const provider = await upstream();
    const store = await redis();
    // Each call is estimated at its prompt plus max_tokens; the echo's usage is smaller, and the
    // refund after each call goes back to the shared bucket.
    const fleet = await gateways(2, fleetConfig(provider.url, store.url, { tokens_per_minute: 600, max_queue_wait_ms: 0 }));
    const urls = fleet.map((replica) => replica.url);
    const body = JSON.stringify({
      model: 'openai/gpt-6-luna',
      max_tokens: 40,
      messages: [{ role: 'user', content: 'Hello there' }],
    });
    const outcomes = await driveOpenLoop(urls, 20, 6_000, body);
    expectNoFallback(fleet);
    const served = outcomes.filter((call) => call.status === 200);
    const usedTokens = served.map((call) => (JSON.parse(call.body) as { usage: { total_tokens: number } }).usage.total_tokens);
    const perCall = Math.max(...usedTokens);
    const total = usedTokens.reduce((sum, tokens) => sum + tokens, 0);
    // 600 at once plus 10 a second refill over 6 s, plus one estimate of slack (an admission made
    // on the estimate before the last refund landed).
    expect(total).toBeLessThanOrEqual(600 + 60 + 60);
    expect(served.length).toBeGreaterThan(0);
    expect(perCall).toBeGreaterThan(0);
    for (const call of outcomes.filter((each) => each.status !== 200)) {
      expect(call.status).toBe(429);
      expect(Number(call.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    for (const url of urls) expect(served.some((call) => call.gateway === url)).toBe(true);
  }, 60_000);

  it('hold max_concurrency_global: 4 across replicas, and give a killed replica its slots back', async () => {
    let inflight = 0;
    const samples: { at: number; inflight: number }[] = [];
    const provider = await upstream(async (request) => {
      inflight++;
      samples.push({ at: performance.now(), inflight });
      await sleep(300);
      inflight--;
      return echoOpenAIHandler(request);
    });
    const store = await redis();
    const [a, b] = await gateways(
      2,
      fleetConfig(provider.url, store.url, { max_concurrency_global: 4, max_queue_wait_ms: 20_000 }, { lease_ms: 2_000 }),
    );
    let running = true;
    const loop = async (gateway: string) => {
      const outcomes = [];
      while (running) outcomes.push(await callGateway(gateway));
      return outcomes;
    };
    const callersOfA = Array.from({ length: 6 }, () => loop(a!.url));
    const callersOfB = Array.from({ length: 6 }, () => loop(b!.url));
    await sleep(2_500);
    expect(Math.max(...samples.map((sample) => sample.inflight))).toBe(4);

    await a!.kill();
    const killedAt = performance.now();
    await sleep(2_000 + 1_500);
    running = false;
    const outcomesOfB = (await Promise.all(callersOfB)).flat();
    await Promise.all(callersOfA);

    // Never more than 4 at the upstream, before or after the kill.
    expect(Math.max(...samples.map((sample) => sample.inflight))).toBeLessThanOrEqual(4);
    // Within the lease time (2 s) plus a renewal period, replica B alone holds all 4 slots.
    const afterKill = samples.filter((sample) => sample.at > killedAt + 2_000 && sample.at < killedAt + 3_500);
    expect(Math.max(...afterKill.map((sample) => sample.inflight))).toBe(4);
    expect(outcomesOfB.every((call) => call.status === 200)).toBe(true);
  }, 60_000);

  it('pause every replica when one of them is told retry-after: 2', async () => {
    let refuseNext = true;
    const provider = await upstream((request) => {
      if (refuseNext && request.url.endsWith('/chat/completions')) {
        refuseNext = false;
        return {
          status: 429,
          headers: { 'content-type': 'application/json', 'retry-after': '2' },
          body: JSON.stringify({ error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }),
        };
      }
      return echoOpenAIHandler(request);
    });
    const store = await redis();
    const [a, b] = await gateways(
      2,
      fleetConfig(provider.url, store.url, { rate_limit_per_minute: 6_000, max_queue_wait_ms: 0 }),
    );
    const told = await callGateway(a!.url);
    expect(told.status).toBe(429);
    const toldAt = Date.now();

    // Replica B was not told, yet sends nothing to the provider for 2 s.
    const duringPause = [];
    while (Date.now() - toldAt < 1_700) {
      duringPause.push(await callGateway(b!.url));
      await sleep(100);
    }
    expect(duringPause.every((call) => call.status === 429)).toBe(true);
    expect(chatTimes(provider).filter((at) => at > toldAt)).toEqual([]);

    await sleep(Math.max(0, toldAt + 2_300 - Date.now()));
    expect((await callGateway(b!.url)).status).toBe(200);
  }, 30_000);
});

describe.skipIf(!hasRedisServer)('when Redis stops mid-load', () => {
  /** 10 calls a second to two replicas; Redis stopped after 2 s and started again after 5 s. */
  async function runThroughOutage(onStoreError: 'fail_open' | 'fail_closed') {
    const provider = await upstream();
    const store = await redis();
    const fleet = await gateways(
      2,
      fleetConfig(
        provider.url,
        store.url,
        { rate_limit_per_minute: 6_000, max_queue_wait_ms: 0, timeout_ms: 5_000 },
        // Short enough that a dead Redis costs little, long enough for a loaded machine's Redis.
        { on_store_error: onStoreError, expected_replicas: 2, command_timeout_ms: 200 },
      ),
    );
    const urls = fleet.map((replica) => replica.url);
    const load = driveOpenLoop(urls, 10, 9_000);
    await sleep(2_000);
    await store.stop();
    const stoppedAt = performance.now();
    await sleep(3_000);
    await store.restart();
    const restartedAt = performance.now();
    const outcomes = await load;
    return { outcomes, stoppedAt, restartedAt, fleet, store, provider };
  }

  it('fail_open keeps serving from local buckets, counts the errors, then goes back to Redis', async () => {
    const { outcomes, stoppedAt, restartedAt, fleet, store } = await runThroughOutage('fail_open');
    // Nothing lost, nothing hung: every call answered, and none waited on the dead store.
    expect(outcomes).toHaveLength(90);
    expect(outcomes.every((call) => call.status === 200)).toBe(true);
    expect(Math.max(...outcomes.map((call) => call.elapsedMs))).toBeLessThan(1_000);
    const duringOutage = outcomes.filter((call) => call.sentAt > stoppedAt + 200 && call.sentAt < restartedAt);
    expect(duringOutage.length).toBeGreaterThan(10);

    const metrics = await (await fetch(`${fleet[0]!.url}/metrics`)).text();
    expect(metrics).toMatch(/^liter_llm_limit_store_errors_total\{[^}]*\} [1-9]/m);
    // /readyz stays ready in fail_open.
    expect((await fetch(`${fleet[0]!.url}/readyz`)).status).toBe(200);

    // Back on the shared buckets within 15 s: a call made now writes its bucket into the new Redis.
    const deadline = performance.now() + 15_000;
    let keys = new Map<string, number>();
    while (performance.now() < deadline) {
      await callGateway(fleet[0]!.url);
      keys = await keysWithTTL(store.url);
      if ([...keys.keys()].some((key) => key.includes('openai'))) break;
      await sleep(500);
    }
    expect([...keys.keys()].some((key) => key.includes('openai'))).toBe(true);
    for (const ttl of keys.values()) expect(ttl).toBeGreaterThan(0);
  }, 60_000);

  it('fail_closed refuses with 429 while Redis is gone, at once, and serves again after', async () => {
    const { outcomes, stoppedAt, restartedAt, fleet } = await runThroughOutage('fail_closed');
    expect(outcomes).toHaveLength(90);
    expect(Math.max(...outcomes.map((call) => call.elapsedMs))).toBeLessThan(1_000);
    const duringOutage = outcomes.filter((call) => call.sentAt > stoppedAt + 200 && call.sentAt < restartedAt);
    expect(duringOutage.length).toBeGreaterThan(10);
    for (const call of duringOutage) {
      expect(call.status).toBe(429);
      expect(call.retryAfter).not.toBeNull();
    }
    expect(outcomes.filter((call) => call.sentAt < stoppedAt).every((call) => call.status === 200)).toBe(true);
    // Serving again once Redis answers (the reconnect may take a moment).
    const deadline = performance.now() + 15_000;
    let status = 0;
    while (performance.now() < deadline && status !== 200) {
      status = (await callGateway(fleet[1]!.url)).status;
      if (status !== 200) await sleep(250);
    }
    expect(status).toBe(200);
  }, 60_000);
});
