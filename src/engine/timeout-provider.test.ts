import { describe, expect, it } from 'vitest';
import { RateLimitedError } from '../spec/errors.js';
import type { StreamEvent } from '../spec/stream-event.js';
import { failureOf } from '../testing/failure-of.js';
import { ScriptedProvider } from '../testing/create-scripted-provider.js';
import type { LiterLLMConfigInput } from './config/liter-llm-config-input.js';
import { validateConfigInput } from './config/validate-config-input.js';
import { createEngineCore, type ReloadableEngine } from './create-engine-core.js';

const USER = [{ role: 'user' as const, content: 'hi' }];

function setup(input: LiterLLMConfigInput, providers: Record<string, ScriptedProvider>): ReloadableEngine {
  const result = validateConfigInput(input);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return createEngineCore(result.config, {
    providerFactories: { 'openai-compatible': (config) => providers[config.name]! },
    random: () => 0,
  });
}

const compatible = (extra: Record<string, unknown> = {}) => ({
  type: 'openai-compatible' as const,
  baseURL: 'http://127.0.0.1:9',
  ...extra,
});

// Issue 12, item 16: every timeout error names the provider it was waiting on. Connect, first-byte
// and stream-idle timeouts come from undici through mapNetworkError, which names it already
// (http-transport and adapter tests); the engine's own deadlines are below.
describe('timeout errors carry the provider they were waiting on', () => {
  it('the attempt deadline (timeout_ms)', async () => {
    const a = new ScriptedProvider('a', { kind: 'reply', delayMs: 5_000 });
    const engine = setup({ providers: { a: compatible({ timeoutMs: 30, maxRetries: 0 }) } }, { a });
    const error = await failureOf(engine.chat({ model: 'a/m', messages: USER }));
    expect([error.code, error.provider]).toEqual(['timeout', 'a']);
    await engine.close();
  });

  it('the whole-call deadline, during an attempt, a retry wait and a queue wait', async () => {
    const a = new ScriptedProvider('a', { kind: 'reply', delayMs: 5_000 });
    const engine = setup({ providers: { a: compatible({ maxRetries: 2, maxConcurrency: 1, maxQueueWaitMs: 60_000 }) } }, { a });
    const during = await failureOf(engine.chat({ model: 'a/m', messages: USER }, { timeoutMs: 40 }));
    expect([during.code, during.provider]).toEqual(['timeout', 'a']);

    const busy = engine.chat({ model: 'a/m', messages: USER }, { timeoutMs: 400 });
    const queued = await failureOf(engine.chat({ model: 'a/m', messages: USER }, { timeoutMs: 40 }));
    expect([queued.code, queued.provider]).toEqual(['timeout', 'a']);
    await failureOf(busy);

    a.script({ kind: 'fail', error: new RateLimitedError({ message: '429', provider: 'a', status: 429, retryAfterMs: 5_000 }) });
    const sleeping = await failureOf(engine.chat({ model: 'a/x', messages: USER }, { timeoutMs: 60 }));
    expect([sleeping.code, sleeping.provider]).toEqual(['timeout', 'a']);
    await engine.close();
  });

  it('the whole-call deadline in the middle of a stream', async () => {
    const a = new ScriptedProvider('a', { kind: 'stream', deltas: ['x'], hang: true });
    const engine = setup({ providers: { a: compatible() } }, { a });
    const events: StreamEvent[] = [];
    const consume = async () => {
      for await (const event of engine.chatStream({ model: 'a/m', messages: USER }, { timeoutMs: 60 })) events.push(event);
    };
    const error = await failureOf(consume());
    expect(events.some((event) => event.type === 'text-delta')).toBe(true);
    expect([error.code, error.provider]).toEqual(['timeout', 'a']);
    await engine.close();
  });
});
