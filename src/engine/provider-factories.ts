import type { HTTPTransport } from '../http/http-transport.js';
import type { ProviderDefinition } from '../providers/provider-definition.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import type { Provider, ProviderType } from '../spec/provider.js';
import { convertSnakeToCamel } from './config/convert-key-case.js';
import type { ProviderConfig } from './config/liter-llm-config.js';

/**
 * How the engine builds adapters. The engine never imports a provider: the package entry point
 * injects the registry of real definitions, tests inject scripted factories (which win over the
 * registry's for their types).
 */
export type ProviderFactory = (config: ProviderConfig, transport: HTTPTransport) => Provider;
export type ProviderFactories = Partial<Record<ProviderType, ProviderFactory>>;

/** The factories of a registry's definitions, overridden by `overrides`; built once per engine. */
export function createProviderFactories(
  registry: ProviderRegistry | undefined,
  overrides: ProviderFactories | undefined,
): ProviderFactories {
  const factories: ProviderFactories = {};
  for (const definition of registry?.list() ?? []) factories[definition.type] = createFactoryOf(definition);
  return { ...factories, ...overrides };
}

function createFactoryOf(definition: ProviderDefinition): ProviderFactory {
  // The config holds a definition's options flat and camelCase (chat_api → chatAPI), as built.
  const optionKeys = Object.keys(definition.optionsSchema.shape).map(convertSnakeToCamel);
  return (config, transport) => {
    const options: Record<string, unknown> = {};
    for (const key of optionKeys) if (config[key] !== undefined) options[key] = config[key];
    return definition.create({
      name: config.name,
      baseURL: config.baseURL,
      headers: config.headers,
      transport,
      ...(config.apiKey !== undefined && { apiKey: config.apiKey }),
      options,
    });
  };
}
