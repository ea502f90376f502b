import type { EmbedRequest } from '../../spec/embed.js';
import type { OpenAIEmbeddingRequest } from '../openai-compatible/openai-api.js';

export interface OpenAIEmbedRequestOptions {
  /** Left out when undefined (the server's default, float). */
  encodingFormat: 'base64' | 'float' | undefined;
  /** providerOptions keys merged into the body verbatim, in this order. */
  providerOptionKeys: readonly string[];
}

export function convertToOpenAIEmbedRequest(request: EmbedRequest, options: OpenAIEmbedRequestOptions): OpenAIEmbeddingRequest {
  const body: OpenAIEmbeddingRequest = { model: request.model, input: request.input };
  if (request.dimensions !== undefined) body.dimensions = request.dimensions;
  if (request.user !== undefined) body.user = request.user;
  if (options.encodingFormat !== undefined) body.encoding_format = options.encodingFormat;
  const providerOptions = request.providerOptions;
  if (providerOptions !== undefined) {
    for (const key of options.providerOptionKeys) {
      const extra = providerOptions[key];
      if (extra !== undefined) Object.assign(body, extra);
    }
  }
  return body;
}
