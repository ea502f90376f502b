import { describe, expect, it } from 'vitest';
import { isLiterLLMError, type LiterLLMError } from '../spec/errors.js';
import { HTTPTransport } from './http-transport.js';

describe('a provider URL with credentials', () => {
  it('is refused by the transport, not stripped, and the password is not repeated', async () => {
    const transport = new HTTPTransport();
    try {
      for (const send of [
        () =>
          transport.request({ url: 'http://user:hunter2-secret@127.0.0.1:9/v1/chat/completions', method: 'POST', headers: {} }),
        () => transport.requestText({ url: 'http://hunter2-secret@127.0.0.1:9/v1/embeddings', method: 'POST', headers: {} }),
      ]) {
        const error = await send().then(
          () => undefined,
          (thrown: unknown) => (isLiterLLMError(thrown) ? thrown : undefined),
        );
        expect(error).toMatchObject<Partial<LiterLLMError>>({ code: 'invalid_request', param: 'baseURL', retryable: false });
        expect(error!.message).toContain('credentials');
        expect(error!.message).not.toContain('hunter2-secret');
      }
    } finally {
      await transport.close();
    }
  });
});
