import type { LiterLLMError } from '../spec/errors.js';
import { InvalidRequestError, ProviderUnavailableError } from '../spec/errors.js';
import { MAX_JSON_DEPTH } from '../spec/find-deep-nesting.js';
import { findDeepNestingInJSON } from '../spec/find-deep-nesting-in-json.js';
import type { TextResponse } from './collect-text-response.js';
import type { HTTPRequest, HTTPResponse, HTTPResponseBody, HTTPTransport } from './http-transport.js';
import { mapNetworkError } from './map-network-error.js';
import { redactSecrets } from './redact-secrets.js';
import type { ResponseObserver } from './response-headers.js';
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
  /** Sees this request's response status and headers before its body is read (CallOptions.onResponse). */
  onResponse?: ResponseObserver;
  /** The adapter's mapping of an error response into the taxonomy. */
  mapErrorResponse: (response: ErrorResponse) => LiterLLMError;
  /** Values that must never appear in an error message (the API key, header values: collectSecrets). */
  secrets?: readonly (string | undefined)[];
}

export interface JSONResult<T> {
  status: number;
  headers: Record<string, string>;
  body: T;
}

/** Sends one request and returns the parsed JSON body of a 2xx response; anything else throws. */
export async function sendJSONRequest<T>(options: SendRequestOptions): Promise<JSONResult<T>> {
  const request = toHTTPRequest(options);
  let response: TextResponse;
  try {
    // The body is collected whole, without a body stream (collect-text-response.ts).
    response = await options.transport.requestText(request);
  } catch (error) {
    throw mapNetworkError(error, options.provider, options.signal);
  }
  const { text } = response;
  if (response.status < 200 || response.status >= 300) throw mapErrorResponse(options, response.status, response.headers, text);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    const shown = preview(redactSecrets(text, options.secrets ?? []));
    throw new ProviderUnavailableError({
      message: `${options.provider} returned ${response.status} with a body that is not JSON: ${shown}`,
      provider: options.provider,
      status: response.status,
      retryable: false,
      cause: error,
    });
  }
  // The adapters and the gateway walk and re-serialise the answer, recursively: past this depth
  // that overflows the stack. Asking again would get the same answer, so it is not retryable.
  const path = findDeepNestingInJSON(text, body, MAX_JSON_DEPTH);
  if (path !== undefined) {
    throw new ProviderUnavailableError({
      message: `${options.provider} answered with JSON nested deeper than ${MAX_JSON_DEPTH} levels (at ${path})`,
      provider: options.provider,
      status: response.status,
      retryable: false,
    });
  }
  return { status: response.status, headers: response.headers, body: body as T };
}

export interface SSEResult {
  status: number;
  headers: Record<string, string>;
  /** Ending iteration early aborts the upstream request (the server sees the connection close). */
  events: AsyncIterable<SSEEvent>;
}

/** Sends one request that answers with an event stream; resolves once the headers say 2xx. */
export async function sendSSERequest(options: SendRequestOptions): Promise<SSEResult> {
  const response = await openResponse(options);
  return {
    status: response.status,
    headers: response.headers,
    events: readSSEEvents(response.body, options.provider, options.signal),
  };
}

// Past this many parsed events waiting for the consumer, the body is paused (back-pressure).
const MAX_WAITING_EVENTS = 64;

/**
 * The body's events as they complete. The body is read in flowing mode ('data' events) rather
 * than with `for await`: Node's Readable async iterator costs ~1.3 µs more per chunk, and a
 * stream is one chunk per token. A consumer that falls behind pauses the body, so a slow client
 * slows the upstream read instead of growing memory. Ending early (the consumer's return(), or
 * an error) destroys the body, which aborts the upstream request: the server sees the
 * connection close. The caller's signal (cancel, deadline) reaches undici directly.
 */
async function* readSSEEvents(
  body: HTTPResponseBody,
  provider: string,
  signal: AbortSignal | undefined,
): AsyncGenerator<SSEEvent> {
  const reader = new SSEReader();
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const wakeConsumer = () => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  body.on('data', (chunk: Buffer) => {
    try {
      reader.feed(chunk);
    } catch (error) {
      // A line past the parser's limit: the stream is over; destroying the body aborts the upstream.
      failure ??= error as Error;
      body.destroy();
    }
    if (reader.waiting > MAX_WAITING_EVENTS) body.pause();
    wakeConsumer();
  });
  body.on('end', () => {
    ended = true;
    wakeConsumer();
  });
  body.on('error', (error: Error) => {
    failure ??= error;
    wakeConsumer();
  });
  body.on('close', () => {
    // Closed without 'end' and without an error of its own: the stream was cut.
    if (!ended) failure ??= new Error('the response body closed before it ended');
    wakeConsumer();
  });
  let finished = false;
  try {
    for (;;) {
      const event = reader.next();
      if (event !== undefined) {
        yield event;
        continue;
      }
      if (ended) {
        // A final line and event without their blank line are delivered too.
        reader.end();
        for (let last = reader.next(); last !== undefined; last = reader.next()) yield last;
        break;
      }
      if (failure !== undefined) throw failure;
      if (body.isPaused()) body.resume();
      await new Promise<void>((resolve) => (wake = resolve));
    }
    finished = true;
  } catch (error) {
    throw mapNetworkError(error, provider, signal, 'stream');
  } finally {
    if (!finished) body.destroy();
  }
}

async function openResponse(options: SendRequestOptions): Promise<HTTPResponse> {
  const request = toHTTPRequest(options);
  let response: HTTPResponse;
  try {
    response = await options.transport.request(request);
  } catch (error) {
    throw mapNetworkError(error, options.provider, options.signal);
  }
  if (response.status >= 200 && response.status < 300) return response;
  let text = '';
  try {
    text = await readTextAtMost(response.body, options.transport.maxResponseBytes);
  } catch {
    // The status alone still tells what went wrong.
  }
  throw mapErrorResponse(options, response.status, response.headers, text);
}

/** The first `maxBytes` of a body (an error's, for its message); the rest is not read, the connection closes. */
async function readTextAtMost(body: HTTPResponseBody, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    const room = maxBytes - total;
    chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
    total += Math.min(chunk.length, room);
    // Leaving the loop destroys the body, which aborts the request.
    if (total >= maxBytes) break;
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

function toHTTPRequest(options: SendRequestOptions): HTTPRequest {
  return {
    url: options.url,
    method: options.method ?? 'POST',
    headers: options.body === undefined ? options.headers : { 'content-type': 'application/json', ...options.headers },
    ...(options.body !== undefined && { body: serialiseBody(options) }),
    ...(options.signal !== undefined && { signal: options.signal }),
    ...(options.onResponse !== undefined && { onResponse: options.onResponse }),
  };
}

/**
 * The request body as JSON, serialised before the request is sent: a body that cannot be (a cycle,
 * a BigInt, nesting that overflows the stack) is the caller's to fix, not a network failure to retry.
 */
function serialiseBody(options: SendRequestOptions): string {
  try {
    return JSON.stringify(options.body);
  } catch (error) {
    throw new InvalidRequestError({
      message: `the request to ${options.provider} cannot be serialised as JSON: ${error instanceof Error ? error.message : String(error)}`,
      cause: error,
    });
  }
}

/** A non-2xx response as the adapter's error, with the API key taken out of the body it quotes. */
function mapErrorResponse(
  options: SendRequestOptions,
  status: number,
  headers: Record<string, string>,
  text: string,
): LiterLLMError {
  return options.mapErrorResponse({ status, headers, text: redactSecrets(text, options.secrets ?? []) });
}

/** The first characters of an unexpected body, for an error message. */
export function preview(text: string, length = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > length ? `${flat.slice(0, length)}…` : flat || '(empty body)';
}
