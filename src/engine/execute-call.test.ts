import { describe, expect, it } from 'vitest';
import { isLiterLLMError, ProviderUnavailableError } from '../spec/errors.js';
import type { Provider } from '../spec/provider.js';
import type { StreamEvent } from '../spec/stream-event.js';
import { ScriptedProvider } from '../testing/create-scripted-provider.js';
import type { Candidate } from './candidate.js';
import { validateConfigInput } from './config/validate-config-input.js';
import type { RequestContext } from './engine-events.js';
import { createEngineCore } from './create-engine-core.js';
import { asLiterLLMError, executeCall } from './execute-call.js';
import { createMemoryRateLimitStore } from './limits/create-memory-rate-limit-store.js';
import { createProviderRuntime } from './provider-runtime.js';
import { RouteRuntime } from './route-runtime.js';

function setup() {
  const result = validateConfigInput({
    providers: { a: { type: 'openai-compatible', baseURL: 'http://127.0.0.1:9', maxRetries: 1 } },
    routes: { r: { targets: [{ provider: 'a', model: 'm' }], strategy: 'least-busy' } },
  });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  const provider = new ScriptedProvider('a');
  const runtime = createProviderRuntime(
    result.config.providers['a']!,
    { 'openai-compatible': () => provider },
    createMemoryRateLimitStore(),
  );
  const route = new RouteRuntime(result.config.routes['r']!, () => 0);
  return { runtime, route };
}

function context(): RequestContext {
  return {
    requestId: 'r1',
    operation: 'chat',
    requestedModel: 'r',
    route: 'r',
    startedAt: 0,
    attempts: 0,
    rateLimitWaitMs: 0,
    observers: {},
  };
}

describe('executeCall', () => {
  it('counts a target busy once per call, however many attempts a retry makes on it', async () => {
    const { runtime, route } = setup();
    const held = route.pick()!; // another call, still in flight on the same target
    const target = route.pick()!;
    const key = route.state.keyOf(target);
    expect(route.state.inFlight(key)).toBe(2);
    const candidate: Candidate = { runtime, model: 'm', maxRetries: 1, route, target };
    let calls = 0;
    const value = await executeCall({
      context: context(),
      candidates: [candidate],
      skipped: [],
      signal: new AbortController().signal,
      estimatedTokens: 1,
      headers: {},
      attempts: [],
      random: () => 0,
      run: async (input) => {
        try {
          calls++;
          if (calls === 1) throw new ProviderUnavailableError({ message: 'flaky', provider: 'a', status: 503 });
          return 'ok';
        } finally {
          input.finish();
        }
      },
    });
    expect(value).toBe('ok');
    expect(calls).toBe(2);
    // Only this call's hold is gone: the other call on the target still counts.
    expect(route.state.inFlight(key)).toBe(1);
    expect(runtime.limiter.inFlight).toBe(0);
    route.release(held);
    expect(route.state.inFlight(key)).toBe(0);
    await runtime.transport.close();
  });
});

describe('asLiterLLMError', () => {
  it("makes a stack overflow while processing a provider's answer a non-retryable provider error", () => {
    const overflow = new RangeError('Maximum call stack size exceeded');
    expect(asLiterLLMError(overflow, 'a')).toMatchObject({ code: 'provider_unavailable', retryable: false, provider: 'a' });
    expect(asLiterLLMError(overflow, 'a').message).toContain('nested too deeply');
    // Without a provider it is the engine's own failure; other errors keep their mapping.
    expect(asLiterLLMError(overflow)).toMatchObject({ code: 'internal', retryable: false });
    expect(asLiterLLMError(new RangeError('Invalid array length'), 'a')).toMatchObject({ code: 'internal' });
  });

  it('ends a stream whose events overflow the stack after its first content with a non-retryable provider error', async () => {
    const result = validateConfigInput({ providers: { a: { type: 'openai-compatible', baseURL: 'http://127.0.0.1:9' } } });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const provider: Provider = {
      specificationVersion: 'v1',
      name: 'a',
      type: 'openai-compatible',
      chat: () => Promise.reject(new Error('unused')),
      embed: () => Promise.reject(new Error('unused')),
      close: () => Promise.resolve(),
      chatStream: () =>
        Promise.resolve(
          (async function* (): AsyncGenerator<StreamEvent> {
            yield { type: 'start', id: 's', provider: 'a', model: 'm', warnings: [] };
            yield { type: 'text-delta', text: 'hi' };
            throw new RangeError('Maximum call stack size exceeded');
          })(),
        ),
    };
    const engine = createEngineCore(result.config, { providerFactories: { 'openai-compatible': () => provider } });
    let failure: unknown;
    try {
      for await (const event of engine.chatStream({ model: 'a/m', messages: [{ role: 'user', content: 'x' }] })) void event;
    } catch (error) {
      failure = error;
    }
    expect(isLiterLLMError(failure)).toBe(true);
    expect(failure).toMatchObject({ code: 'provider_unavailable', retryable: false, provider: 'a' });
    await engine.close();
  });
});
