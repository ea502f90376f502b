import type { EmbedRequest } from '../spec/embed.js';
import { collectExtraFields } from './collect-extra-fields.js';
import { InvalidRequestError } from '../spec/errors.js';
import { createValidationError } from './create-validation-error.js';
import { encodeFloat32Base64 } from './encode-float32-base64.js';
import type { GatewayContext } from './gateway-context.js';
import { MAPPED_EMBEDDINGS_FIELDS, openAIEmbeddingsBodySchema, type OpenAIEmbeddingList } from './openai-embeddings-api.js';

/**
 * `POST /v1/embeddings`. Vectors come back as floats or, for `encoding_format: "base64"` (what
 * the official OpenAI SDKs ask for by default), as float32 little-endian base64. Unknown fields go
 * to `providerOptions.openai`, as for chat.
 */
export async function handleEmbeddings(context: GatewayContext): Promise<void> {
  const body = await context.readBody();
  rejectTokenInput(body);
  const parsed = openAIEmbeddingsBodySchema.safeParse(body);
  if (!parsed.success) throw createValidationError(parsed.error.issues, body);
  const wire = parsed.data;
  const request: EmbedRequest = { model: wire.model, input: wire.input };
  if (wire.dimensions != null) request.dimensions = wire.dimensions;
  if (wire.user != null) request.user = wire.user;
  const extra = collectExtraFields(wire, MAPPED_EMBEDDINGS_FIELDS);
  if (extra !== undefined) request.providerOptions = { openai: extra };
  context.requestedModel = request.model;

  const response = await context.engine.embed(request, context.callOptions);
  const base64 = wire.encoding_format === 'base64';
  const list: OpenAIEmbeddingList = {
    object: 'list',
    data: response.embeddings.map((vector, index) => ({
      object: 'embedding',
      index,
      embedding: base64 ? encodeFloat32Base64(vector) : vector,
    })),
    model: response.model || wire.model,
    usage: { prompt_tokens: response.usage.inputTokens, total_tokens: response.usage.inputTokens },
  };
  context.sendJSON(200, JSON.stringify(list), context.servedHeaders(response.provider, response.model, response.warnings));
}

/** Token-id input (arrays of integers) is valid OpenAI but has no canonical form: say so plainly. */
function rejectTokenInput(body: unknown): void {
  if (typeof body !== 'object' || body === null) return;
  const input = (body as { input?: unknown }).input;
  if (!Array.isArray(input) || input.length === 0) return;
  const first: unknown = input[0];
  if (typeof first === 'number' || Array.isArray(first)) {
    throw new InvalidRequestError({
      message: 'input: token-id arrays are not supported by the gateway; send the text (a string or an array of strings)',
      param: 'input',
    });
  }
}
