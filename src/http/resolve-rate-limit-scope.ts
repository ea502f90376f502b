import type { RateLimitScope } from '../spec/provider.js';

/**
 * Which budget a 429 (or a response saying a budget is spent) was about, read from its headers:
 *
 * - the vendor's own per-model budget headers (`perModelPrefix`: OpenAI's and Groq's
 *   `x-ratelimit-*` count per model; Anthropic's `anthropic-ratelimit-*` per model class) say
 *   `model`: pause that (provider, model) pair only;
 * - the IETF `RateLimit` / `RateLimit-Policy` headers without the vendor's (the Hugging Face Hub's,
 *   whose budget is the account's, across models) say `provider`: the key's budget is spent;
 * - nothing at all says `model`: most limits are per model, and a wrong guess costs one more 429 on
 *   another model, where a provider-wide pause would turn away every model for the pause.
 */
export function resolveRateLimitScope(headers: Record<string, string>, perModelPrefix?: string): RateLimitScope {
  let shared = false;
  for (const name in headers) {
    if (perModelPrefix !== undefined && name.startsWith(perModelPrefix)) return 'model';
    if (name === 'ratelimit' || name === 'ratelimit-policy') shared = true;
  }
  return shared ? 'provider' : 'model';
}
