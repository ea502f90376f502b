import { collectSecrets } from '../../http/collect-secrets.js';
import { HTTPTransport } from '../../http/http-transport.js';
import { resolveRateLimitScope } from '../../http/resolve-rate-limit-scope.js';
import { sendJSONRequest } from '../../http/send-request.js';
import type { EmbedRequest, EmbedResponse } from '../../spec/embed.js';
import { type CallOptions, type EmbeddingProvider, PROVIDER_SPECIFICATION_VERSION } from '../../spec/provider.js';
import { convertFromOpenAIEmbedResponse } from './convert-from-openai-embed-response.js';
import { convertToOpenAIEmbedRequest } from './convert-to-openai-embed-request.js';
import { mapOpenAIErrorResponse } from '../openai-compatible/map-openai-error.js';
import type { OpenAIEmbeddingResponse } from '../openai-compatible/openai-api.js';
import type { OpenAIProviderSettings } from './openai-provider-settings.js';
import {
  assignLowerCase,
  buildHeaders,
  sendOpenAIChat,
  sendOpenAIChatStream,
  throwInBandError,
  type OpenAIChatEndpoint,
} from '../openai-compatible/send-openai-chat.js';
import { providerRequest } from '../provider-request.js';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';
/** vLLM's default address; Ollama (`http://localhost:11434/v1`) and others need base_url set. */
export const OPENAI_COMPATIBLE_DEFAULT_BASE_URL = 'http://localhost:8000/v1';

/**
 * The adapter for api.openai.com (`type: 'openai'`) and for OpenAI-compatible servers
 * (`type: 'openai-compatible'`: vLLM, Ollama, llama.cpp, Groq, Together...). baseURL includes the
 * version, as in OpenAI's own SDK. The two types differ only where servers differ:
 * - max tokens: `max_completion_tokens` for OpenAI (its reasoning models reject `max_tokens`),
 *   `max_tokens` for compatible servers (most do not know the newer name);
 * - content: compatible servers get text-only content arrays as one string;
 * - embeddings: base64 by default for OpenAI, float for compatible servers;
 * - providerOptions: `openai` always, then the type (`openai-compatible`), then the provider's name.
 * The API key is sent only when set: local servers usually need none.
 */
export function createOpenAIProvider(settings: OpenAIProviderSettings = {}): EmbeddingProvider {
  const type = settings.type ?? 'openai';
  const name = settings.name ?? type;
  const baseURL = (
    settings.baseURL ?? (type === 'openai' ? OPENAI_DEFAULT_BASE_URL : OPENAI_COMPATIBLE_DEFAULT_BASE_URL)
  ).replace(/\/+$/, '');
  const transport = settings.transport ?? new HTTPTransport(settings.transportOptions);
  const ownsTransport = settings.transport === undefined;
  const headers: Record<string, string> = {};
  if (settings.apiKey !== undefined && settings.apiKey !== '') headers['authorization'] = `Bearer ${settings.apiKey}`;
  if (settings.headers !== undefined) assignLowerCase(headers, settings.headers);
  const providerOptionKeys = [...new Set(['openai', type, name])];
  const secrets = collectSecrets(settings.apiKey, settings.headers);
  const mapErrorResponse = (response: Parameters<typeof mapOpenAIErrorResponse>[0]) => mapOpenAIErrorResponse(response, name);
  const encodingFormat = settings.embeddingEncoding ?? (type === 'openai' ? 'base64' : undefined);

  const chatEndpoint: OpenAIChatEndpoint = {
    transport,
    provider: name,
    url: `${baseURL}/chat/completions`,
    headers,
    secrets,
    requestIdHeader: 'x-request-id',
    mapErrorResponse,
    maxTokensField: type === 'openai' ? 'max_completion_tokens' : 'max_tokens',
    providerOptionKeys,
    flattenTextContent: type !== 'openai',
    includeUsage: settings.includeUsage ?? true,
  };

  async function embed(request: EmbedRequest, options: CallOptions = {}): Promise<EmbedResponse> {
    const body = convertToOpenAIEmbedRequest(request, { encodingFormat, providerOptionKeys });
    const result = await sendJSONRequest<OpenAIEmbeddingResponse>(
      providerRequest(
        chatEndpoint,
        `${baseURL}/embeddings`,
        buildHeaders(chatEndpoint, 'application/json', options),
        body,
        options,
      ),
    );
    const requestId = result.headers['x-request-id'];
    throwInBandError(chatEndpoint, result.body, requestId);
    return convertFromOpenAIEmbedResponse(result.body, {
      provider: name,
      model: request.model,
      inputCount: typeof request.input === 'string' ? 1 : request.input.length,
      warnings: [],
      ...(requestId !== undefined && { requestId }),
    });
  }

  return {
    specificationVersion: PROVIDER_SPECIFICATION_VERSION,
    name,
    type,
    chat: (request, options) => sendOpenAIChat(chatEndpoint, request, options),
    chatStream: (request, options) => sendOpenAIChatStream(chatEndpoint, request, options),
    embed,
    // OpenAI's x-ratelimit-* budgets are per model (so are Groq's and Together's, which copy them).
    rateLimitScope: (responseHeaders) => resolveRateLimitScope(responseHeaders, 'x-ratelimit-'),
    close: async () => {
      if (ownsTransport) await transport.close();
    },
  };
}
