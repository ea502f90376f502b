import { readFileSync } from 'node:fs';
import { InvalidRequestError } from './spec/errors.js';
import { describeReadError } from './engine/config/load-config-file.js';
import { formatConfigIssues } from './engine/config/format-config-issues.js';
import type { LiterLLMConfig } from './engine/config/liter-llm-config.js';
import type { LiterLLMConfigInput } from './engine/config/liter-llm-config-input.js';
import { parseConfig } from './engine/config/parse-config.js';
import type { ConfigResult } from './engine/config/config-issue.js';
import { validateConfigInput } from './engine/config/validate-config-input.js';
import { createEngineCore, type EngineCoreOptions, type ReloadableEngine } from './engine/create-engine-core.js';
import { createSharedLimitStores } from './engine/limits/create-shared-limit-stores.js';
import { defaultProviderRegistry } from './providers/default-provider-registry.js';
import type { ProviderRegistry } from './providers/provider-registry.js';

export interface CreateEngineOptions extends Partial<EngineCoreOptions> {
  /** Variables for `${VAR}` in a config file (default: process.env). */
  env?: Record<string, string | undefined>;
}

/**
 * Creates an engine from a config file path, a config object written in code (camelCase keys,
 * defaults filled in), or an already validated config. An invalid config throws an
 * InvalidRequestError listing every problem with its path.
 */
export function createEngine(
  config: string | LiterLLMConfigInput | LiterLLMConfig,
  options: CreateEngineOptions = {},
): ReloadableEngine {
  const providerRegistry = options.providerRegistry ?? defaultProviderRegistry;
  const resolved = resolveConfig(config, options.env ?? process.env, providerRegistry);
  // limits.store: redis builds the Redis stores (ioredis loads only then), unless the caller brought its own store.
  const shared =
    resolved.limits.store === 'redis' && options.rateLimitStore === undefined
      ? createSharedLimitStores(resolved.limits)
      : undefined;
  const engine = createEngineCore(resolved, {
    ...options,
    ...(shared !== undefined && { rateLimitStore: shared.rateLimitStore, concurrencyLeaseStore: shared.leaseStore }),
    providerRegistry,
  });
  if (shared !== undefined) {
    const closeEngine = engine.close.bind(engine);
    engine.close = async () => {
      await closeEngine();
      await shared.close();
    };
  }
  return engine;
}

function resolveConfig(
  config: string | LiterLLMConfigInput | LiterLLMConfig,
  env: Record<string, string | undefined>,
  registry: ProviderRegistry,
): LiterLLMConfig {
  if (typeof config === 'string') {
    let text: string;
    try {
      text = readFileSync(config, 'utf8');
    } catch (error) {
      throw new InvalidRequestError({ message: describeReadError(config, error) });
    }
    return unwrap(parseConfig(text, { env, sourceName: config, registry }), config);
  }
  // An already validated config validates to an equal one, so one path serves both shapes.
  return unwrap(validateConfigInput(config, { registry }), 'config');
}

function unwrap(result: ConfigResult, source: string): LiterLLMConfig {
  if (result.ok) return result.config;
  throw new InvalidRequestError({
    message: `invalid config ${source}:\n${formatConfigIssues(result.errors)}`,
    ...(result.errors[0] && { param: result.errors[0].path }),
  });
}
