import type { LiterLLMError } from '../spec/errors.js';
import { ProviderUnavailableError } from '../spec/errors.js';
import type { HTTPResponse, HTTPTransport } from './http-transport.js';
import { mapNetworkError } from './map-network-error.js';
import { redactSecrets } from './redact-secrets.js';
import { SSEReader, type SSEEvent } from './sse-parser.js';

/** A non-2xx response, body read as text, for the adapter's error mapper. */
export interface ErrorResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

export interface SendRequestOptions {
  transport: HTTPTransport;
  /** Provider name, for error messages. */
  provider: string;
  url: string;
  method?: 'GET' | 'POST';
  headers: Record<string, string>;
  /** Serialised as JSON. */
  body?: unknown;
  signal?: AbortSignal;
  /** The adapter's mapping of an error response into the taxonomy. */
  mapErrorResponse: (response: ErrorResponse) => LiterLLMError;
  /** Values that must never appear in an error message (the API key). */
  secrets?: readonly (string | undefined)[];
}

export interface JSONResult<T> {
  status: number;
  headers: Record<string, string>;
  body: T;
}

/** Sends one request and returns the parsed JSON body of a 2xx response; anything else throws. */
export async function sendJSONRequest<T>(options: SendRequestOptions): Promise<JSONResult<T>> {
  const response = await openResponse(options, options.signal);
  let text: string;
  try {
    text = await response.body.text();
  } catch (error) {
    throw mapNetworkError(error, options.provider, options.signal);
  }
  try {
    return { status: response.status, headers: response.headers, body: JSON.parse(text) as T };
  } catch (error) {
    throw new ProviderUnavailableError({
      message: `${options.provider} returned ${response.status} with a body that is not JSON: ${preview(text)}`,
      provider: options.provider,
      status: response.status,
      retryable: false,
      cause: error,
    });
  }
}

export interface SSEResult {
  status: number;
  headers: Record<string, string>;
  /** Ending iteration early aborts the upstream request (the server sees the connection close). */
  events: AsyncIterable<SSEEvent>;
}

/** Sends one request that answers with an event stream; resolves once the headers say 2xx. */
export async function sendSSERequest(options: SendRequestOptions): Promise<SSEResult> {
  const response = await openResponse(options, options.signal);
  const { provider, signal } = options;
  const body = response.body;
  async function* events(): AsyncGenerator<SSEEvent> {
    let finished = false;
    try {
      // The SSE reader runs inside this loop (not as a generator of its own): one async step per event fewer.
      const reader = new SSEReader();
      for await (const chunk of body) {
        reader.feed(chunk);
        for (let event = reader.next(); event !== undefined; event = reader.next()) yield event;
      }
      reader.end();
      for (let event = reader.next(); event !== undefined; event = reader.next()) yield event;
      finished = true;
    } catch (error) {
      throw mapNetworkError(error, provider, signal);
    } finally {
      // Ending early (the consumer's return(), or an error): destroying the body aborts the
      // upstream request, so the server sees the connection close. The caller's signal (cancel,
      // deadline) reaches undici directly.
      if (!finished) body.destroy();
    }
  }
  return { status: response.status, headers: response.headers, events: events() };
}

async function openResponse(options: SendRequestOptions, callerSignal: AbortSignal | undefined): Promise<HTTPResponse> {
  let response: HTTPResponse;
  try {
    response = await options.transport.request({
      url: options.url,
      method: options.method ?? 'POST',
      headers: options.body === undefined ? options.headers : { 'content-type': 'application/json', ...options.headers },
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
      ...(options.signal !== undefined && { signal: options.signal }),
    });
  } catch (error) {
    throw mapNetworkError(error, options.provider, callerSignal);
  }
  if (response.status >= 200 && response.status < 300) return response;
  let text = '';
  try {
    text = await response.body.text();
  } catch {
    // The status alone still tells what went wrong.
  }
  const error = options.mapErrorResponse({
    status: response.status,
    headers: response.headers,
    text: redactSecrets(text, options.secrets ?? []),
  });
  throw error;
}

/** The first characters of an unexpected body, for an error message. */
export function preview(text: string, length = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > length ? `${flat.slice(0, length)}…` : flat || '(empty body)';
}
