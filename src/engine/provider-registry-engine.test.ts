import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createEngine } from '../create-engine.js';
import { oneOfOption } from '../providers/option-schemas.js';
import type { ProviderCreateSettings, ProviderDefinition } from '../providers/provider-definition.js';
import { createProviderRegistry } from '../providers/provider-registry.js';
import { defaultProviderRegistry } from '../providers/default-provider-registry.js';
import type { Provider } from '../spec/provider.js';
import { ScriptedProvider } from '../testing/create-scripted-provider.js';
import { failureOf } from '../testing/failure-of.js';
import type { ConfigResult } from './config/config-issue.js';
import { validateDefaultConfig } from './config/create-default-config.js';
import { parseConfig } from './config/parse-config.js';

// A provider type the bundled registry does not know, registered beside the bundled ones: what the
// next forty providers do. Its adapter has no embed, as a chat-only API would.
const built: ProviderCreateSettings[] = [];

function chatOnly(settings: ProviderCreateSettings): Provider {
  built.push(settings);
  const inner = new ScriptedProvider(settings.name);
  return {
    specificationVersion: 'v1',
    name: settings.name,
    type: 'acme',
    chat: (request, options) => inner.chat(request, options),
    chatStream: (request, options) => inner.chatStream(request, options),
    close: async () => {},
  };
}

const acme: ProviderDefinition = {
  type: 'acme',
  typeFromName: true,
  defaults: {
    baseURL: 'https://api.acme.test/v1',
    auth: 'bearer',
    apiKeyVariables: ['ACME_API_KEY'],
    baseURLVariable: 'ACME_BASE_URL',
  },
  optionsSchema: z.strictObject({ region: oneOfOption(['eu', 'us']) }),
  capabilities: { chat: true, stream: true, embed: false, tools: false, images: false, reasoning: false },
  create: chatOnly,
};

const registry = createProviderRegistry([...defaultProviderRegistry.list(), acme]);

function errorsOf(result: ConfigResult): string[] {
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result.config)}`);
  return result.errors.map((issue) => `${issue.path}: ${issue.message}`);
}

describe('a registered provider type', () => {
  it('is a type, its name needs no type key, and its options are checked with paths', () => {
    const text = [
      'providers:',
      '  acme: { region: mars }',
      '  openai: { region: eu }',
      '  other: { type: acme, chat_api: openai }',
    ].join('\n');
    expect(errorsOf(parseConfig(text, { env: {}, registry }))).toEqual([
      'providers.acme.region: expected one of: eu, us, got "mars"',
      'providers.openai.region: only applies to acme providers (this one is openai)',
      'providers.other.chat_api: only applies to huggingface providers (this one is acme)',
    ]);
    expect(errorsOf(parseConfig('providers:\n  x: { type: nope }\n', { env: {}, registry }))).toEqual([
      'providers.x.type: expected one of: openai, anthropic, huggingface, openai-compatible, acme, got "nope"',
    ]);
  });

  it('shares an option key with another type: each value is checked against its own type', () => {
    const beta: ProviderDefinition = {
      ...acme,
      type: 'beta',
      optionsSchema: z.strictObject({ region: oneOfOption(['north', 'south']) }),
    };
    const both = createProviderRegistry([acme, beta]);
    const text = ['providers:', '  acme: { region: eu }', '  beta: { region: eu }', '  b2: { type: beta, region: south }'].join(
      '\n',
    );
    expect(errorsOf(parseConfig(text, { env: {}, registry: both }))).toEqual([
      'providers.beta.region: expected one of: north, south, got "eu"',
    ]);
    const valid = parseConfig('providers:\n  acme: { region: eu }\n  beta: { region: north }\n', { env: {}, registry: both });
    expect(valid.ok && [valid.config.providers.acme!.region, valid.config.providers.beta!.region]).toEqual(['eu', 'north']);
  });

  it('gets its default base URL and its options, camelCase, in the built config', () => {
    const result = parseConfig('providers:\n  acme: { region: eu }\n', { env: {}, registry });
    expect(result.ok && result.config.providers.acme).toMatchObject({
      type: 'acme',
      baseURL: 'https://api.acme.test/v1',
      region: 'eu',
    });
  });

  it('is unknown to a config validated without it', () => {
    expect(errorsOf(parseConfig('providers:\n  acme: {}\n', { env: {} }))).toEqual([
      expect.stringMatching(/^providers\.acme\.type: is required: "acme" is not a built-in provider name/),
    ]);
  });

  it('is enabled from the environment by its own key variable', () => {
    const result = validateDefaultConfig({ ACME_API_KEY: ' acme-key\n', OPENAI_API_KEY: '' }, registry);
    expect(result.ok && result.config.providers).toEqual({ acme: expect.objectContaining({ type: 'acme', apiKey: 'acme-key' }) });
    expect(errorsOf(validateDefaultConfig({ ACME_BASE_URL: 'not a url' }, registry))).toEqual([
      'ACME_BASE_URL: expected an http:// or https:// URL, got "not a url"',
    ]);
  });

  it('is built by the engine from its definition, options included', async () => {
    built.length = 0;
    const engine = createEngine({ providers: { acme: { apiKey: 'k', region: 'us' } as never } }, { providerRegistry: registry });
    try {
      const response = await engine.chat({ model: 'acme/m', messages: [{ role: 'user', content: 'hi' }] });
      expect(response.provider).toBe('acme');
      expect(built).toEqual([
        expect.objectContaining({
          name: 'acme',
          baseURL: 'https://api.acme.test/v1',
          apiKey: 'k',
          headers: {},
          options: { region: 'us' },
        }),
      ]);
    } finally {
      await engine.close();
    }
  });

  it('without embed answers invalid_request naming the provider, once, not a crash', async () => {
    const engine = createEngine({ providers: { acme: {} } }, { providerRegistry: registry });
    try {
      const error = await failureOf(engine.embed({ model: 'acme/m', input: 'hi' }));
      expect(error).toMatchObject({ code: 'invalid_request', provider: 'acme', param: 'model', retryable: false });
      expect(error.message).toBe('acme does not support embeddings; route embeddings to another provider');
    } finally {
      await engine.close();
    }
  });

  it('names its key variable when a model asks for it unconfigured', async () => {
    const engine = createEngine({ providers: {} }, { providerRegistry: registry });
    try {
      const error = await failureOf(engine.chat({ model: 'acme/m', messages: [{ role: 'user', content: 'hi' }] }));
      expect(error).toMatchObject({ code: 'not_found', param: 'model' });
      expect(error.message).toBe(
        'model "acme/m": provider "acme" is not configured. Set ACME_API_KEY or add providers.acme to the config.',
      );
      const generic = await failureOf(engine.chat({ model: 'openai-compatible/m', messages: [{ role: 'user', content: 'hi' }] }));
      expect(generic.message).toContain('Add providers.openai-compatible (with a type and base_url) to the config.');
    } finally {
      await engine.close();
    }
  });
});
