import type { ProviderRegistry } from '../providers/provider-registry.js';

/** The variables that enable a provider with no config (`OPENAI_API_KEY`, ...), in registry order. */
export function listKeyVariables(registry: ProviderRegistry): string[] {
  return registry.list().flatMap((definition) => {
    const variable = definition.defaults.apiKeyVariables[0];
    return definition.typeFromName && variable !== undefined ? [variable] : [];
  });
}

/** `A, B or C`. */
export function joinWithOr(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}
