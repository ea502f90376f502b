/**
 * An upstream answer longer than the transport's `maxResponseBytes`: the transport stopped reading
 * it and closed the connection. Not a LiterLLMError: mapNetworkError turns it into one, naming the
 * provider and its config key.
 */
export class ResponseTooLargeError extends Error {
  override name = 'ResponseTooLargeError';
  readonly code = 'LITER_LLM_RESPONSE_TOO_LARGE';

  constructor(
    readonly limit: number,
    /** The Content-Length the upstream declared, when that is how it was found out. */
    readonly declared?: number,
  ) {
    super(
      declared === undefined
        ? `the response is larger than the limit of ${limit} bytes`
        : `the response (${declared} bytes) is larger than the limit of ${limit} bytes`,
    );
  }
}
