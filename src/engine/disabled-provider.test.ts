import { describe, expect, it } from 'vitest';
import { ProviderUnavailableError } from '../spec/errors.js';
import { ScriptedProvider } from '../testing/create-scripted-provider.js';
import { failureOf } from '../testing/failure-of.js';
import type { LiterLLMConfigInput } from './config/liter-llm-config-input.js';
import { validateConfigInput } from './config/validate-config-input.js';
import { createEngineCore, type ReloadableEngine } from './create-engine-core.js';

const USER = [{ role: 'user' as const, content: 'hi' }];
const compatible = (extra: Record<string, unknown> = {}) => ({
  type: 'openai-compatible' as const,
  baseURL: 'http://127.0.0.1:9',
  ...extra,
});

function validated(input: LiterLLMConfigInput) {
  const result = validateConfigInput(input);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
}

function setup(input: LiterLLMConfigInput, providers: Record<string, ScriptedProvider>): ReloadableEngine {
  return createEngineCore(validated(input), {
    providerFactories: { 'openai-compatible': (config) => providers[config.name]! },
    random: () => 0,
  });
}

const routes = {
  chat: {
    targets: [
      { provider: 'a', model: 'm' },
      { provider: 'b', model: 'm' },
    ],
    fallbacks: ['c/m'],
  },
};

describe('a disabled provider (enabled: false)', () => {
  it('is skipped by routes: the other targets take its share', async () => {
    const [a, b, c] = [new ScriptedProvider('a'), new ScriptedProvider('b'), new ScriptedProvider('c')];
    const engine = setup(
      { providers: { a: compatible({ enabled: false }), b: compatible(), c: compatible() }, routes },
      { a, b, c },
    );
    for (let i = 0; i < 5; i++) expect((await engine.chat({ model: 'chat', messages: USER })).provider).toBe('b');
    expect(a.calls).toHaveLength(0);
  });

  it('sends a route to its fallbacks when every target is disabled', async () => {
    const [a, b, c] = [new ScriptedProvider('a'), new ScriptedProvider('b'), new ScriptedProvider('c')];
    const engine = setup(
      { providers: { a: compatible({ enabled: false }), b: compatible({ enabled: false }), c: compatible() }, routes },
      { a, b, c },
    );
    expect((await engine.chat({ model: 'chat', messages: USER })).provider).toBe('c');
  });

  it('fails a call addressed to it directly with provider_unavailable, and a route with nothing left', async () => {
    const [a, b, c] = [new ScriptedProvider('a'), new ScriptedProvider('b'), new ScriptedProvider('c')];
    const off = compatible({ enabled: false });
    const engine = setup({ providers: { a: off, b: off, c: off }, routes }, { a, b, c });
    const direct = await failureOf(engine.chat({ model: 'a/m', messages: USER }));
    expect(direct).toBeInstanceOf(ProviderUnavailableError);
    expect(direct.message).toBe('provider "a" is disabled (enabled: false)');
    const routed = await failureOf(engine.chat({ model: 'chat', messages: USER }));
    expect(routed).toBeInstanceOf(ProviderUnavailableError);
    expect(routed.message).toContain('every target of route "chat" (a, b) is disabled');
    expect([a, b, c].map((each) => each.calls.length)).toEqual([0, 0, 0]);
  });

  it('takes traffic again once a reload enables it, keeping the route state', async () => {
    const [a, b, c] = [new ScriptedProvider('a'), new ScriptedProvider('b'), new ScriptedProvider('c')];
    const input = { providers: { a: compatible({ enabled: false }), b: compatible(), c: compatible() }, routes };
    const engine = setup(input, { a, b, c });
    expect((await engine.chat({ model: 'chat', messages: USER })).provider).toBe('b');
    engine.reload(validated({ ...input, providers: { ...input.providers, a: compatible() } }));
    expect((await engine.chat({ model: 'chat', messages: USER })).provider).toBe('a');
    expect(engine.listModels().map((model) => model.id)).toEqual(['chat']);
  });
});
