export type {
  CircuitBreakerConfig,
  ConfigSourceConfig,
  EtcdSourceConfig,
  LimitsConfig,
  LiterLLMConfig,
  ProviderConfig,
  ProviderType,
  RouteConfig,
  RouteFallback,
  RouteStrategy,
  RouteTarget,
  ServerConfig,
} from './liter-llm-config.js';
export type { LiterLLMConfigInput, ProviderConfigInput, RouteConfigInput } from './liter-llm-config-input.js';
export type { LiterLLMConfigFile } from './config-file-schema.js';
export type { ConfigIssue, ConfigResult } from './config-issue.js';
export type { ConfigEnv } from './path-issue.js';
export { CONFIG_DEFAULTS, PROVIDER_TYPES, ROUTE_STRATEGIES } from './config-defaults.js';
export { parseConfig, type ParseConfigOptions } from './parse-config.js';
export { loadConfigFile, type LoadConfigFileOptions } from './load-config-file.js';
export { validateConfigObject, type ValidateConfigObjectOptions } from './validate-config-object.js';
export { validateConfigInput } from './validate-config-input.js';
export { formatConfigIssues, formatConfigIssue } from './format-config-issues.js';
export { checkConfigCommand, type CheckConfigOutput } from './check-config-command.js';
export { createDefaultConfig, validateDefaultConfig } from './create-default-config.js';
export { watchConfigFile, type ConfigWatcher, type WatchConfigFileOptions } from './watch-config-file.js';
export { resolveFallback, type FallbackResolution } from './resolve-fallback.js';
