import { DEFAULT_MAX_RESPONSE_BYTES } from '../../http/default-max-response-bytes.js';
import { DEFAULT_LEASE_MS } from '../limits/fleet-concurrency-policy.js';
import { DEFAULT_COMMAND_TIMEOUT_MS } from '../limits/redis/create-redis-command-runner.js';
import { DEFAULT_REDIS_KEY_PREFIX } from '../limits/redis/create-redis-script-context.js';
import { bundledProviderRegistry } from './bundled-provider-registry.js';

/** The defaults applied to every omitted key; the README and the example file quote them. */
export const CONFIG_DEFAULTS = {
  /** Each bundled provider's default base URL, from its definition (src/providers/<name>/). */
  baseURL: Object.fromEntries(
    bundledProviderRegistry
      .list()
      .flatMap((definition) =>
        definition.defaults.baseURL === undefined ? [] : [[definition.type, definition.defaults.baseURL]],
      ),
  ) as Readonly<Record<string, string>>,
  maxConcurrency: 64,
  maxQueueWaitMs: 0,
  maxRateLimitPauseMs: 60_000,
  timeoutMs: 60_000,
  connectTimeoutMs: 10_000,
  streamIdleTimeoutMs: 30_000,
  // 256 MiB: fits the largest embedding batch as float JSON (see DEFAULT_MAX_RESPONSE_BYTES).
  maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES,
  maxRetries: 2,
  weight: 1,
  strategy: 'weighted',
  circuitBreaker: { failureThreshold: 5, cooldownMs: 30_000 },
  limitsStore: 'memory',
  redisKeyPrefix: DEFAULT_REDIS_KEY_PREFIX,
  onStoreError: 'fail_open',
  expectedReplicas: 1,
  redisCommandTimeoutMs: DEFAULT_COMMAND_TIMEOUT_MS,
  leaseMs: DEFAULT_LEASE_MS,
  etcdPrefix: '/liter-llm/',
  consulPrefix: 'liter-llm/',
  // 0.0.0.0, not 127.0.0.1: in a container or a Kubernetes pod the gateway must accept connections
  // from outside its own network namespace; put it behind server.api_keys or a network policy.
  host: '0.0.0.0',
  port: 8080,
  maxBodyBytes: 10 * 1024 * 1024,
  drainTimeoutMs: 10_000,
  // 0: a library user or a Ctrl-C on a laptop should not wait. Behind a Kubernetes Service, set it
  // to a few seconds (the readiness probe's period times its failure threshold, plus endpoint
  // propagation) so load balancers stop sending before connections are refused.
  drainDelayMs: 0,
  // Prometheus scrapes without credentials unless told to; the probes never take a key.
  metricsRequireKey: false,
  // Receiving a request, not answering it: a slow or stalled client is cut after these (Node's own
  // defaults, 60 s and 300 s, let a few thousand slow clients hold the gateway for minutes).
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  // Client connections held at once (keep-alive ones included); beyond it new ones are closed at accept.
  maxConnections: 4096,
} as const;

/** The bundled provider types; a config accepts those of the registry it is validated with. */
export const PROVIDER_TYPES: readonly string[] = bundledProviderRegistry.types();
export const ROUTE_STRATEGIES = ['weighted', 'round-robin', 'least-busy', 'lowest-latency'] as const;
