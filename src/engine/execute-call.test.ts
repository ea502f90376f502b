import { describe, expect, it } from 'vitest';
import { ProviderUnavailableError } from '../spec/errors.js';
import { ScriptedProvider } from '../testing/create-scripted-provider.js';
import type { Candidate } from './candidate.js';
import { validateConfigInput } from './config/validate-config-input.js';
import type { RequestContext } from './engine-events.js';
import { executeCall } from './execute-call.js';
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
  const runtime = createProviderRuntime(result.config.providers['a']!, { 'openai-compatible': () => provider }, createMemoryRateLimitStore());
  const route = new RouteRuntime(result.config.routes['r']!, () => 0);
  return { runtime, route };
}

function context(): RequestContext {
  return { requestId: 'r1', operation: 'chat', requestedModel: 'r', route: 'r', startedAt: 0, attempts: 0, rateLimitWaitMs: 0, observers: {} };
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
