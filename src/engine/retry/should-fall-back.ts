import type { ErrorCode } from '../../spec/error-codes.js';
import type { LiterLLMError } from '../../spec/errors.js';

// The provider could not serve the call: it is unreachable, answered with something unusable,
// ran out of rate limit or quota, or took too long. Another provider may well do better.
const PROVIDER_FAILURES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['provider_unavailable', 'timeout', 'rate_limited']);

/**
 * Whether a call may move on to its next candidate (a fallback) after `error`, once it will not be
 * retried on the same one. `retryable` answers a narrower question: would the *same* target
 * succeed if asked again? A host name that does not resolve (ENOTFOUND), a proxy's HTML page on a
 * 200, a completion without choices or an exhausted quota will not, so they are not retried; but
 * they are the provider's failure, not the caller's, so they still fall back.
 *
 * What ends the call at once: the caller's mistakes (invalid_request, context_length_exceeded,
 * content_filtered, not_found), its cancel, and authentication / permission_denied, which say the
 * operator's own credentials are wrong: a fallback would hide a revoked key until every
 * provider's bill shows it.
 */
export function shouldFallBack(error: LiterLLMError): boolean {
  return error.retryable || PROVIDER_FAILURES.has(error.code);
}
