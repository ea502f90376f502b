import type { ProviderType } from '../../spec/provider.js';

export type { ProviderType };

/**
 * The validated configuration: camelCase, every default applied. Produced by parseConfig,
 * loadConfigFile, validateConfigObject, validateConfigInput and createDefaultConfig; never built by hand.
 */
export interface LiterLLMConfig {
  /** Keyed by provider name (the part before the first slash of `provider/model`). */
  providers: Record<string, ProviderConfig>;
  /** Keyed by public model name. */
  routes: Record<string, RouteConfig>;
  limits: LimitsConfig;
  /** Absent when routes and flags come from the file only. */
  configSource?: ConfigSourceConfig;
  server: ServerConfig;
}

export interface ProviderConfig {
  /** The config key, repeated here so a provider can be handed around on its own. */
  name: string;
  type: ProviderType;
  /** False (a config_source flag): routes skip it, a call addressed to it fails with provider_unavailable. */
  enabled: boolean;
  /** Without a trailing slash. */
  baseURL: string;
  /** Absent for servers that need no key (Ollama, a local TGI) or when its variable was unset. */
  apiKey?: string;
  headers: Record<string, string>;
  maxConcurrency: number;
  /** Calls in flight across every replica (needs limits.store: redis); absent = no fleet-wide cap. */
  maxConcurrencyGlobal?: number;
  maxConnections: number;
  /** Absent = unlimited. */
  rateLimitPerMinute?: number;
  /** Absent = unlimited. */
  tokensPerMinute?: number;
  maxQueueWaitMs: number;
  /** Longest pause one upstream 429 (or budget reported spent) may cause; then one probe call. */
  maxRateLimitPauseMs: number;
  /** Total time for one upstream attempt. */
  timeoutMs: number;
  connectTimeoutMs: number;
  firstByteTimeoutMs: number;
  streamIdleTimeoutMs: number;
  /** The longest JSON answer read from this provider, in bytes; a longer one is a non-retryable 502. */
  maxResponseBytes: number;
  maxRetries: number;
  /** Model ids listed by /v1/models; empty when the config does not say. */
  models: string[];
  /**
   * The options of the provider's own definition (its `optionsSchema`), camelCase, present when set:
   * `defaultMaxTokens` (anthropic), `chatAPI` and `embedAPI` (huggingface), and whatever a
   * registered definition declares.
   */
  [option: string]: unknown;
  /** Anthropic only: max_tokens sent when a request has none (Anthropic requires it). */
  defaultMaxTokens?: number;
  /** Hugging Face only: which chat wire API the server speaks. */
  chatAPI?: 'openai' | 'tgi-generate';
  /** Hugging Face only: which embedding wire API the server speaks. */
  embedAPI?: 'tei' | 'feature-extraction';
}

export type RouteStrategy = 'weighted' | 'round-robin' | 'least-busy' | 'lowest-latency';

export interface RouteConfig {
  name: string;
  targets: RouteTarget[];
  strategy: RouteStrategy;
  /** In order; every entry was checked to resolve to a route or a configured provider. */
  fallbacks: RouteFallback[];
  /** Overrides the providers' max_retries for calls through this route. */
  maxRetries?: number;
  /** Absent = no circuit breaker for this route. */
  circuitBreaker?: CircuitBreakerConfig;
}

export interface RouteTarget {
  provider: string;
  model: string;
  weight: number;
}

/** A fallback as written (`text`), already resolved. A route name wins over a provider/model reading. */
export type RouteFallback =
  { type: 'route'; route: string; text: string } | { type: 'model'; provider: string; model: string; text: string };

export interface CircuitBreakerConfig {
  failureThreshold: number;
  cooldownMs: number;
}

export interface LimitsConfig {
  store: 'memory' | 'redis';
  /** Always present when store is redis. */
  redisURL?: string;
  /** Starts every Redis key (default `liter-llm:`). */
  keyPrefix: string;
  /** When Redis does not answer: local buckets at limit / expectedReplicas, or refuse (default fail_open). */
  onStoreError: 'fail_open' | 'fail_closed';
  /** Replicas sharing the limits (default 1): the divisor of the fail_open local limits. */
  expectedReplicas: number;
  /** Every Redis command's own timeout (default 50). */
  commandTimeoutMs: number;
  /** How long a max_concurrency_global lease lives unless renewed (default 10000). */
  leaseMs: number;
}

/** Where routes and provider flags are watched from, over the file (at most one store). */
export interface ConfigSourceConfig {
  etcd?: EtcdSourceConfig;
  consul?: ConsulSourceConfig;
}

export interface EtcdSourceConfig {
  endpoints: string[];
  prefix: string;
  /** Both or neither (check-config-rules.ts). */
  username?: string;
  password?: string;
  tls?: TLSFilesConfig;
}

/** PEM files; a client certificate needs its key. */
export interface TLSFilesConfig {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

export interface ConsulSourceConfig {
  /** The agent's HTTP API, without a trailing slash. */
  address: string;
  /** A KV path prefix; no leading slash. */
  prefix: string;
  /** Sent as X-Consul-Token; never logged. */
  token?: string;
}

export interface ServerConfig {
  host: string;
  port: number;
  /** Empty = callers are not authenticated. */
  apiKeys: string[];
  maxBodyBytes: number;
  drainTimeoutMs: number;
  /** After SIGTERM, how long /readyz answers 503 while requests are still accepted, before the drain. */
  drainDelayMs: number;
  /** `/metrics` asks for one of apiKeys too (when there are any); `/healthz` and `/readyz` never do. */
  metricsRequireKey: boolean;
  /** From a connection's first byte (or the previous response) until the request's headers are in. */
  headersTimeoutMs: number;
  /** Until the whole request, body included, is in; the response is not timed by it. */
  requestTimeoutMs: number;
  /** Client connections held at once; more are closed as soon as they are accepted. */
  maxConnections: number;
  /** Extra Host names the gateway answers (`.example.com` covers subdomains, `*` any); see checkHostHeader. */
  allowedHosts: string[];
}
