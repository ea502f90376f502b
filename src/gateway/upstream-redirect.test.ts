import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapErrorToHTTP } from './map-error-to-http.js';
import { createAnthropicProvider } from '../providers/anthropic/create-anthropic-provider.js';
import { createHuggingFaceProvider } from '../providers/huggingface/create-huggingface-provider.js';
import { createOpenAIProvider } from '../providers/openai/create-openai-provider.js';
import { isLiterLLMError, type LiterLLMError } from '../spec/errors.js';
import type { Provider } from '../spec/provider.js';
import { MockProviderServer } from '../testing/mock-provider-server.js';

// A base_url that moved (http → https, a renamed path) answers 3xx; undici does not follow it. That
// is the gateway's configuration pointing at the wrong place, never the caller's mistake.
let server: MockProviderServer;
let providers: Provider[];

beforeAll(async () => {
  server = await MockProviderServer.start();
  providers = [
    createOpenAIProvider({ type: 'openai-compatible', name: 'compatible', baseURL: `${server.url}/v1` }),
    createAnthropicProvider({ baseURL: server.url, apiKey: 'sk-ant-test-0123456789' }),
    createHuggingFaceProvider({ baseURL: server.url }),
  ];
});
afterAll(async () => {
  await Promise.all(providers.map((provider) => provider.close()));
  await server.close();
});

describe('an upstream redirect', () => {
  it.each([301, 302, 307, 308])('%i is a provider error (502 at the gateway) that says where it pointed', async (status) => {
    for (const provider of providers) {
      server.enqueue({
        status,
        headers: { location: 'https://api.example.com/v2/chat/completions', 'content-type': 'text/html' },
        body: '<a>Moved</a>',
      });
      const error = await provider.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }).then(
        () => undefined,
        (thrown: unknown) => (isLiterLLMError(thrown) ? thrown : undefined),
      );
      expect(error).toMatchObject<Partial<LiterLLMError>>({
        code: 'provider_unavailable',
        status,
        provider: provider.name,
        retryable: false,
      });
      expect(error!.message).toContain('redirected to https://api.example.com/v2/chat/completions');
      expect(error!.message).toContain('base_url');
      expect(mapErrorToHTTP(error).status).toBe(502);
    }
  });
});
