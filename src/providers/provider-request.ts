import type { HTTPTransport } from '../http/http-transport.js';
import type { ErrorResponse, SendRequestOptions } from '../http/send-request.js';
import type { LiterLLMError } from '../spec/errors.js';
import type { CallOptions } from '../spec/provider.js';

/** What every request of one provider shares: its connections, how its errors read, what to redact. */
export interface ProviderConnection {
  transport: HTTPTransport;
  /** Provider name, for error messages. */
  provider: string;
  mapErrorResponse: (response: ErrorResponse) => LiterLLMError;
  /** Values that must never appear in an error message (the API key, header values: collectSecrets). */
  secrets: readonly (string | undefined)[];
}

/** The options of one request of that provider, for sendJSONRequest or sendSSERequest. */
export function providerRequest(
  connection: ProviderConnection,
  url: string,
  headers: Record<string, string>,
  body: unknown,
  options: CallOptions | undefined,
): SendRequestOptions {
  const signal = options?.signal;
  return {
    transport: connection.transport,
    provider: connection.provider,
    url,
    headers,
    body,
    ...(signal !== undefined && { signal }),
    ...(options?.onResponse !== undefined && { onResponse: options.onResponse }),
    mapErrorResponse: connection.mapErrorResponse,
    secrets: connection.secrets,
  };
}
