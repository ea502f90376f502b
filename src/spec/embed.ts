import type { ProviderOptions } from './chat-request.js';
import type { Warning } from './warning.js';

export interface EmbedRequest {
  /** `provider/model` or a route name; adapters receive the provider's own model id. */
  model: string;
  /** One text or a batch; the response keeps the order. */
  input: string | string[];
  /** Requested vector size, for models that support shortening. */
  dimensions?: number;
  user?: string;
  providerOptions?: ProviderOptions;
}

export interface EmbedResponse {
  provider: string;
  model: string;
  /** One float vector per input, in input order (base64 wire payloads are decoded). */
  embeddings: number[][];
  usage: { inputTokens: number };
  warnings: Warning[];
  requestId?: string;
}
