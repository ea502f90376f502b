import type { ProviderCapabilities } from '../providers/provider-definition.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';

/** One row of `liter-llm providers`: what a definition says, and whether this environment enables it. */
export interface ProviderListing {
  name: string;
  type: string;
  /** Absent when the provider needs `base_url` (a local server). */
  baseURL?: string;
  /** The variable that holds its key; absent for providers without one. */
  keyVariable?: string;
  baseURLVariable?: string;
  capabilities: ProviderCapabilities;
  /** Its key (or base URL) variable is set, so it runs with no config at all. Never the key itself. */
  enabled: boolean;
}

/** Every registered provider, in registry order. Reads only whether variables are set, never their values out. */
export function describeProviders(registry: ProviderRegistry, env: Record<string, string | undefined>): ProviderListing[] {
  const isSet = (name: string | undefined) => name !== undefined && (env[name]?.trim() ?? '') !== '';
  return registry.list().map((definition) => {
    const { baseURL, apiKeyVariables, baseURLVariable } = definition.defaults;
    const keyVariable = apiKeyVariables.find(isSet) ?? apiKeyVariables[0];
    return {
      name: definition.type,
      type: definition.type,
      ...(baseURL !== undefined && { baseURL }),
      ...(keyVariable !== undefined && { keyVariable }),
      ...(baseURLVariable !== undefined && { baseURLVariable }),
      capabilities: definition.capabilities,
      // As createDefaultConfig decides: only a provider named like its type is enabled by variables.
      enabled: definition.typeFromName && (apiKeyVariables.some(isSet) || isSet(baseURLVariable)),
    };
  });
}

const CAPABILITY_NAMES = ['chat', 'stream', 'embed', 'tools', 'images', 'reasoning'] as const;

/** The listing as an aligned table, one provider a line. */
export function formatProviderTable(listings: readonly ProviderListing[]): string {
  const rows = [
    ['NAME', 'TYPE', 'BASE URL', 'KEY VARIABLE', 'CAPABILITIES', 'ENABLED'],
    ...listings.map((listing) => [
      listing.name,
      listing.type,
      listing.baseURL ?? '(base_url required)',
      listing.keyVariable ?? '-',
      CAPABILITY_NAMES.filter((name) => listing.capabilities[name]).join(','),
      listing.enabled ? 'yes' : 'no',
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return (
    rows
      .map((row) =>
        row
          .map((cell, column) => cell.padEnd(widths[column]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}
