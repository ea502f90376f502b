import type { ProviderRegistry } from '../../providers/provider-registry.js';
import type { ParsedConfigFile } from './config-file-schema.js';
import { CONFIG_DEFAULTS } from './config-defaults.js';
import { convertSnakeToCamel } from './convert-key-case.js';
import type {
  ConfigSourceConfig,
  LimitsConfig,
  LiterLLMConfig,
  ProviderConfig,
  RouteConfig,
  RouteFallback,
  ServerConfig,
} from './liter-llm-config.js';
import { listAPIKeys } from './list-api-keys.js';
import { resolveFallback } from './resolve-fallback.js';

type ProviderFile = NonNullable<ParsedConfigFile['providers']>[string];
type RouteFile = NonNullable<ParsedConfigFile['routes']>[string];

/**
 * Applies every default and turns the file's snake_case into the camelCase config. Only called on
 * a config that passed the schema and the cross-field rules, so references are known to resolve.
 */
export function buildConfig(file: ParsedConfigFile, registry: ProviderRegistry): LiterLLMConfig {
  const providerEntries = Object.entries(file.providers ?? {});
  const routeEntries = Object.entries(file.routes ?? {});
  const providerNames = providerEntries.map(([name]) => name);
  const routeNames = routeEntries.map(([name]) => name);
  const config: LiterLLMConfig = {
    providers: Object.fromEntries(providerEntries.map(([name, provider]) => [name, buildProvider(name, provider, registry)])),
    routes: Object.fromEntries(routeEntries.map(([name, route]) => [name, buildRoute(name, route, routeNames, providerNames)])),
    limits: buildLimits(file.limits),
    server: buildServer(file.server),
  };
  if (file.config_source !== undefined) config.configSource = buildConfigSource(file.config_source);
  return config;
}

function buildConfigSource(file: NonNullable<ParsedConfigFile['config_source']>): ConfigSourceConfig {
  const source: ConfigSourceConfig = {};
  const { etcd, consul } = file;
  if (etcd !== undefined) {
    source.etcd = { endpoints: etcd.endpoints, prefix: etcd.prefix ?? CONFIG_DEFAULTS.etcdPrefix };
    if (etcd.username !== undefined) source.etcd.username = etcd.username;
    if (etcd.password !== undefined) source.etcd.password = etcd.password;
    if (etcd.tls !== undefined) {
      source.etcd.tls = {
        ...(etcd.tls.ca_file !== undefined && { caFile: etcd.tls.ca_file }),
        ...(etcd.tls.cert_file !== undefined && { certFile: etcd.tls.cert_file }),
        ...(etcd.tls.key_file !== undefined && { keyFile: etcd.tls.key_file }),
      };
    }
  }
  if (consul !== undefined) {
    source.consul = {
      address: consul.address.replace(/\/+$/, ''),
      // Consul KV keys have no leading slash; `/liter-llm/` and `liter-llm/` mean the same folder.
      prefix: (consul.prefix ?? CONFIG_DEFAULTS.consulPrefix).replace(/^\/+/, ''),
    };
    const token = consul.token?.trim();
    if (token !== undefined && token !== '') source.consul.token = token;
  }
  return source;
}

function buildLimits(file: ParsedConfigFile['limits']): LimitsConfig {
  const limits: LimitsConfig = {
    store: file?.store ?? CONFIG_DEFAULTS.limitsStore,
    keyPrefix: file?.key_prefix ?? CONFIG_DEFAULTS.redisKeyPrefix,
    onStoreError: file?.on_store_error ?? CONFIG_DEFAULTS.onStoreError,
    expectedReplicas: file?.expected_replicas ?? CONFIG_DEFAULTS.expectedReplicas,
    commandTimeoutMs: file?.command_timeout_ms ?? CONFIG_DEFAULTS.redisCommandTimeoutMs,
    leaseMs: file?.lease_ms ?? CONFIG_DEFAULTS.leaseMs,
  };
  if (file?.redis_url !== undefined) limits.redisURL = file.redis_url;
  return limits;
}

function buildProvider(name: string, file: ProviderFile, registry: ProviderRegistry): ProviderConfig {
  // The rules guarantee a registered type and a base_url where the definition has no default.
  const type = file.type ?? registry.typeFromName(name) ?? '';
  const definition = registry.get(type);
  const baseURL = file.base_url ?? definition?.defaults.baseURL ?? '';
  const maxConcurrency = file.max_concurrency ?? CONFIG_DEFAULTS.maxConcurrency;
  const timeoutMs = file.timeout_ms ?? CONFIG_DEFAULTS.timeoutMs;
  const provider: ProviderConfig = {
    name,
    type,
    enabled: file.enabled ?? true,
    // Adapters append paths (`/chat/completions`), so a trailing slash would double up.
    baseURL: baseURL.replace(/\/+$/, ''),
    headers: Object.fromEntries(Object.entries(file.headers ?? {}).map(([key, value]) => [key, String(value)])),
    maxConcurrency,
    maxConnections: file.max_connections ?? maxConcurrency,
    maxQueueWaitMs: file.max_queue_wait_ms ?? CONFIG_DEFAULTS.maxQueueWaitMs,
    maxRateLimitPauseMs: file.max_rate_limit_pause_ms ?? CONFIG_DEFAULTS.maxRateLimitPauseMs,
    timeoutMs,
    connectTimeoutMs: file.connect_timeout_ms ?? CONFIG_DEFAULTS.connectTimeoutMs,
    firstByteTimeoutMs: file.first_byte_timeout_ms ?? timeoutMs,
    streamIdleTimeoutMs: file.stream_idle_timeout_ms ?? CONFIG_DEFAULTS.streamIdleTimeoutMs,
    maxResponseBytes: file.max_response_bytes ?? CONFIG_DEFAULTS.maxResponseBytes,
    maxRetries: file.max_retries ?? CONFIG_DEFAULTS.maxRetries,
    models: file.models ?? [],
  };
  // Keys mounted from Kubernetes secrets often end in a newline, which no server accepts in a header.
  const apiKey = file.api_key?.trim();
  if (apiKey !== undefined && apiKey !== '') provider.apiKey = apiKey;
  if (file.max_concurrency_global !== undefined) provider.maxConcurrencyGlobal = file.max_concurrency_global;
  if (file.rate_limit_per_minute !== undefined) provider.rateLimitPerMinute = file.rate_limit_per_minute;
  if (file.tokens_per_minute !== undefined) provider.tokensPerMinute = file.tokens_per_minute;
  // The definition's own options, flat and camelCase (chat_api → chatAPI), as the schema checked them.
  const options = file as Record<string, unknown>;
  for (const key of Object.keys(definition?.optionsSchema.shape ?? {})) {
    if (options[key] !== undefined) provider[convertSnakeToCamel(key)] = options[key];
  }
  return provider;
}

function buildRoute(name: string, file: RouteFile, routeNames: readonly string[], providerNames: readonly string[]): RouteConfig {
  const fallbacks: RouteFallback[] = [];
  for (const text of file.fallbacks ?? []) {
    const resolution = resolveFallback(text, routeNames, providerNames);
    if (resolution.ok) fallbacks.push(resolution.fallback);
  }
  const route: RouteConfig = {
    name,
    targets: file.targets.map((target) => ({
      provider: target.provider,
      model: target.model,
      weight: target.weight ?? CONFIG_DEFAULTS.weight,
    })),
    strategy: file.strategy ?? CONFIG_DEFAULTS.strategy,
    fallbacks,
  };
  if (file.max_retries !== undefined) route.maxRetries = file.max_retries;
  if (file.circuit_breaker !== undefined) {
    route.circuitBreaker = {
      failureThreshold: file.circuit_breaker.failure_threshold ?? CONFIG_DEFAULTS.circuitBreaker.failureThreshold,
      cooldownMs: file.circuit_breaker.cooldown_ms ?? CONFIG_DEFAULTS.circuitBreaker.cooldownMs,
    };
  }
  return route;
}

function buildServer(file: ParsedConfigFile['server']): ServerConfig {
  const apiKeys = listAPIKeys(file?.api_keys);
  return {
    host: file?.host ?? CONFIG_DEFAULTS.host,
    port: file?.port ?? CONFIG_DEFAULTS.port,
    apiKeys,
    maxBodyBytes: file?.max_body_bytes ?? CONFIG_DEFAULTS.maxBodyBytes,
    drainTimeoutMs: file?.drain_timeout_ms ?? CONFIG_DEFAULTS.drainTimeoutMs,
    drainDelayMs: file?.drain_delay_ms ?? CONFIG_DEFAULTS.drainDelayMs,
    metricsRequireKey: file?.metrics_require_key ?? CONFIG_DEFAULTS.metricsRequireKey,
    headersTimeoutMs: file?.headers_timeout_ms ?? CONFIG_DEFAULTS.headersTimeoutMs,
    requestTimeoutMs: file?.request_timeout_ms ?? CONFIG_DEFAULTS.requestTimeoutMs,
    maxConnections: file?.max_connections ?? CONFIG_DEFAULTS.maxConnections,
    allowedHosts: file?.allowed_hosts ?? [],
  };
}
