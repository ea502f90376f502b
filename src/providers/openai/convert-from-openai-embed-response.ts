import type { EmbedResponse } from '../../spec/embed.js';
import { ProviderUnavailableError, type LiterLLMError } from '../../spec/errors.js';
import type { Warning } from '../../spec/warning.js';
import { decodeBase64Embedding } from './decode-base64-embedding.js';
import type { OpenAIEmbeddingResponse } from '../openai-compatible/openai-api.js';

export interface OpenAIEmbedResponseContext {
  provider: string;
  /** The model asked for, used when the response does not name one. */
  model: string;
  inputCount: number;
  requestId?: string;
  warnings: Warning[];
}

/** Maps an embeddings response; base64 and float vectors are both accepted, whatever was asked. */
export function convertFromOpenAIEmbedResponse(
  body: OpenAIEmbeddingResponse,
  context: OpenAIEmbedResponseContext,
): EmbedResponse {
  const data = Array.isArray(body.data) ? body.data : [];
  const embeddings = new Array<number[]>(data.length);
  for (let position = 0; position < data.length; position++) {
    const item = data[position]!;
    const index = typeof item.index === 'number' ? item.index : position;
    const embedding = item.embedding;
    if (index < 0 || index >= data.length || embeddings[index] !== undefined)
      throw unexpected(context, `index ${index} is out of order`);
    if (typeof embedding === 'string') embeddings[index] = decodeBase64Embedding(embedding);
    else if (Array.isArray(embedding)) embeddings[index] = embedding;
    else throw unexpected(context, `data[${position}].embedding is missing`);
  }
  if (embeddings.length !== context.inputCount) {
    throw unexpected(context, `${embeddings.length} embeddings for ${context.inputCount} inputs`);
  }
  const response: EmbedResponse = {
    provider: context.provider,
    model: body.model ?? context.model,
    embeddings,
    usage: { inputTokens: body.usage?.prompt_tokens ?? 0 },
    warnings: context.warnings,
  };
  if (context.requestId !== undefined) response.requestId = context.requestId;
  return response;
}

function unexpected(context: OpenAIEmbedResponseContext, what: string): LiterLLMError {
  return new ProviderUnavailableError({
    message: `${context.provider} returned an unusable embeddings response: ${what}`,
    provider: context.provider,
    retryable: false,
    ...(context.requestId !== undefined && { requestId: context.requestId }),
  });
}
