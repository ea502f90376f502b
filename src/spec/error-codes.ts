/**
 * The one error taxonomy, shared by the library, the gateway, the stdio protocol, Python and Go.
 * Extend the list; never rename an entry.
 */
export const ERROR_CODES = [
  'rate_limited',
  'timeout',
  'authentication',
  'permission_denied',
  'invalid_request',
  'not_found',
  'context_length_exceeded',
  'content_filtered',
  'provider_unavailable',
  'cancelled',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
