import { sendJSONRequest, sendSSERequest } from '../../http/send-request.js';
import type { ChatRequest } from '../../spec/chat-request.js';
import type { ChatResponse } from '../../spec/chat-response.js';
import type { CallOptions } from '../../spec/provider.js';
import type { StreamEvent } from '../../spec/stream-event.js';
import { convertFromOpenAIChatResponse } from './convert-from-openai-chat-response.js';
import { convertOpenAIChatStream, type OpenAIStreamContext } from './convert-openai-chat-stream.js';
import { convertToOpenAIChatRequest, type OpenAIChatRequestOptions } from './convert-to-openai-chat-request.js';
import { findOpenAIInBandError } from './map-openai-in-band-error.js';
import type { OpenAIChatResponse } from './openai-api.js';
import { type ProviderConnection, providerRequest } from '../provider-request.js';

/**
 * One Chat Completions endpoint: where it is, how to authenticate, how its errors read. Shared by
 * the OpenAI adapter and every adapter that speaks the same wire (Hugging Face TGI and router).
 */
export interface OpenAIChatEndpoint extends Omit<OpenAIChatRequestOptions, 'stream' | 'includeUsage'>, ProviderConnection {
  url: string;
  /** Authorization and settings headers; content-type and accept are added per call. */
  headers: Record<string, string>;
  includeUsage: boolean;
  requestIdHeader: string;
  mapStreamError?: OpenAIStreamContext['mapStreamError'];
}

export async function sendOpenAIChat(
  endpoint: OpenAIChatEndpoint,
  request: ChatRequest,
  options: CallOptions = {},
): Promise<ChatResponse> {
  const { body, warnings } = convertToOpenAIChatRequest(request, conversionOptions(endpoint, false));
  const result = await sendJSONRequest<OpenAIChatResponse>(
    providerRequest(endpoint, endpoint.url, buildHeaders(endpoint, 'application/json', options), body, options),
  );
  const requestId = result.headers[endpoint.requestIdHeader];
  throwInBandError(endpoint, result.body, requestId);
  return convertFromOpenAIChatResponse(result.body, {
    provider: endpoint.provider,
    warnings,
    ...(requestId !== undefined && { requestId }),
  });
}

export async function sendOpenAIChatStream(
  endpoint: OpenAIChatEndpoint,
  request: ChatRequest,
  options: CallOptions = {},
): Promise<AsyncIterable<StreamEvent>> {
  const { body, warnings } = convertToOpenAIChatRequest(request, conversionOptions(endpoint, true));
  const result = await sendSSERequest(
    providerRequest(endpoint, endpoint.url, buildHeaders(endpoint, 'text/event-stream', options), body, options),
  );
  const requestId = result.headers[endpoint.requestIdHeader];
  return convertOpenAIChatStream(result.events, {
    provider: endpoint.provider,
    warnings,
    ...(requestId !== undefined && { requestId }),
    ...(endpoint.mapStreamError !== undefined && { mapStreamError: endpoint.mapStreamError }),
  });
}

/** Throws the error a server sent as a 200 JSON body (vLLM, some proxies), read as the stream path reads it. */
export function throwInBandError(endpoint: OpenAIChatEndpoint, body: unknown, requestId: string | undefined): void {
  const error = findOpenAIInBandError(body, {
    provider: endpoint.provider,
    ...(requestId !== undefined && { requestId }),
    ...(endpoint.mapStreamError !== undefined && { mapStreamError: endpoint.mapStreamError }),
  });
  if (error !== undefined) throw error;
}

/** The conversion settings of the endpoint (not a copy of the whole endpoint: this runs per call). */
function conversionOptions(endpoint: OpenAIChatEndpoint, stream: boolean): OpenAIChatRequestOptions {
  return {
    provider: endpoint.provider,
    maxTokensField: endpoint.maxTokensField,
    providerOptionKeys: endpoint.providerOptionKeys,
    flattenTextContent: endpoint.flattenTextContent,
    stream,
    includeUsage: endpoint.includeUsage,
  };
}

/** Adapter headers first, then settings headers (already in endpoint.headers), then per-call headers. */
export function buildHeaders(
  endpoint: { headers: Record<string, string> },
  accept: string,
  options: CallOptions,
): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept, ...endpoint.headers };
  if (options.headers !== undefined) assignLowerCase(headers, options.headers);
  return headers;
}

/** Header names are case-insensitive; lower-casing them lets a later value replace an earlier one. */
export function assignLowerCase(target: Record<string, string>, headers: Record<string, string>): Record<string, string> {
  for (const name in headers) target[name.toLowerCase()] = headers[name]!;
  return target;
}
