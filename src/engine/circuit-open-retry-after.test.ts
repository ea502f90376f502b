import { afterEach, describe, expect, it } from 'vitest';
import { createGatewayHandler } from '../gateway/create-gateway-handler.js';
import { injectRequest } from '../gateway/inject-request.js';
import { ProviderUnavailableError } from '../spec/errors.js';
import { failureOf } from '../testing/failure-of.js';
import { ScriptedProvider } from '../testing/create-scripted-provider.js';
import { validateConfigInput } from './config/validate-config-input.js';
import { createEngineCore } from './create-engine-core.js';

const USER = [{ role: 'user' as const, content: 'hi' }];
const realNow = Date.now;

afterEach(() => {
  Date.now = realNow;
});

// Issue 12, item 16: when every target of a route is circuit-open, the 503 says when to come back.
describe('a route whose circuits are all open', () => {
  it('fails with a 503 whose Retry-After is when the first circuit half-opens', async () => {
    let now = 1_000_000;
    Date.now = () => now;
    const failure = () => new ProviderUnavailableError({ message: 'upstream 503', status: 503, provider: 'a', retryable: true });
    const a = new ScriptedProvider('a', { kind: 'fail', error: failure() });
    const b = new ScriptedProvider('b', { kind: 'fail', error: failure() });
    const result = validateConfigInput({
      providers: {
        a: { type: 'openai-compatible', baseURL: 'http://127.0.0.1:9', maxRetries: 0 },
        b: { type: 'openai-compatible', baseURL: 'http://127.0.0.1:9', maxRetries: 0 },
      },
      routes: {
        r: {
          targets: [
            { provider: 'a', model: 'm' },
            { provider: 'b', model: 'm' },
          ],
          strategy: 'round-robin',
          circuitBreaker: { failureThreshold: 1, cooldownMs: 30_000 },
        },
      },
    });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const engine = createEngineCore(result.config, {
      providerFactories: { 'openai-compatible': (config) => ({ a, b })[config.name]! },
    });
    try {
      await failureOf(engine.chat({ model: 'r', messages: USER })); // a opens at t0
      now += 10_000;
      await failureOf(engine.chat({ model: 'r', messages: USER })); // b opens at t0 + 10 s
      now += 5_000;
      const error = await failureOf(engine.chat({ model: 'r', messages: USER }));
      expect(error.code).toBe('provider_unavailable');
      // a half-opens first: 30 s after t0, 15 s from now.
      expect(error.retryAfterMs).toBe(15_000);

      const response = await injectRequest(createGatewayHandler(engine), '/v1/chat/completions', {
        body: { model: 'r', messages: USER },
      });
      expect(response.status).toBe(503);
      expect(response.headers['retry-after']).toBe('15');
      expect(a.calls).toHaveLength(1);
      expect(b.calls).toHaveLength(1);
    } finally {
      await engine.close();
    }
  });
});
