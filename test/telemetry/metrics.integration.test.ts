/**
 * Metrics after a known sequence of calls through a real engine, real adapters and sockets:
 * successes (JSON, stream, embeddings, a route), recorded upstream errors, a retry after a 503 and
 * one after a 429, a call the local limiter turns away and an unknown provider. Every counter and
 * histogram count is asserted exactly.
 */
import { join } from 'node:path';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/create-engine.js';
import type { ReloadableEngine } from '../../src/engine/create-engine-core.js';
import type { Usage } from '../../src/spec/chat-response.js';
import { isLiterLLMError } from '../../src/spec/errors.js';
import { createMetrics, LATENCY_BUCKETS_SECONDS, type Metrics } from '../../src/telemetry/create-metrics.js';
import { echoOpenAIHandler } from '../../src/testing/echo-openai-handler.js';
import { loadFixture } from '../../src/testing/load-fixture.js';
import { MockProviderServer } from '../../src/testing/mock-provider-server.js';
import { findPromtool, PROMTOOL_MISSING, runPromtool } from './promtool.js';

const FIXTURES = new URL('../../src/providers/openai/__fixtures__/openai-chat/', import.meta.url).pathname;
const USER = [{ role: 'user' as const, content: 'Hello there' }];
// OpenAI records no 5xx/429 in the fixtures; these bodies follow OpenAI's documented error shape.
const OVERLOADED = {
  status: 503,
  headers: { 'content-type': 'application/json' },
  body: '{"error":{"message":"overloaded","type":"server_error"}}',
};
const TOO_MANY = {
  status: 429,
  headers: { 'content-type': 'application/json', 'retry-after-ms': '1' },
  body: '{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}',
};

let upstream: MockProviderServer;
let engine: ReloadableEngine;
let metrics: Metrics;
let json: MetricObjectWithValues<MetricValue<string>>[];
const usages: Record<string, { input: number; output: number }> = {};

function addUsage(model: string, usage: Pick<Usage, 'inputTokens'> & { outputTokens?: number }): void {
  const entry = (usages[model] ??= { input: 0, output: 0 });
  entry.input += usage.inputTokens;
  entry.output += usage.outputTokens ?? 0;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isLiterLLMError(error)) return error.code;
    throw error;
  }
  throw new Error('expected a failure');
}

/** prom-client reports histogram samples with their series name (`_bucket`, `_sum`, `_count`); its types omit it. */
type Sample = MetricValue<string> & { metricName?: string };

function valuesOf(name: string): Sample[] {
  const metric = json.find((candidate) => candidate.name === name);
  if (!metric) throw new Error(`no metric ${name}`);
  return metric.values;
}

/** Every sample of a metric as `label=value,…` → value, for whole-set comparisons. */
function samples(name: string, metricName = name): Record<string, number> {
  const result: Record<string, number> = {};
  for (const value of valuesOf(name)) {
    if ((value.metricName ?? name) !== metricName) continue;
    const labels = Object.entries(value.labels)
      .filter(([key]) => key !== 'le')
      .map(([key, label]) => `${key}=${label}`)
      .join(',');
    result[labels] = value.value;
  }
  return result;
}

beforeAll(async () => {
  upstream = await MockProviderServer.start({ handler: echoOpenAIHandler });
  engine = createEngine(
    {
      providers: {
        // The 429's retry-after pauses the limiter for 1 ms; a queue wait lets the retry wait it out.
        openai: {
          baseURL: `${upstream.url}/v1`,
          apiKey: 'sk-test-key-123456',
          maxRetries: 1,
          maxConcurrency: 7,
          maxQueueWaitMs: 2_000,
        },
        limited: {
          type: 'openai-compatible',
          baseURL: `${upstream.url}/v1`,
          rateLimitPerMinute: 1,
          maxQueueWaitMs: 0,
          maxRetries: 0,
        },
      },
      routes: { 'chat-default': { targets: [{ provider: 'openai', model: 'gpt-4o-mini' }] } },
    },
    { random: () => 0 },
  );
  metrics = createMetrics({ engine });

  addUsage('gpt-4o-mini', (await engine.chat({ model: 'openai/gpt-4o-mini', messages: USER })).usage);
  addUsage(
    'gpt-4o-mini',
    (await engine.chat({ model: 'chat-default', messages: [{ role: 'user', content: 'Route me' }] })).usage,
  );
  for await (const event of engine.chatStream({
    model: 'openai/gpt-4o-mini',
    messages: [{ role: 'user', content: 'Stream me' }],
  })) {
    if (event.type === 'finish') addUsage('gpt-4o-mini', event.usage);
  }
  addUsage('text-embedding-3-small', (await engine.embed({ model: 'openai/text-embedding-3-small', input: ['a', 'bb'] })).usage);

  upstream.enqueue(loadFixture(join(FIXTURES, 'error-400-missing-model.json')).response);
  expect(await codeOf(engine.chat({ model: 'openai/gpt-4o-mini', messages: USER }))).toBe('invalid_request');

  upstream.enqueue(OVERLOADED);
  addUsage('gpt-4o-mini', (await engine.chat({ model: 'openai/gpt-4o-mini', messages: USER })).usage);
  upstream.enqueue(TOO_MANY);
  addUsage('gpt-4o-mini', (await engine.chat({ model: 'openai/gpt-4o-mini', messages: USER })).usage);

  upstream.enqueue(loadFixture(join(FIXTURES, 'error-404-model-not-found.json')).response);
  expect(await codeOf(engine.chat({ model: 'openai/gpt-5.2-proo', messages: USER }))).toBe('not_found');

  addUsage('m', (await engine.chat({ model: 'limited/m', messages: USER })).usage);
  expect(await codeOf(engine.chat({ model: 'limited/m', messages: USER }))).toBe('rate_limited');
  expect(await codeOf(engine.chat({ model: 'nowhere/m', messages: USER }))).toBe('not_found');

  json = await metrics.registry.getMetricsAsJSON();
});

afterAll(async () => {
  metrics.unsubscribe();
  await engine.close();
  await upstream.close();
});

describe('createMetrics through a real engine', () => {
  it('counts every call once by provider, served model and status', () => {
    expect(upstream.requests).toHaveLength(11);
    expect(samples('liter_llm_requests_total')).toEqual({
      'provider=openai,model=gpt-4o-mini,status=ok': 5,
      'provider=openai,model=text-embedding-3-small,status=ok': 1,
      'provider=openai,model=gpt-4o-mini,status=invalid_request': 1,
      // A made-up model name never becomes a label value.
      'provider=openai,model=unknown,status=not_found': 1,
      'provider=limited,model=m,status=ok': 1,
      'provider=limited,model=m,status=rate_limited': 1,
      'provider=unknown,model=unknown,status=not_found': 1,
    });
  });

  it('observes one latency per call, in the configured buckets', () => {
    expect(samples('liter_llm_latency_seconds', 'liter_llm_latency_seconds_count')).toEqual({
      'provider=openai,model=gpt-4o-mini': 6,
      'provider=openai,model=text-embedding-3-small': 1,
      'provider=openai,model=unknown': 1,
      'provider=limited,model=m': 2,
      'provider=unknown,model=unknown': 1,
    });
    const buckets = valuesOf('liter_llm_latency_seconds').filter(
      (value) => value.metricName === 'liter_llm_latency_seconds_bucket' && value.labels['model'] === 'gpt-4o-mini',
    );
    expect(buckets.map((value) => value.labels['le'])).toEqual([...LATENCY_BUCKETS_SECONDS, '+Inf']);
    expect(buckets.at(-1)!.value).toBe(6);
    const sum = samples('liter_llm_latency_seconds', 'liter_llm_latency_seconds_sum')['provider=openai,model=gpt-4o-mini']!;
    expect(sum).toBeGreaterThan(0);
    expect(sum).toBeLessThan(6 * 5);
  });

  it('observes time to first token for the stream only', () => {
    expect(samples('liter_llm_time_to_first_token_seconds', 'liter_llm_time_to_first_token_seconds_count')).toEqual({
      'provider=openai,model=gpt-4o-mini': 1,
    });
  });

  it('adds up the tokens the provider reported, input and output', () => {
    expect(usages['gpt-4o-mini']!.input).toBeGreaterThan(0);
    expect(usages['gpt-4o-mini']!.output).toBeGreaterThan(0);
    expect(samples('liter_llm_tokens_total')).toEqual({
      'provider=openai,model=gpt-4o-mini,kind=input': usages['gpt-4o-mini']!.input,
      'provider=openai,model=gpt-4o-mini,kind=output': usages['gpt-4o-mini']!.output,
      'provider=openai,model=text-embedding-3-small,kind=input': usages['text-embedding-3-small']!.input,
      'provider=limited,model=m,kind=input': usages['m']!.input,
      'provider=limited,model=m,kind=output': usages['m']!.output,
    });
  });

  it('counts retries, rate-limit rejections (local and upstream 429) and returns in-flight to zero', () => {
    expect(samples('liter_llm_retries_total')).toEqual({ 'provider=openai': 2 });
    expect(samples('liter_llm_rate_limited_total')).toEqual({ 'provider=openai': 1, 'provider=limited': 1 });
    expect(samples('liter_llm_inflight_requests')).toEqual({ 'provider=openai': 0, 'provider=limited': 0 });
  });

  it('reads max_concurrency and the queue from the engine at scrape time', () => {
    expect(samples('liter_llm_max_concurrency')).toEqual({
      'provider=openai': 7,
      'provider=limited': engine.config.providers['limited']!.maxConcurrency,
    });
    expect(samples('liter_llm_queued_requests')).toEqual({ 'provider=openai': 0, 'provider=limited': 0 });
  });

  it('serves Node process metrics alongside, in text that promtool accepts', async (context) => {
    const text = await metrics.metricsText();
    expect(metrics.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(text).toContain('# TYPE process_cpu_seconds_total counter');
    expect(text).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
    expect(text).toContain('liter_llm_requests_total{provider="openai",model="gpt-4o-mini",status="ok"} 5');
    const promtool = findPromtool();
    if (!promtool) return context.skip(PROMTOOL_MISSING);
    const result = runPromtool(promtool, ['check', 'metrics'], text);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });

  it('stops counting after unsubscribe, and a prefix renames every metric', async () => {
    const prefixed = createMetrics({ prefix: 'gateway_', collectDefault: false });
    prefixed.unsubscribe();
    await engine.chat({ model: 'openai/gpt-4o-mini', messages: USER });
    const names = (await prefixed.registry.getMetricsAsJSON()).map((metric) => metric.name);
    expect(names).toContain('gateway_liter_llm_requests_total');
    expect(names.every((name) => name.startsWith('gateway_'))).toBe(true);
    expect(await prefixed.metricsText()).not.toContain('gateway_liter_llm_requests_total{');
  });
});
