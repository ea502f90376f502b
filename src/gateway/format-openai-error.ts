import type { HTTPErrorInfo } from './gateway-http-error.js';

/**
 * The OpenAI error body: `{"error": {"message", "type", "code", "param"}}`. `code` is the Liter-LLM
 * taxonomy code, so the Python and Go bindings rebuild the same typed error over HTTP; the extra
 * fields (ignored by OpenAI's SDKs) carry the rest of what a LiterLLMError knows.
 */
export function formatOpenAIError(info: HTTPErrorInfo): string {
  return JSON.stringify({
    error: {
      message: info.message,
      type: info.type,
      code: info.code,
      param: info.param ?? null,
      retryable: info.retryable,
      ...(info.retryAfterMs !== undefined && { retry_after_ms: info.retryAfterMs }),
      ...(info.provider !== undefined && { provider: info.provider }),
      ...(info.upstreamStatus !== undefined && { upstream_status: info.upstreamStatus }),
      ...(info.providerRequestId !== undefined && { provider_request_id: info.providerRequestId }),
    },
  });
}
