import type { LiterLLMError } from '../../spec/errors.js';

/**
 * Whether an error says the target itself is unhealthy (so it counts against its circuit):
 * unavailable, timed out, or rate limited BY THE PROVIDER (a local limiter's refusal carries no
 * upstream status and says nothing about the target). Bad requests, auth errors and
 * cancellations are the caller's business.
 */
export function isTargetHealthFailure(error: LiterLLMError): boolean {
  switch (error.code) {
    case 'provider_unavailable':
    case 'timeout':
      return true;
    case 'rate_limited':
      return error.status !== undefined;
    default:
      return false;
  }
}
