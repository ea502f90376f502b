import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  InvalidRequestError,
  ProviderUnavailableError,
  RateLimitedError,
  type LiterLLMError,
} from '../spec/errors.js';
import type { StreamEvent } from '../spec/stream-event.js';
import { ScriptedProvider } from '../testing/create-scripted-provider.js';
import { failureOf } from '../testing/failure-of.js';
import type { LiterLLMConfigInput } from './config/liter-llm-config-input.js';
import { validateConfigInput } from './config/validate-config-input.js';
import { createEngineCore, type ReloadableEngine } from './create-engine-core.js';
import { engineChannels } from './engine-events.js';

const USER = [{ role: 'user' as const, content: 'hi' }];

function setup(input: LiterLLMConfigInput, providers: Record<string, ScriptedProvider>, random = () => 0.5): ReloadableEngine {
  const result = validateConfigInput(input);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return createEngineCore(result.config, {
    providerFactories: { 'openai-compatible': (config) => providers[config.name]! },
    random,
  });
}

function compatible(extra: Record<string, unknown> = {}) {
  return { type: 'openai-compatible' as const, baseURL: 'http://127.0.0.1:9', ...extra };
}

const unavailable = (message = 'upstream 503') =>
  new ProviderUnavailableError({ message, provider: 'a', status: 503, retryable: true });

async function collect(stream: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe('createEngineCore', () => {
  it('calls provider/model directly and reports who served it and each attempt', async () => {
    const a = new ScriptedProvider('a');
    const engine = setup({ providers: { a: compatible() } }, { a });
    const response = await engine.chat({ model: 'a/some/model-id', messages: USER });
    expect(response.provider).toBe('a');
    expect(response.model).toBe('some/model-id');
    expect(a.calls[0]!.request.model).toBe('some/model-id');
    expect(response.attempts).toEqual([expect.objectContaining({ provider: 'a', model: 'some/model-id', outcome: 'ok' })]);
  });

  it('retries a retryable error on the same provider, then succeeds', async () => {
    const a = new ScriptedProvider('a').script({ kind: 'fail', error: unavailable() }, { kind: 'fail', error: unavailable() });
    const engine = setup({ providers: { a: compatible({ maxRetries: 2 }) } }, { a }, () => 0);
    const response = await engine.chat({ model: 'a/m', messages: USER });
    expect(a.calls).toHaveLength(3);
    expect(response.attempts!.map((attempt) => attempt.outcome)).toEqual(['provider_unavailable', 'provider_unavailable', 'ok']);
  });

  it('honours retry-after from the error before retrying', async () => {
    const limited = new RateLimitedError({ message: '429', provider: 'a', status: 429, retryAfterMs: 120 });
    const a = new ScriptedProvider('a').script({ kind: 'fail', error: limited });
    const engine = setup({ providers: { a: compatible({ maxRetries: 1 }) } }, { a });
    await engine.chat({ model: 'a/m', messages: USER });
    expect(a.calls[1]!.startedAt - a.calls[0]!.startedAt).toBeGreaterThanOrEqual(115);
  });

  it('does not retry or fall back on a non-retryable error', async () => {
    const a = new ScriptedProvider('a').script({
      kind: 'fail',
      error: new InvalidRequestError({ message: 'bad', provider: 'a', status: 400 }),
    });
    const b = new ScriptedProvider('b');
    const engine = setup(
      {
        providers: { a: compatible({ maxRetries: 3 }), b: compatible() },
        routes: { r: { targets: [{ provider: 'a', model: 'm' }], fallbacks: ['b/m'] } },
      },
      { a, b },
    );
    const error = await failureOf(engine.chat({ model: 'r', messages: USER }));
    expect(error.code).toBe('invalid_request');
    expect(a.calls).toHaveLength(1);
    expect(b.calls).toHaveLength(0);
  });

  it('falls back to the next target once retries are spent, and says who served', async () => {
    const a = new ScriptedProvider('a', { kind: 'fail', error: unavailable() });
    const b = new ScriptedProvider('b');
    const engine = setup(
      {
        providers: { a: compatible({ maxRetries: 1 }), b: compatible() },
        routes: { r: { targets: [{ provider: 'a', model: 'm1' }], fallbacks: ['b/m2'] } },
      },
      { a, b },
      () => 0,
    );
    const response = await engine.chat({ model: 'r', messages: USER });
    expect(a.calls).toHaveLength(2);
    expect(response.provider).toBe('b');
    expect(response.model).toBe('m2');
    expect(response.attempts!.map((attempt) => `${attempt.provider}:${attempt.outcome}`)).toEqual([
      'a:provider_unavailable',
      'a:provider_unavailable',
      'b:ok',
    ]);
  });

  it('never falls back on an authentication error', async () => {
    const a = new ScriptedProvider('a', {
      kind: 'fail',
      error: new AuthenticationError({ message: 'bad key', provider: 'a', status: 401 }),
    });
    const b = new ScriptedProvider('b');
    const engine = setup(
      {
        providers: { a: compatible(), b: compatible() },
        routes: { r: { targets: [{ provider: 'a', model: 'm' }], fallbacks: ['b/m'] } },
      },
      { a, b },
    );
    expect((await failureOf(engine.chat({ model: 'r', messages: USER }))).code).toBe('authentication');
    expect(b.calls).toHaveLength(0);
  });

  it('falls back when the local limiter refuses (rate_limited without an upstream status)', async () => {
    const a = new ScriptedProvider('a', { kind: 'reply', delayMs: 50 });
    const b = new ScriptedProvider('b');
    const engine = setup(
      {
        providers: { a: compatible({ maxConcurrency: 1, maxQueueWaitMs: 0 }), b: compatible() },
        routes: { r: { targets: [{ provider: 'a', model: 'm' }], fallbacks: ['b/m'] } },
      },
      { a, b },
    );
    const [first, second] = await Promise.all([
      engine.chat({ model: 'r', messages: USER }),
      engine.chat({ model: 'r', messages: USER }),
    ]);
    expect([first.provider, second.provider].sort()).toEqual(['a', 'b']);
  });

  it('fails with RateLimited and a retry hint when the limiter refuses and there is no fallback', async () => {
    const a = new ScriptedProvider('a');
    const engine = setup({ providers: { a: compatible({ rateLimitPerMinute: 1, maxQueueWaitMs: 0 }) } }, { a });
    await engine.chat({ model: 'a/m', messages: USER });
    const error = await failureOf(engine.chat({ model: 'a/m', messages: USER }));
    expect(error.code).toBe('rate_limited');
    expect(error.status).toBeUndefined();
    expect(error.retryAfterMs).toBeGreaterThan(50_000);
    expect(a.calls).toHaveLength(1);
  });

  it('opens a circuit after repeated failures, sends traffic to the fallback, and probes back in', async () => {
    let now = 1_000;
    const a = new ScriptedProvider('a', { kind: 'fail', error: unavailable() });
    const b = new ScriptedProvider('b');
    const result = validateConfigInput({
      providers: { a: compatible({ maxRetries: 0 }), b: compatible() },
      routes: {
        r: {
          targets: [{ provider: 'a', model: 'm' }],
          fallbacks: ['b/m'],
          circuitBreaker: { failureThreshold: 2, cooldownMs: 1_000 },
        },
      },
    });
    if (!result.ok) throw new Error('config');
    const realNow = Date.now;
    Date.now = () => now;
    try {
      const engine = createEngineCore(result.config, {
        providerFactories: { 'openai-compatible': (config) => ({ a, b })[config.name]! },
      });
      for (let index = 0; index < 4; index++) await engine.chat({ model: 'r', messages: USER });
      expect(a.calls).toHaveLength(2); // the circuit opened after two failures
      expect(b.calls).toHaveLength(4);
      now += 1_500;
      a.script({ kind: 'reply' }, { kind: 'reply' });
      expect((await engine.chat({ model: 'r', messages: USER })).provider).toBe('a'); // the probe succeeds
      expect((await engine.chat({ model: 'r', messages: USER })).provider).toBe('a'); // closed again
    } finally {
      Date.now = realNow;
    }
  });

  it('cancels a call, its queue wait and its retries when the caller aborts', async () => {
    const a = new ScriptedProvider('a', { kind: 'reply', delayMs: 10_000 });
    const engine = setup({ providers: { a: compatible({ maxConcurrency: 1, maxQueueWaitMs: 60_000 }) } }, { a });
    const controller = new AbortController();
    const running = engine.chat({ model: 'a/m', messages: USER }, { signal: controller.signal });
    const queued = engine.chat({ model: 'a/m', messages: USER }, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(engine.stats()[0]).toMatchObject({ inFlight: 1, queued: 1 });
    controller.abort();
    expect((await failureOf(running)).code).toBe('cancelled');
    expect((await failureOf(queued)).code).toBe('cancelled');
    expect(engine.stats()[0]).toMatchObject({ inFlight: 0, queued: 0 });
    expect(a.calls).toHaveLength(1);
  });

  it('times out an attempt after timeout_ms and retries it (timeouts are retryable)', async () => {
    const a = new ScriptedProvider('a').script({ kind: 'reply', delayMs: 5_000 });
    const engine = setup({ providers: { a: compatible({ timeoutMs: 50, maxRetries: 1 }) } }, { a }, () => 0);
    const response = await engine.chat({ model: 'a/m', messages: USER });
    expect(response.attempts!.map((attempt) => attempt.outcome)).toEqual(['timeout', 'ok']);
  });

  it('ends the whole call at the caller deadline with a timeout error', async () => {
    const a = new ScriptedProvider('a', { kind: 'reply', delayMs: 5_000 });
    const engine = setup({ providers: { a: compatible({ maxRetries: 5 }) } }, { a });
    const started = Date.now();
    const error = await failureOf(engine.chat({ model: 'a/m', messages: USER }, { timeoutMs: 80 }));
    expect(error.code).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(a.calls).toHaveLength(1);
  });

  it('rejects bad input with the field named, before any provider is called', async () => {
    const a = new ScriptedProvider('a');
    const engine = setup({ providers: { a: compatible() } }, { a });
    const error = await failureOf(engine.chat({ model: 'a/m', messages: [] }));
    expect(error).toMatchObject({ code: 'invalid_request', param: 'messages' });
    const unknown = await failureOf(engine.chat({ model: 'nope/m', messages: USER }));
    expect(unknown).toMatchObject({ code: 'not_found', param: 'model' });
    expect(unknown.message).toContain('provider "nope" is not configured');
    expect(a.calls).toHaveLength(0);
  });

  it('publishes request and attempt events on diagnostics channels', async () => {
    const a = new ScriptedProvider('a').script({ kind: 'fail', error: unavailable() });
    const engine = setup({ providers: { a: compatible({ maxRetries: 1 }) } }, { a }, () => 0);
    const seen: string[] = [];
    const onStart = () => seen.push('request:start');
    const onAttempt = (message: unknown) => seen.push(`attempt:${(message as { error?: LiterLLMError }).error?.code ?? 'ok'}`);
    const onEnd = () => seen.push('request:end');
    engineChannels.requestStart.subscribe(onStart);
    engineChannels.attemptEnd.subscribe(onAttempt);
    engineChannels.requestEnd.subscribe(onEnd);
    try {
      await engine.chat({ model: 'a/m', messages: USER });
    } finally {
      engineChannels.requestStart.unsubscribe(onStart);
      engineChannels.attemptEnd.unsubscribe(onAttempt);
      engineChannels.requestEnd.unsubscribe(onEnd);
    }
    expect(seen).toEqual(['request:start', 'attempt:provider_unavailable', 'attempt:ok', 'request:end']);
  });

  describe('streams', () => {
    it('streams events in order and releases the permit at the end', async () => {
      const a = new ScriptedProvider('a').script({ kind: 'stream', deltas: ['Hel', 'lo'] });
      const engine = setup({ providers: { a: compatible() } }, { a });
      const events = await collect(engine.chatStream({ model: 'a/m', messages: USER }));
      expect(events.map((event) => event.type)).toEqual(['start', 'text-delta', 'text-delta', 'finish']);
      expect(engine.stats()[0]!.inFlight).toBe(0);
    });

    it('retries a stream that fails before its first content, invisibly to the caller', async () => {
      const a = new ScriptedProvider('a').script(
        { kind: 'stream', deltas: ['x'], failAfter: 0, error: unavailable('reset before content') },
        { kind: 'stream', deltas: ['ok'] },
      );
      const engine = setup({ providers: { a: compatible({ maxRetries: 1 }) } }, { a }, () => 0);
      const stream = engine.chatStream({ model: 'a/m', messages: USER });
      const events = await collect(stream);
      expect(events.filter((event) => event.type === 'start')).toHaveLength(1);
      expect(events.filter((event) => event.type === 'text-delta')).toEqual([{ type: 'text-delta', text: 'ok' }]);
      expect(a.calls).toHaveLength(2);
      // The caller saw one stream; the attempts say what it took.
      expect(stream.attempts.map((attempt) => [attempt.provider, attempt.outcome])).toEqual([
        ['a', 'provider_unavailable'],
        ['a', 'ok'],
      ]);
    });

    it('never retries or falls back after content has reached the caller', async () => {
      const a = new ScriptedProvider('a').script({
        kind: 'stream',
        deltas: ['one', 'two'],
        failAfter: 1,
        error: unavailable('mid-stream'),
      });
      const b = new ScriptedProvider('b');
      const engine = setup(
        {
          providers: { a: compatible({ maxRetries: 3 }), b: compatible() },
          routes: { r: { targets: [{ provider: 'a', model: 'm' }], fallbacks: ['b/m'] } },
        },
        { a, b },
      );
      const seen: StreamEvent[] = [];
      const stream = engine.chatStream({ model: 'r', messages: USER });
      const error = await failureOf(
        (async () => {
          for await (const event of stream) seen.push(event);
        })(),
      );
      expect(error.message).toContain('mid-stream');
      // Recorded ok at its first content, the attempt ends with the stream's failure.
      expect(stream.attempts.map((attempt) => attempt.outcome)).toEqual(['provider_unavailable']);
      expect(seen.map((event) => event.type)).toEqual(['start', 'text-delta']);
      expect(a.calls).toHaveLength(1);
      expect(b.calls).toHaveLength(0);
      expect(engine.stats().every((stats) => stats.inFlight === 0)).toBe(true);
    });

    it('breaking out of the loop closes the upstream stream and frees the permit', async () => {
      const a = new ScriptedProvider('a').script({ kind: 'stream', deltas: ['a', 'b', 'c'], hang: true });
      const engine = setup({ providers: { a: compatible({ maxConcurrency: 1 }) } }, { a });
      const stream = engine.chatStream({ model: 'a/m', messages: USER });
      for await (const event of stream) {
        if (event.type === 'text-delta') break;
      }
      expect(a.streamsClosed).toBe(1);
      expect(stream.attempts.map((attempt) => attempt.outcome)).toEqual(['cancelled']);
      expect(engine.stats()[0]!.inFlight).toBe(0);
      // The single permit is free again: a second call goes through at once.
      await engine.chat({ model: 'a/m', messages: USER });
    });

    it('aborting mid-stream ends the iteration with a cancelled error and frees the permit', async () => {
      const a = new ScriptedProvider('a').script({ kind: 'stream', deltas: ['a'], hang: true });
      const engine = setup({ providers: { a: compatible() } }, { a });
      const controller = new AbortController();
      const error = await failureOf(
        (async () => {
          for await (const event of engine.chatStream({ model: 'a/m', messages: USER }, { signal: controller.signal })) {
            if (event.type === 'text-delta') controller.abort();
          }
        })(),
      );
      expect(error.code).toBe('cancelled');
      expect(engine.stats()[0]!.inFlight).toBe(0);
    });
  });

  describe('hot reload', () => {
    it('swaps a route for new calls while calls in flight finish on the old target', async () => {
      const a = new ScriptedProvider('a', { kind: 'reply', delayMs: 100 });
      const b = new ScriptedProvider('b');
      const engine = setup(
        { providers: { a: compatible(), b: compatible() }, routes: { r: { targets: [{ provider: 'a', model: 'm' }] } } },
        { a, b },
      );
      const inFlight = engine.chat({ model: 'r', messages: USER });
      await new Promise((resolve) => setTimeout(resolve, 10));
      const next = validateConfigInput({
        providers: { a: compatible(), b: compatible() },
        routes: { r: { targets: [{ provider: 'b', model: 'm' }] } },
      });
      if (!next.ok) throw new Error('config');
      engine.reload(next.config);
      const after = await engine.chat({ model: 'r', messages: USER });
      expect(after.provider).toBe('b');
      expect((await inFlight).provider).toBe('a');
    });

    it('keeps limiter state across a reload that does not change the provider', async () => {
      const a = new ScriptedProvider('a');
      const engine = setup({ providers: { a: compatible({ rateLimitPerMinute: 1, maxQueueWaitMs: 0 }) } }, { a });
      await engine.chat({ model: 'a/m', messages: USER });
      const next = validateConfigInput({
        providers: { a: compatible({ rateLimitPerMinute: 1, maxQueueWaitMs: 0 }) },
        routes: { r: { targets: [{ provider: 'a', model: 'm' }] } },
      });
      if (!next.ok) throw new Error('config');
      engine.reload(next.config);
      expect((await failureOf(engine.chat({ model: 'a/m', messages: USER }))).code).toBe('rate_limited');
    });
  });
});
