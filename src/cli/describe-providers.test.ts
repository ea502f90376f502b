import { describe, expect, it } from 'vitest';
import { defaultProviderRegistry } from '../providers/default-provider-registry.js';
import { describeProviders, formatProviderTable } from './describe-providers.js';

describe('describeProviders', () => {
  it('lists every registered provider with its defaults, enabled where its variable is set', () => {
    const listings = describeProviders(defaultProviderRegistry, { ANTHROPIC_API_KEY: 'sk-ant-secret', HF_BASE_URL: ' ' });
    expect(listings.map((listing) => [listing.name, listing.enabled])).toEqual([
      ['openai', false],
      ['anthropic', true],
      // A blank variable counts as unset, as createDefaultConfig reads it.
      ['huggingface', false],
      ['openai-compatible', false],
    ]);
    expect(listings[1]).toEqual({
      name: 'anthropic',
      type: 'anthropic',
      baseURL: 'https://api.anthropic.com',
      keyVariable: 'ANTHROPIC_API_KEY',
      baseURLVariable: 'ANTHROPIC_BASE_URL',
      capabilities: { chat: true, stream: true, embed: false, tools: true, images: true, reasoning: true },
      enabled: true,
    });
    expect(listings[3]).not.toHaveProperty('baseURL');
    expect(JSON.stringify(listings)).not.toContain('sk-ant-secret');
  });

  it('a base URL variable alone enables its provider, as the default config does', () => {
    const listings = describeProviders(defaultProviderRegistry, { OPENAI_BASE_URL: 'http://localhost:11434/v1' });
    expect(listings.find((listing) => listing.name === 'openai')?.enabled).toBe(true);
  });

  it('prints an aligned table without keys', () => {
    const table = formatProviderTable(describeProviders(defaultProviderRegistry, { OPENAI_API_KEY: 'sk-secret' }));
    expect(table.split('\n')).toEqual([
      'NAME               TYPE               BASE URL                       KEY VARIABLE       CAPABILITIES                              ENABLED',
      'openai             openai             https://api.openai.com/v1      OPENAI_API_KEY     chat,stream,embed,tools,images,reasoning  yes',
      'anthropic          anthropic          https://api.anthropic.com      ANTHROPIC_API_KEY  chat,stream,tools,images,reasoning        no',
      'huggingface        huggingface        https://router.huggingface.co  HF_TOKEN           chat,stream,embed,tools,images            no',
      'openai-compatible  openai-compatible  (base_url required)            -                  chat,stream,embed,tools,images,reasoning  no',
      '',
    ]);
    expect(table).not.toContain('sk-secret');
  });
});
