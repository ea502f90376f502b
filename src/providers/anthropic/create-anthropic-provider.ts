import { collectSecrets } from '../../http/collect-secrets.js';
import { HTTPTransport } from '../../http/http-transport.js';
import { resolveRateLimitScope } from '../../http/resolve-rate-limit-scope.js';
import { type ErrorResponse, sendJSONRequest, sendSSERequest } from '../../http/send-request.js';
import type { ChatRequest } from '../../spec/chat-request.js';
import type { ChatResponse } from '../../spec/chat-response.js';
import type { EmbedResponse } from '../../spec/embed.js';
import { InvalidRequestError } from '../../spec/errors.js';
import { type CallOptions, type EmbeddingProvider, PROVIDER_SPECIFICATION_VERSION } from '../../spec/provider.js';
import type { StreamEvent } from '../../spec/stream-event.js';
import type { ProviderSettings } from '../provider-settings.js';
import type { AnthropicMessagesResponse } from './anthropic-api.js';
import { ANTHROPIC_REQUEST_ID_HEADER, mapAnthropicErrorResponse, mapAnthropicStreamError } from './anthropic-error.js';
import { convertAnthropicStream } from './convert-anthropic-stream.js';
import { convertFromAnthropicResponse } from './convert-from-anthropic-response.js';
import { convertToAnthropicRequest } from './convert-to-anthropic-request.js';
import { type ProviderConnection, providerRequest } from '../provider-request.js';

export interface AnthropicProviderSettings extends ProviderSettings {
  /** max_tokens when the request gives none (the API requires it). Default 4096. */
  defaultMaxTokens?: number;
  /** The `anthropic-version` header. Default `2023-06-01`. */
  anthropicVersion?: string;
}

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';
export const ANTHROPIC_DEFAULT_VERSION = '2023-06-01';
const DEFAULT_MAX_TOKENS = 4096;

/**
 * The Anthropic Messages API adapter. `baseURL` is the host root, as in Anthropic's own SDKs
 * (`https://api.anthropic.com`); the adapter appends `/v1/messages`. A baseURL that already ends
 * in `/v1` is accepted too, since OpenAI habits make that a common slip.
 */
export function createAnthropicProvider(settings: AnthropicProviderSettings = {}): EmbeddingProvider {
  const name = settings.name ?? 'anthropic';
  const url = `${resolveBaseURL(settings.baseURL)}/v1/messages`;
  const transport = settings.transport ?? new HTTPTransport(settings.transportOptions);
  const ownsTransport = settings.transport === undefined;
  const defaultMaxTokens = settings.defaultMaxTokens ?? DEFAULT_MAX_TOKENS;
  const secrets = collectSecrets(settings.apiKey, settings.headers);
  const baseHeaders: Record<string, string> = {
    'anthropic-version': settings.anthropicVersion ?? ANTHROPIC_DEFAULT_VERSION,
    'content-type': 'application/json',
    ...(settings.apiKey !== undefined && { 'x-api-key': settings.apiKey }),
  };
  const connection: ProviderConnection = {
    transport,
    provider: name,
    mapErrorResponse: (response: ErrorResponse) => mapAnthropicErrorResponse(response, name),
    secrets,
  };

  function headersFor(accept: string, options: CallOptions | undefined): Record<string, string> {
    return { ...baseHeaders, accept, ...settings.headers, ...options?.headers };
  }

  return {
    specificationVersion: PROVIDER_SPECIFICATION_VERSION,
    name,
    type: 'anthropic',
    // anthropic-ratelimit-* count per model class (a pause per model is the closest the engine has).
    rateLimitScope: (headers) => resolveRateLimitScope(headers, 'anthropic-ratelimit-'),

    async chat(request: ChatRequest, options?: CallOptions): Promise<ChatResponse> {
      const { body, warnings } = convertToAnthropicRequest(request, { provider: name, defaultMaxTokens, stream: false });
      const result = await sendJSONRequest<AnthropicMessagesResponse>(
        providerRequest(connection, url, headersFor('application/json', options), body, options),
      );
      const requestId = result.headers[ANTHROPIC_REQUEST_ID_HEADER];
      // Read as a message, an error object has no content: it would pass as an empty success.
      if (result.body.type === 'error') throw mapAnthropicStreamError(result.body, name, requestId, 'json');
      return convertFromAnthropicResponse(result.body, { provider: name, requestId, warnings });
    },

    async chatStream(request: ChatRequest, options?: CallOptions): Promise<AsyncIterable<StreamEvent>> {
      const { body, warnings } = convertToAnthropicRequest(request, { provider: name, defaultMaxTokens, stream: true });
      const result = await sendSSERequest(
        providerRequest(connection, url, headersFor('text/event-stream', options), body, options),
      );
      return convertAnthropicStream(result.events, {
        provider: name,
        requestId: result.headers[ANTHROPIC_REQUEST_ID_HEADER],
        warnings,
      });
    },

    async embed(): Promise<EmbedResponse> {
      throw new InvalidRequestError({
        message: 'Anthropic has no embeddings API; route embeddings to another provider',
        provider: name,
        param: 'model',
      });
    },

    async close(): Promise<void> {
      if (ownsTransport) await transport.close();
    },
  };
}

function resolveBaseURL(baseURL: string | undefined): string {
  let resolved = (baseURL ?? ANTHROPIC_DEFAULT_BASE_URL).replace(/\/+$/, '');
  if (resolved.endsWith('/v1')) resolved = resolved.slice(0, -3);
  return resolved;
}
