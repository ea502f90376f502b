import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLiterLLMError, type LiterLLMError } from '../../spec/errors.js';
import type { Provider } from '../../spec/provider.js';
import { MockProviderServer } from '../../testing/mock-provider-server.js';
import { createAnthropicProvider } from './create-anthropic-provider.js';

// Some proxies in front of the Messages API answer 200 with Anthropic's error object; read as a
// message it had no content and came back as an empty success.
let server: MockProviderServer;
let anthropic: Provider;

beforeAll(async () => {
  server = await MockProviderServer.start();
  anthropic = createAnthropicProvider({ baseURL: server.url, apiKey: 'sk-ant-test-0123456789' });
});
afterAll(async () => {
  await anthropic.close();
  await server.close();
});

describe('an Anthropic error object in a 200 JSON answer', () => {
  it('is the error it describes, with its words and request id', async () => {
    server.enqueue({
      status: 200,
      headers: { 'content-type': 'application/json', 'request-id': 'req_in_band' },
      body: JSON.stringify({
        type: 'error',
        error: { type: 'invalid_request_error', message: 'max_tokens: must be at least 1' },
      }),
    });
    const error = await anthropic.chat({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'hi' }] }).then(
      () => undefined,
      (thrown: unknown) => (isLiterLLMError(thrown) ? thrown : undefined),
    );
    expect(error).toMatchObject<Partial<LiterLLMError>>({
      code: 'invalid_request',
      provider: 'anthropic',
      requestId: 'req_in_band',
    });
    expect(error!.message).toBe(
      'anthropic returned an error in a 200 answer: invalid_request_error: max_tokens: must be at least 1',
    );
  });
});
