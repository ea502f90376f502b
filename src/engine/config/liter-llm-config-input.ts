import type { ProviderType, RouteFallback, RouteStrategy } from './liter-llm-config.js';

/**
 * A config written in code (camelCase), for validateConfigInput / createEngine. Everything with a
 * default is optional; the keys are the file's keys in camelCase (base_url → baseURL, chat_api → chatAPI).
 * A validated LiterLLMConfig is also a valid input, and validating it again gives an equal config.
 */
export interface LiterLLMConfigInput {
  providers?: Record<string, ProviderConfigInput>;
  routes?: Record<string, RouteConfigInput>;
  limits?: {
    store?: 'memory' | 'redis';
    redisURL?: string;
    keyPrefix?: string;
    onStoreError?: 'fail_open' | 'fail_closed';
    expectedReplicas?: number;
    commandTimeoutMs?: number;
    leaseMs?: number;
  };
  configSource?: {
    etcd?: {
      endpoints: string[];
      prefix?: string;
      username?: string;
      password?: string;
      tls?: { caFile?: string; certFile?: string; keyFile?: string };
    };
    consul?: { address: string; prefix?: string; token?: string };
  };
  server?: {
    host?: string;
    port?: number;
    /** A string is a comma-separated list. Empty entries are dropped. */
    apiKeys?: string[] | string;
    maxBodyBytes?: number;
    drainTimeoutMs?: number;
    drainDelayMs?: number;
    metricsRequireKey?: boolean;
    headersTimeoutMs?: number;
    requestTimeoutMs?: number;
    maxConnections?: number;
    allowedHosts?: string[];
  };
}

export interface ProviderConfigInput {
  /** Ignored when equal to the provider's key (a LiterLLMConfig carries it). */
  name?: string;
  /** Defaults to the provider's name when a registered type has it (openai, anthropic, huggingface). */
  type?: ProviderType;
  enabled?: boolean;
  baseURL?: string;
  apiKey?: string;
  headers?: Record<string, string | number | boolean>;
  maxConcurrency?: number;
  maxConcurrencyGlobal?: number;
  maxConnections?: number;
  rateLimitPerMinute?: number;
  tokensPerMinute?: number;
  maxQueueWaitMs?: number;
  maxRateLimitPauseMs?: number;
  timeoutMs?: number;
  connectTimeoutMs?: number;
  firstByteTimeoutMs?: number;
  streamIdleTimeoutMs?: number;
  maxResponseBytes?: number;
  maxRetries?: number;
  models?: string[];
  // Options of a type's own definition (its optionsSchema), camelCase. A definition with new options
  // adds them here so code-written configs stay checked by the compiler; validation checks them anyway.
  defaultMaxTokens?: number;
  chatAPI?: 'openai' | 'tgi-generate';
  embedAPI?: 'tei' | 'feature-extraction';
}

export interface RouteConfigInput {
  /** Ignored when equal to the route's key (a LiterLLMConfig carries it). */
  name?: string;
  targets: { provider: string; model: string; weight?: number }[];
  strategy?: RouteStrategy;
  /** Route names or `provider/model`; resolved fallbacks (from a LiterLLMConfig) count by their text. */
  fallbacks?: (string | RouteFallback)[];
  maxRetries?: number;
  circuitBreaker?: { failureThreshold?: number; cooldownMs?: number };
}
