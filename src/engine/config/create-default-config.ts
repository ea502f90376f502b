import type { ProviderRegistry } from '../../providers/provider-registry.js';
import { InvalidRequestError } from '../../spec/errors.js';
import { bundledProviderRegistry } from './bundled-provider-registry.js';
import type { ConfigResult } from './config-issue.js';
import { formatConfigIssues } from './format-config-issues.js';
import type { LiterLLMConfig } from './liter-llm-config.js';
import type { ConfigEnv } from './path-issue.js';
import { validateConfigObject } from './validate-config-object.js';

interface EnvironmentSource {
  provider: string;
  apiKeys: readonly string[];
  baseURL: string | undefined;
}

/** Each registered provider that a variable can enable, named like its type; the names follow each vendor's own SDK. */
function listEnvironmentSources(registry: ProviderRegistry): EnvironmentSource[] {
  return registry
    .list()
    .filter((definition) => definition.typeFromName)
    .map((definition) => ({
      provider: definition.type,
      apiKeys: definition.defaults.apiKeyVariables,
      baseURL: definition.defaults.baseURLVariable,
    }))
    .filter((source) => source.apiKeys.length > 0 || source.baseURL !== undefined);
}

/** The first of the variables that is set, and its name (empty counts as unset). */
function readFirst(env: ConfigEnv, names: readonly string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { name, value };
  }
  return undefined;
}

/**
 * The config used when no file is given: one provider per vendor whose key is set, with every
 * default. A base URL variable alone also enables its provider, keyless, so a local server
 * (`OPENAI_BASE_URL=http://localhost:11434/v1`) works without inventing a key. Empty variables count
 * as unset. Issues name the variable at fault (`OPENAI_BASE_URL: expected an http:// or https:// URL`).
 */
export function validateDefaultConfig(
  env: ConfigEnv = process.env,
  registry: ProviderRegistry = bundledProviderRegistry,
): ConfigResult {
  const providers: Record<string, Record<string, string>> = {};
  const variables = new Map<string, { apiKey: string | undefined; baseURL: string | undefined }>();
  for (const source of listEnvironmentSources(registry)) {
    const apiKey = readFirst(env, source.apiKeys);
    const baseURL = source.baseURL === undefined ? undefined : readFirst(env, [source.baseURL]);
    if (!apiKey && !baseURL) continue;
    providers[source.provider] = {
      ...(apiKey && { api_key: apiKey.value }),
      ...(baseURL && { base_url: baseURL.value }),
    };
    variables.set(source.provider, { apiKey: apiKey?.name ?? source.apiKeys[0], baseURL: source.baseURL });
  }
  const result = validateConfigObject({ providers }, { registry });
  if (result.ok) return result;
  const renamed = result.errors.map((issue) => {
    const provider = [...variables.keys()].find((candidate) => issue.path.startsWith(`providers.${candidate}.`));
    const names = provider === undefined ? undefined : variables.get(provider);
    const name = issue.path.endsWith('.base_url') ? names?.baseURL : names?.apiKey;
    return name === undefined ? issue : { ...issue, path: name };
  });
  return { ...result, errors: renamed };
}

/** validateDefaultConfig, throwing an InvalidRequestError that lists every issue when the environment is wrong. */
export function createDefaultConfig(
  env: ConfigEnv = process.env,
  registry: ProviderRegistry = bundledProviderRegistry,
): LiterLLMConfig {
  const result = validateDefaultConfig(env, registry);
  if (result.ok) return result.config;
  throw new InvalidRequestError({
    message: `invalid environment for the default config:\n${formatConfigIssues(result.errors)}`,
    param: result.errors[0]?.path,
  });
}
