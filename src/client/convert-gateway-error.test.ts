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

describe('convertGatewayError: the error frame of /v1/engine/*', () => {
  it('rebuilds exactly the fields of the protocol error, not the HTTP status or headers', () => {
    const fields = {
      code: 'rate_limited',
      message: 'limited returned 429',
      provider: 'limited',
      status: 429,
      requestId: 'req_upstream_1',
      retryable: true,
      retryAfterMs: 2500,
    };
    const error = convertGatewayError(
      { type: 'error', error: fields },
      { status: 429, headers: { 'retry-after': '3', 'x-request-id': 'gateway-1' } },
    );
    expect(error).toMatchObject({ ...fields, origin: 'provider' });
    const invalid = convertGatewayError(
      {
        type: 'error',
        error: {
          code: 'invalid_request',
          message: 'params.messages[0].role: bad',
          retryable: false,
          param: 'params.messages[0].role',
        },
      },
      { status: 400, headers: { 'x-request-id': 'gateway-2' } },
    );
    expect(invalid).toMatchObject({ code: 'invalid_request', param: 'params.messages[0].role', origin: 'engine' });
    expect(invalid.status).toBeUndefined();
    expect(invalid.requestId).toBeUndefined();
  });

  it('an Anthropic error body (also "type": "error", no taxonomy code) is not taken for one', () => {
    const error = convertGatewayError({ type: 'error', error: { type: 'overloaded_error', message: 'busy' } }, { status: 529 });
    expect(error).toMatchObject({ code: 'provider_unavailable', message: 'busy', status: 529 });
  });
});
