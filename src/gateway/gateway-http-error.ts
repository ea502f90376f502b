/**
 * The gateway's view of a failure: the HTTP status and what goes into the error body. Built by
 * mapErrorToHTTP from a LiterLLMError, or directly for the faults of the HTTP layer itself
 * (oversized body, unknown path, wrong method).
 */
export interface HTTPErrorInfo {
  status: number;
  /** OpenAI error `type` (the Anthropic formatter derives its own from the status). */
  type: string;
  /** The taxonomy code (`rate_limited`, ...), or a gateway code such as `payload_too_large`. */
  code: string;
  message: string;
  /** The request field at fault, in the caller's wire names (`messages[0].content`). */
  param?: string;
  retryable: boolean;
  /** Sent as `Retry-After` (seconds, rounded up) and `retry_after_ms`. */
  retryAfterMs?: number;
  /** Provider (config name) the error came from, when it came from one. */
  provider?: string;
  upstreamStatus?: number;
  /** The provider's own request id, for support tickets. */
  providerRequestId?: string;
  /** Extra response headers (`Allow` on a 405). */
  headers?: Record<string, string>;
  /** Close the connection after answering. */
  closeConnection?: boolean;
}

/** Thrown by the HTTP layer for faults that are not LiterLLMErrors: it already knows its status. */
export class GatewayHTTPError extends Error {
  override name = 'GatewayHTTPError';

  constructor(readonly info: HTTPErrorInfo) {
    super(info.message);
  }
}
