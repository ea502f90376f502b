import type { ProviderDefinition } from './provider-definition.js';

/** The provider definitions by type, in registration order (which messages and listings keep). */
export interface ProviderRegistry {
  get(type: string): ProviderDefinition | undefined;
  /** Every definition, in registration order. */
  list(): readonly ProviderDefinition[];
  /** Every type, in registration order. */
  types(): readonly string[];
  /** The type a provider named `name` has when its config gives none, or undefined (`type` is required). */
  typeFromName(name: string): string | undefined;
}

/** A registry of these definitions; a type registered twice is a programming error. */
export function createProviderRegistry(definitions: readonly ProviderDefinition[]): ProviderRegistry {
  const byType = new Map<string, ProviderDefinition>();
  for (const definition of definitions) {
    if (byType.has(definition.type)) throw new Error(`provider type "${definition.type}" is registered twice`);
    byType.set(definition.type, definition);
  }
  const list = [...byType.values()];
  const types = [...byType.keys()];
  return {
    get: (type) => byType.get(type),
    list: () => list,
    types: () => types,
    typeFromName: (name) => (byType.get(name)?.typeFromName === true ? name : undefined),
  };
}
