import { describe, expect, it } from 'vitest';
import { HTTPTransport } from '../http/http-transport.js';
import { PROVIDER_SPECIFICATION_VERSION } from '../spec/provider.js';
import { defaultProviderRegistry } from './default-provider-registry.js';
import { NO_OPTIONS } from './option-schemas.js';
import type { ProviderDefinition } from './provider-definition.js';
import { createProviderRegistry } from './provider-registry.js';

function definition(type: string, typeFromName: boolean): ProviderDefinition {
  return {
    type,
    typeFromName,
    defaults: { auth: 'none', apiKeyVariables: [] },
    optionsSchema: NO_OPTIONS,
    capabilities: { chat: true, stream: true, embed: false, tools: false, images: false, reasoning: false },
    create: () => {
      throw new Error('not built in this test');
    },
  };
}

describe('createProviderRegistry', () => {
  it('keeps registration order and answers by type', () => {
    const registry = createProviderRegistry([definition('b', true), definition('a', false)]);
    expect(registry.types()).toEqual(['b', 'a']);
    expect(registry.list().map((entry) => entry.type)).toEqual(['b', 'a']);
    expect(registry.get('a')?.type).toBe('a');
    expect(registry.get('c')).toBeUndefined();
  });

  it('gives a name its type only when the definition says so', () => {
    const registry = createProviderRegistry([definition('named', true), definition('generic', false)]);
    expect(registry.typeFromName('named')).toBe('named');
    expect(registry.typeFromName('generic')).toBeUndefined();
    expect(registry.typeFromName('other')).toBeUndefined();
  });

  it('refuses a type registered twice', () => {
    expect(() => createProviderRegistry([definition('a', true), definition('a', false)])).toThrow(
      'provider type "a" is registered twice',
    );
  });
});

describe('defaultProviderRegistry', () => {
  it('holds the bundled types with their documented defaults', () => {
    expect(defaultProviderRegistry.types()).toEqual(['openai', 'anthropic', 'huggingface', 'openai-compatible']);
    const defaults = Object.fromEntries(defaultProviderRegistry.list().map((entry) => [entry.type, entry.defaults]));
    expect(defaults).toEqual({
      openai: {
        baseURL: 'https://api.openai.com/v1',
        auth: 'bearer',
        apiKeyVariables: ['OPENAI_API_KEY'],
        baseURLVariable: 'OPENAI_BASE_URL',
      },
      anthropic: {
        baseURL: 'https://api.anthropic.com',
        auth: 'x-api-key',
        apiKeyVariables: ['ANTHROPIC_API_KEY'],
        baseURLVariable: 'ANTHROPIC_BASE_URL',
      },
      huggingface: {
        baseURL: 'https://router.huggingface.co',
        auth: 'bearer',
        apiKeyVariables: ['HF_TOKEN'],
        baseURLVariable: 'HF_BASE_URL',
      },
      'openai-compatible': { baseURLExample: 'http://localhost:11434/v1', auth: 'bearer', apiKeyVariables: [] },
    });
  });

  it('declares each provider-specific key in its own definition only', () => {
    const keys = Object.fromEntries(
      defaultProviderRegistry.list().map((entry) => [entry.type, Object.keys(entry.optionsSchema.shape)]),
    );
    expect(keys).toEqual({
      openai: [],
      anthropic: ['default_max_tokens'],
      huggingface: ['chat_api', 'embed_api'],
      'openai-compatible': [],
    });
  });

  it.each(defaultProviderRegistry.types())('%s builds an adapter of this specification version', async (type) => {
    const transport = new HTTPTransport();
    try {
      const provider = defaultProviderRegistry.get(type)!.create({
        name: `my-${type}`,
        baseURL: 'http://127.0.0.1:9',
        headers: {},
        transport,
        options: {},
      });
      expect(provider).toMatchObject({ specificationVersion: PROVIDER_SPECIFICATION_VERSION, name: `my-${type}`, type });
      await provider.close();
    } finally {
      await transport.close();
    }
  });
});
