import type { ErrorCode } from '../spec/error-codes.js';

/** Default taxonomy code for an upstream HTTP status; adapters refine it from the error body. */
export function mapHTTPStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
    case 413:
    case 415:
    case 422:
      return 'invalid_request';
    case 401:
      return 'authentication';
    case 402:
    case 403:
      return 'permission_denied';
    case 404:
      return 'not_found';
    case 408:
      return 'timeout';
    case 429:
      return 'rate_limited';
    default:
      // A 3xx is a base_url that moved (redirects are not followed): the gateway's configuration
      // is wrong, not the caller's request.
      if (status >= 300 && status < 400) return 'provider_unavailable';
      return status >= 500 || status === 409 ? 'provider_unavailable' : 'invalid_request';
  }
}

/** Statuses worth another attempt (the OpenAI SDKs' rule: 408, 409 lock, 429, 5xx incl. 529). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}
