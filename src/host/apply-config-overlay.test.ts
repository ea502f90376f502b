import { describe, expect, it } from 'vitest';
import { parseConfig } from '../engine/config/parse-config.js';
import { applyConfigOverlay } from './apply-config-overlay.js';

const FILE = `
providers:
  a: { type: openai-compatible, base_url: http://127.0.0.1:9/v1, api_key: file-key, max_concurrency: 8 }
  b: { type: openai-compatible, base_url: http://127.0.0.1:8/v1, rate_limit_per_minute: 60 }
routes:
  chat:
    targets: [{ provider: a, model: m1 }]
    fallbacks: [b/m2]
    max_retries: 1
`;

function base() {
  const result = parseConfig(FILE);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
}

const entries = (object: Record<string, unknown>) =>
  new Map(Object.entries(object).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]));

describe('applyConfigOverlay', () => {
  it('is the file config when the store is empty', () => {
    const result = applyConfigOverlay(base(), new Map());
    expect(result.config).toEqual(base());
    expect(result.refused).toEqual([]);
  });

  it('replaces a route whole (no merge) and adds new ones', () => {
    const result = applyConfigOverlay(
      base(),
      entries({
        'routes/chat': { targets: [{ provider: 'b', model: 'm3' }] },
        'routes/new': { targets: [{ provider: 'a', model: 'x' }], fallbacks: ['chat'] },
      }),
    );
    expect(result.refused).toEqual([]);
    expect(result.config.routes.chat).toEqual({
      name: 'chat',
      targets: [{ provider: 'b', model: 'm3', weight: 1 }],
      strategy: 'weighted',
      fallbacks: [],
    });
    expect(result.config.routes.new!.fallbacks).toEqual([{ type: 'route', route: 'chat', text: 'chat' }]);
    expect([...result.applied.keys()]).toEqual(['routes/chat', 'routes/new']);
  });

  it('overrides provider flags and keeps every other file setting, the api key included', () => {
    const result = applyConfigOverlay(
      base(),
      entries({ 'providers/a': { enabled: false, max_concurrency: 2, tokens_per_minute: 1000 } }),
    );
    expect(result.refused).toEqual([]);
    const a = result.config.providers.a!;
    expect([a.enabled, a.maxConcurrency, a.tokensPerMinute, a.apiKey, a.baseURL]).toEqual([
      false,
      2,
      1000,
      'file-key',
      'http://127.0.0.1:9/v1',
    ]);
    expect(result.config.providers.b!.enabled).toBe(true);
  });

  it('refuses secrets, other settings, unknown keys and providers the file does not have', () => {
    const result = applyConfigOverlay(
      base(),
      entries({
        'providers/a': { api_key: 'sk-stolen' },
        'providers/b': { timeout_ms: 5 },
        'providers/zz': { enabled: false },
        'server/port': 1,
        'routes/bad-json': '{ nope',
      }),
    );
    expect(result.config).toEqual(base());
    expect(result.refused).toEqual([
      {
        key: 'providers/a',
        message: 'api_key is never taken from a config store: credentials and endpoints stay in the config file',
      },
      {
        key: 'providers/b',
        message:
          'timeout_ms cannot be set from a config store (only enabled, max_concurrency, rate_limit_per_minute, tokens_per_minute)',
      },
      {
        key: 'providers/zz',
        message: 'provider "zz" is not in the config file (a store sets flags of configured providers only)',
      },
      { key: 'routes/bad-json', message: expect.stringMatching(/^is not valid JSON \(/) },
      { key: 'server/port', message: 'unknown key: expected routes/<route name> or providers/<provider name>' },
    ]);
    expect(JSON.stringify(result.refused)).not.toContain('sk-stolen');
  });

  it("says what is wrong in check-config's words and applies the other keys", () => {
    const result = applyConfigOverlay(
      base(),
      entries({
        'routes/chat': { targets: [{ provider: 'nope', model: 'm' }], strategy: 'fastest' },
        'providers/b': { max_concurrency: 'ten' },
        'routes/ok': { targets: [{ provider: 'b', model: 'm' }] },
      }),
    );
    expect(result.refused).toEqual([
      { key: 'providers/b', message: 'providers.b.max_concurrency: expected a positive integer, got "ten"' },
      {
        key: 'routes/chat',
        message: expect.stringContaining(
          'routes.chat.strategy: expected one of: weighted, round-robin, least-busy, lowest-latency',
        ),
      },
    ]);
    expect(result.refused[1]!.message).toContain('routes.chat.targets[0].provider: unknown provider "nope"');
    expect(result.config.routes.chat).toEqual(base().routes.chat);
    expect(result.config.routes.ok).toBeDefined();
  });

  it('keeps the last good value of a key whose new value is refused, and the file value once deleted', () => {
    const good = entries({ 'routes/chat': { targets: [{ provider: 'b', model: 'good' }] } });
    const first = applyConfigOverlay(base(), good);
    const second = applyConfigOverlay(base(), entries({ 'routes/chat': { targets: [] } }), first.applied);
    expect(second.refused).toEqual([{ key: 'routes/chat', message: 'routes.chat.targets: expected at least one target' }]);
    expect(second.config.routes.chat!.targets[0]!.model).toBe('good');
    expect(second.applied.get('routes/chat')).toBe(good.get('routes/chat'));
    expect(applyConfigOverlay(base(), new Map(), second.applied).config.routes.chat).toEqual(base().routes.chat);
  });

  it('accepts store routes that fall back to each other in any order, and refuses a cycle', () => {
    const chain = applyConfigOverlay(
      base(),
      entries({
        'routes/a1': { targets: [{ provider: 'a', model: 'm' }], fallbacks: ['z9'] },
        'routes/z9': { targets: [{ provider: 'b', model: 'm' }] },
      }),
    );
    expect(chain.refused).toEqual([]);
    const cycle = applyConfigOverlay(
      base(),
      entries({ 'routes/chat': { targets: [{ provider: 'a', model: 'm' }], fallbacks: ['chat'] } }),
    );
    expect(cycle.refused).toEqual([{ key: 'routes/chat', message: 'routes.chat.fallbacks[0]: fallback cycle: chat -> chat' }]);
  });

  it('takes store strings as written: no ${VAR} from the environment', () => {
    process.env.LITER_LLM_OVERLAY_TEST = 'leaked';
    const result = applyConfigOverlay(
      base(),
      entries({ 'routes/chat': { targets: [{ provider: 'a', model: '${LITER_LLM_OVERLAY_TEST}' }] } }),
    );
    delete process.env.LITER_LLM_OVERLAY_TEST;
    expect(result.config.routes.chat!.targets[0]!.model).toBe('${LITER_LLM_OVERLAY_TEST}');
  });
});
