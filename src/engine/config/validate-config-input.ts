import type { ConfigResult } from './config-issue.js';
import { bundledProviderRegistry } from './bundled-provider-registry.js';
import { createConfigFileSchema } from './config-file-schema.js';
import { convertConfigKeysToSnake } from './convert-config-keys.js';
import type { LiterLLMConfigInput } from './liter-llm-config-input.js';
import type { ValidateConfigObjectOptions } from './validate-config-object.js';
import { validateConfigValue } from './validate-config-value.js';

/**
 * Validates a camelCase config written in code. Same rules and defaults as a file; issues name
 * camelCase paths (`providers.openai.maxConcurrency`). A LiterLLMConfig validates to an equal config.
 */
export function validateConfigInput(input: LiterLLMConfigInput, options: ValidateConfigObjectOptions = {}): ConfigResult {
  const registry = options.registry ?? bundledProviderRegistry;
  return validateConfigValue(convertConfigInputToFile(input, registry), {
    env: options.interpolate === true ? (options.env ?? process.env) : undefined,
    keyStyle: 'camel',
    registry,
  });
}

/**
 * A camelCase config (a validated LiterLLMConfig too) as the file would hold it: snake_case keys,
 * fallbacks as written, without the names repeated inside entries. A config store overlays this
 * object and validates it as a file (src/host/apply-config-overlay.ts).
 */
export function convertConfigInputToFile(input: LiterLLMConfigInput, registry = bundledProviderRegistry): unknown {
  return convertConfigKeysToSnake(removeBuiltParts(input), createConfigFileSchema(registry));
}

/** Drops what building a LiterLLMConfig adds: the name repeated inside an entry, resolved fallbacks. */
function removeBuiltParts(input: LiterLLMConfigInput): unknown {
  if (!isRecord(input)) return input;
  const output: Record<string, unknown> = { ...input };
  if (isRecord(input.providers)) output.providers = mapEntries(input.providers, removeOwnName);
  if (isRecord(input.routes)) {
    output.routes = mapEntries(input.routes, (key, value) => {
      const route = removeOwnName(key, value);
      if (!isRecord(route) || !Array.isArray(route.fallbacks)) return route;
      const fallbacks = route.fallbacks.map((item: unknown) => (isRecord(item) && 'text' in item ? item.text : item));
      return { ...route, fallbacks };
    });
  }
  return output;
}

function removeOwnName(key: string, value: unknown): unknown {
  if (!isRecord(value) || value.name !== key) return value;
  const { name: _name, ...rest } = value;
  return rest;
}

function mapEntries(record: object, map: (key: string, value: unknown) => unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(key, value)]));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
