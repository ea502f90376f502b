import { describe, expect, it } from 'vitest';
import { convertGatewayError, parseGatewayErrorText } from './convert-gateway-error.js';

describe('convertGatewayError', () => {
  it('takes the code, retryability, wait, provider and upstream status from the gateway body', () => {
    const body = {
      error: {
        message: 'slow down',
        type: 'rate_limit_error',
        code: 'rate_limited',
        param: null,
        retryable: false,
        retry_after_ms: 1234,
        provider: 'openai',
        upstream_status: 429,
      },
    };
    const error = convertGatewayError(body, { status: 429, headers: { 'retry-after': '2', 'x-request-id': 'r-1' } });
    expect(error).toMatchObject({
      code: 'rate_limited',
      message: 'slow down',
      retryable: false,
      retryAfterMs: 1234,
      provider: 'openai',
      status: 429,
      requestId: 'r-1',
      origin: 'provider',
    });
  });

  it('a body that is not the gateway’s (a proxy in front of it): the status decides, Retry-After gives the wait', () => {
    const error = convertGatewayError(parseGatewayErrorText('<html>Bad Gateway</html>'), {
      status: 503,
      headers: { 'retry-after': '7' },
    });
    expect(error).toMatchObject({
      code: 'provider_unavailable',
      retryable: true,
      retryAfterMs: 7000,
      status: 503,
      origin: 'engine',
    });
    expect(error.message).toContain('Bad Gateway');
  });

  it('an error event inside a stream (no status) keeps the body’s code', () => {
    const error = convertGatewayError(
      { error: { message: 'no', code: 'content_filtered', retryable: false } },
      { requestId: 'r-2' },
    );
    expect(error).toMatchObject({ code: 'content_filtered', requestId: 'r-2', retryable: false });
  });

  it('an unknown code in the body falls back to the status', () => {
    expect(convertGatewayError({ error: { message: 'x', code: 'brand_new_code' } }, { status: 404 }).code).toBe('not_found');
  });
});
