import type { EmbedRequest, EmbedResponse } from '../spec/embed.js';
import { InvalidRequestError } from '../spec/errors.js';
import type { CallOptions, Provider } from '../spec/provider.js';

/**
 * The provider's embed, or for one without embeddings (embed is optional in the spec) a call that
 * answers invalid_request naming the provider: a caller's mistake, not a crash, and not retried.
 */
export function embedWith(provider: Provider): (request: EmbedRequest, options?: CallOptions) => Promise<EmbedResponse> {
  if (provider.embed !== undefined) return provider.embed.bind(provider);
  return async () => {
    throw new InvalidRequestError({
      message: `${provider.name} does not support embeddings; route embeddings to another provider`,
      provider: provider.name,
      param: 'model',
    });
  };
}
