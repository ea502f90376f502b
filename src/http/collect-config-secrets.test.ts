import { describe, expect, it } from 'vitest';
import { collectConfigSecrets } from './collect-config-secrets.js';

describe('collectConfigSecrets', () => {
  it("gathers every provider's key and header values, and the gateway's keys", () => {
    const secrets = collectConfigSecrets({
      providers: {
        openai: { apiKey: 'sk-openai-key' },
        azure: { headers: { 'api-key': 'azure-key', authorization: 'Bearer custom-token' } },
        local: {},
      },
      server: { apiKeys: ['gateway-key'] },
    });
    expect(secrets.sort()).toEqual(['Bearer custom-token', 'azure-key', 'custom-token', 'gateway-key', 'sk-openai-key']);
  });

  it('needs no server block', () => {
    expect(collectConfigSecrets({ providers: { openai: { apiKey: 'sk-openai-key' } } })).toEqual(['sk-openai-key']);
  });
});
