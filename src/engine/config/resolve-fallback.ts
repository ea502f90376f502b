import type { RouteFallback } from './liter-llm-config.js';
import { suggestClosest } from './suggest-closest.js';

export type FallbackResolution = { ok: true; fallback: RouteFallback } | { ok: false; message: string };

/**
 * Reads a fallback as a route name first (route names may contain slashes) and otherwise as
 * `provider/model`, split at the first slash (Hugging Face model ids contain slashes too).
 */
export function resolveFallback(
  text: string,
  routeNames: readonly string[],
  providerNames: readonly string[],
): FallbackResolution {
  if (routeNames.includes(text)) return { ok: true, fallback: { type: 'route', route: text, text } };
  const slash = text.indexOf('/');
  if (slash === -1) {
    const suggestion = suggestClosest(text, routeNames);
    const hint = suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`;
    return { ok: false, message: `"${text}" is not a route name${hint}; a fallback is a route name or provider/model` };
  }
  const provider = text.slice(0, slash);
  const model = text.slice(slash + 1);
  if (!providerNames.includes(provider)) {
    return { ok: false, message: describeUnknownProvider(provider, providerNames, ` in "${text}"`) };
  }
  if (model === '') return { ok: false, message: `missing the model after "${provider}/"` };
  return { ok: true, fallback: { type: 'model', provider, model, text } };
}

/** `unknown provider "opnai" (did you mean openai?)`, or the list of configured ones. */
export function describeUnknownProvider(name: string, providerNames: readonly string[], where = ''): string {
  const unknown = `unknown provider "${name}"${where}`;
  const suggestion = suggestClosest(name, providerNames);
  if (suggestion !== undefined) return `${unknown} (did you mean ${suggestion}?)`;
  if (providerNames.length === 0) return `${unknown} (no providers are configured)`;
  return `${unknown} (configured: ${providerNames.join(', ')})`;
}
