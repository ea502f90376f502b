import { InvalidRequestError } from '../../spec/errors.js';
import type { ConfigResult } from './config-issue.js';
import { formatConfigIssues } from './format-config-issues.js';
import type { LiterLLMConfig } from './liter-llm-config.js';
import type { ConfigEnv } from './path-issue.js';
import { validateConfigObject } from './validate-config-object.js';

// Each built-in provider and the variables that enable it; the names follow each vendor's own SDK.
const SOURCES = [
  { provider: 'openai', apiKey: 'OPENAI_API_KEY', baseURL: 'OPENAI_BASE_URL' },
  { provider: 'anthropic', apiKey: 'ANTHROPIC_API_KEY', baseURL: 'ANTHROPIC_BASE_URL' },
  { provider: 'huggingface', apiKey: 'HF_TOKEN', baseURL: 'HF_BASE_URL' },
] as const;

/**
 * The config used when no file is given: one provider per vendor whose key is set, with every
 * default. A base URL variable alone also enables its provider, keyless, so a local server
 * (`OPENAI_BASE_URL=http://localhost:11434/v1`) works without inventing a key. Empty variables count
 * as unset. Issues name the variable at fault (`OPENAI_BASE_URL: expected an http:// or https:// URL`).
 */
export function validateDefaultConfig(env: ConfigEnv = process.env): ConfigResult {
  const providers: Record<string, Record<string, string>> = {};
  for (const source of SOURCES) {
    const apiKey = env[source.apiKey]?.trim();
    const baseURL = env[source.baseURL]?.trim();
    if (!apiKey && !baseURL) continue;
    providers[source.provider] = { ...(apiKey && { api_key: apiKey }), ...(baseURL && { base_url: baseURL }) };
  }
  const result = validateConfigObject({ providers });
  if (result.ok) return result;
  const renamed = result.errors.map((issue) => {
    const source = SOURCES.find((candidate) => issue.path.startsWith(`providers.${candidate.provider}.`));
    if (source === undefined) return issue;
    return { ...issue, path: issue.path.endsWith('.base_url') ? source.baseURL : source.apiKey };
  });
  return { ...result, errors: renamed };
}

/** validateDefaultConfig, throwing an InvalidRequestError that lists every issue when the environment is wrong. */
export function createDefaultConfig(env: ConfigEnv = process.env): LiterLLMConfig {
  const result = validateDefaultConfig(env);
  if (result.ok) return result.config;
  throw new InvalidRequestError({
    message: `invalid environment for the default config:\n${formatConfigIssues(result.errors)}`,
    param: result.errors[0]?.path,
  });
}
