import type { EmbedRequest, EmbedResponse } from '../spec/embed.js';
import { InvalidRequestError } from '../spec/errors.js';
import type { CallOptions, Provider } from '../spec/provider.js';

/**
 * The provider's embed; for one without embeddings (embed is optional in the spec), an
 * invalid_request naming the provider: a caller's mistake, not a crash, and not retried.
 */
export async function embedWith(provider: Provider, request: EmbedRequest, options: CallOptions): Promise<EmbedResponse> {
  if (provider.embed !== undefined) return provider.embed(request, options);
  throw new InvalidRequestError({
    message: `${provider.name} does not support embeddings; route embeddings to another provider`,
    provider: provider.name,
    param: 'model',
  });
}
