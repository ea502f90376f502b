import { collectSecrets } from '../../http/collect-secrets.js';
import { HTTPTransport } from '../../http/http-transport.js';
import { resolveRateLimitScope } from '../../http/resolve-rate-limit-scope.js';
import { sendJSONRequest, sendSSERequest, type ErrorResponse } from '../../http/send-request.js';
import type { ChatRequest } from '../../spec/chat-request.js';
import type { ChatResponse } from '../../spec/chat-response.js';
import type { EmbedRequest, EmbedResponse } from '../../spec/embed.js';
import { type CallOptions, type EmbeddingProvider, PROVIDER_SPECIFICATION_VERSION } from '../../spec/provider.js';
import type { StreamEvent } from '../../spec/stream-event.js';
import type { Warning } from '../../spec/warning.js';
import {
  assignLowerCase,
  buildHeaders,
  sendOpenAIChat,
  sendOpenAIChatStream,
  type OpenAIChatEndpoint,
} from '../openai-compatible/send-openai-chat.js';
import { convertFromHuggingFaceEmbeddings } from './convert-from-huggingface-embeddings.js';
import { convertFromTGIGenerateResponse } from './convert-from-tgi-generate-response.js';
import { convertTGIGenerateStream } from './convert-tgi-generate-stream.js';
import { convertToTGIGenerateRequest } from './convert-to-tgi-generate-request.js';
import { encodeHuggingFaceModelPath } from './encode-huggingface-model-path.js';
import type { TEIEmbedRequest, TGIGenerateResponse } from './huggingface-api.js';
import type { HuggingFaceProviderSettings } from './huggingface-provider-settings.js';
import { mapHuggingFaceErrorResponse, mapHuggingFaceStreamError } from './map-huggingface-error.js';
import { providerRequest } from '../provider-request.js';

export const HUGGINGFACE_DEFAULT_BASE_URL = 'https://router.huggingface.co';
const HOSTED_HOSTS = new Set(['router.huggingface.co', 'api-inference.huggingface.co']);

/** True for Hugging Face's hosted endpoints, whose routes differ from a self-hosted TGI/TEI. */
export function isHostedHuggingFace(baseURL: string): boolean {
  try {
    return HOSTED_HOSTS.has(new URL(baseURL).hostname);
  } catch {
    return false;
  }
}

/**
 * Where TGI's native generation lives: `/generate` and `/generate_stream` on a TGI server; on the
 * hosted API, `/hf-inference/models/{model}` serves both and `stream` in the body picks the form.
 */
export function resolveTGIGenerateURL(baseURL: string, model: string, stream: boolean): { url: string; streamFlag?: boolean } {
  if (isHostedHuggingFace(baseURL))
    return { url: `${baseURL}/hf-inference/models/${encodeHuggingFaceModelPath(model)}`, streamFlag: stream };
  return { url: `${baseURL}${stream ? '/generate_stream' : '/generate'}` };
}

export function resolveEmbedURL(baseURL: string, model: string, api: 'tei' | 'feature-extraction'): string {
  return api === 'tei'
    ? `${baseURL}/embed`
    : `${baseURL}/hf-inference/models/${encodeHuggingFaceModelPath(model)}/pipeline/feature-extraction`;
}

/**
 * The Hugging Face adapter: the hosted router (default, token from HF_TOKEN as a Bearer key), or a
 * self-hosted TGI (chat) / TEI (embeddings) at its server root (`http://tgi:8080`).
 * Chat goes through the OpenAI-compatible route with the OpenAI mappers (`max_tokens`, string
 * content) and HF error mapping; `chatAPI: 'tgi-generate'` uses TGI's native routes instead.
 * providerOptions: `huggingface`, then the provider's name, merged into the chat body (into
 * `parameters` for /generate, into the body for embeddings).
 */
export function createHuggingFaceProvider(settings: HuggingFaceProviderSettings = {}): EmbeddingProvider {
  const name = settings.name ?? 'huggingface';
  const baseURL = (settings.baseURL ?? HUGGINGFACE_DEFAULT_BASE_URL).replace(/\/+$/, '');
  const transport = settings.transport ?? new HTTPTransport(settings.transportOptions);
  const ownsTransport = settings.transport === undefined;
  const headers: Record<string, string> = {};
  if (settings.apiKey !== undefined && settings.apiKey !== '') headers['authorization'] = `Bearer ${settings.apiKey}`;
  if (settings.headers !== undefined) assignLowerCase(headers, settings.headers);
  const providerOptionKeys = [...new Set(['huggingface', name])];
  const secrets = collectSecrets(settings.apiKey, settings.headers);
  const mapErrorResponse = (response: ErrorResponse) => mapHuggingFaceErrorResponse(response, name);
  const embedAPI = settings.embedAPI ?? (isHostedHuggingFace(baseURL) ? 'feature-extraction' : 'tei');

  const chatEndpoint: OpenAIChatEndpoint = {
    transport,
    provider: name,
    url: `${baseURL}/v1/chat/completions`,
    headers,
    secrets,
    requestIdHeader: 'x-request-id',
    mapErrorResponse,
    mapStreamError: (payload, requestId, place) => mapHuggingFaceStreamError(payload, name, requestId, place),
    maxTokensField: 'max_tokens',
    providerOptionKeys,
    flattenTextContent: true,
    includeUsage: settings.includeUsage ?? true,
  };

  async function generate(request: ChatRequest, options: CallOptions = {}): Promise<ChatResponse> {
    const { url, streamFlag } = resolveTGIGenerateURL(baseURL, request.model, false);
    const { body, warnings } = convertToTGIGenerateRequest(request, {
      providerOptionKeys,
      ...(streamFlag !== undefined && { streamFlag }),
    });
    const result = await sendJSONRequest<TGIGenerateResponse | TGIGenerateResponse[]>(
      providerRequest(chatEndpoint, url, buildHeaders(chatEndpoint, 'application/json', options), body, options),
    );
    const requestId = result.headers['x-request-id'];
    return convertFromTGIGenerateResponse(result.body, {
      provider: name,
      model: request.model,
      headers: result.headers,
      warnings,
      ...(requestId !== undefined && { requestId }),
    });
  }

  async function generateStream(request: ChatRequest, options: CallOptions = {}): Promise<AsyncIterable<StreamEvent>> {
    const { url, streamFlag } = resolveTGIGenerateURL(baseURL, request.model, true);
    const { body, warnings } = convertToTGIGenerateRequest(request, {
      providerOptionKeys,
      ...(streamFlag !== undefined && { streamFlag }),
    });
    const result = await sendSSERequest(
      providerRequest(chatEndpoint, url, buildHeaders(chatEndpoint, 'text/event-stream', options), body, options),
    );
    const requestId = result.headers['x-request-id'];
    const maxNewTokens = body.parameters.max_new_tokens;
    return convertTGIGenerateStream(result.events, {
      provider: name,
      model: request.model,
      headers: result.headers,
      warnings,
      ...(requestId !== undefined && { requestId }),
      ...(maxNewTokens !== undefined && { maxNewTokens }),
    });
  }

  async function embed(request: EmbedRequest, options: CallOptions = {}): Promise<EmbedResponse> {
    const warnings: Warning[] = [];
    const body: TEIEmbedRequest = { inputs: request.input };
    if (request.dimensions !== undefined) {
      warnings.push({
        type: 'unsupported-setting',
        setting: 'dimensions',
        message: `${embedAPI} has no portable dimensions field; pass it in providerOptions.huggingface if the server supports one`,
      });
    }
    if (request.user !== undefined)
      warnings.push({ type: 'unsupported-setting', setting: 'user', message: `${embedAPI} has no user field; it was not sent` });
    const providerOptions = request.providerOptions;
    if (providerOptions !== undefined) {
      for (const key of providerOptionKeys) {
        const extra = providerOptions[key];
        if (extra !== undefined) Object.assign(body, extra);
      }
    }
    const result = await sendJSONRequest<unknown>(
      providerRequest(
        chatEndpoint,
        resolveEmbedURL(baseURL, request.model, embedAPI),
        buildHeaders(chatEndpoint, 'application/json', options),
        body,
        options,
      ),
    );
    const single = typeof request.input === 'string';
    const converted = convertFromHuggingFaceEmbeddings(result.body, single ? 1 : request.input.length, single, name);
    const requestId = result.headers['x-request-id'];
    // TEI reports the tokens it embedded in a header; the hosted pipeline reports none.
    const tokens = Number.parseInt(result.headers['x-compute-tokens'] ?? '', 10);
    const response: EmbedResponse = {
      provider: name,
      model: request.model,
      embeddings: converted.embeddings,
      usage: { inputTokens: Number.isFinite(tokens) ? tokens : 0 },
      warnings: [...warnings, ...converted.warnings],
    };
    if (requestId !== undefined) response.requestId = requestId;
    return response;
  }

  const useGenerate = settings.chatAPI === 'tgi-generate';
  return {
    specificationVersion: PROVIDER_SPECIFICATION_VERSION,
    name,
    type: 'huggingface',
    chat: useGenerate ? generate : (request, options) => sendOpenAIChat(chatEndpoint, request, options),
    chatStream: useGenerate ? generateStream : (request, options) => sendOpenAIChatStream(chatEndpoint, request, options),
    embed,
    // The Hub's RateLimit headers are the account's budget; a TGI server (no headers) serves one model.
    rateLimitScope: (headers) => resolveRateLimitScope(headers),
    close: async () => {
      if (ownsTransport) await transport.close();
    },
  };
}
