import { collectSecrets } from '../http/collect-secrets.js';
import { HTTPTransport } from '../http/http-transport.js';
import { InternalError } from '../spec/errors.js';
import type { Provider } from '../spec/provider.js';
import type { ProviderConfig } from './config/liter-llm-config.js';
import { ProviderLimiter, type ProviderLimitSettings } from './limits/provider-limiter.js';
import type { RateLimitStore } from './limits/rate-limit-store.js';
import type { FleetConcurrency, SharedLimiterOptions } from './limits/shared-limiter-options.js';
import type { ProviderFactories } from './provider-factories.js';

/** One configured provider, live: its adapter, its connection pool and its limiter. */
export interface ProviderRuntime {
  config: ProviderConfig;
  provider: Provider;
  transport: HTTPTransport;
  limiter: ProviderLimiter;
  /** The API key and configured header values, kept out of the errors of its calls (redact-error-secrets.ts). */
  secrets: readonly string[];
  /**
   * Set when a reload replaced or removed this provider (or the engine closed): its pool is closing,
   * so a call still holding it takes the live runtime for its next attempt (execute-call.ts).
   */
  retired?: true;
}

export function createProviderRuntime(
  config: ProviderConfig,
  factories: ProviderFactories,
  store: RateLimitStore,
  fleet?: FleetConcurrency,
): ProviderRuntime {
  const factory = factories[config.type];
  if (!factory) {
    throw new InternalError({ message: `no adapter is registered for provider type "${config.type}" (provider ${config.name})` });
  }
  const limiter = new ProviderLimiter({ provider: config.name, store, ...limiterSettingsOf(config), ...fleetOptionsOf(fleet) });
  // Rate-limit headers reach the limiter per attempt, for the model the call was for: a success's
  // through CallOptions.onResponse (create-rate-limit-observer.ts), a 429's through its error.
  const transport = new HTTPTransport(transportOptionsOf(config));
  const secrets = collectSecrets(config.apiKey, config.headers);
  return { config, transport, provider: factory(config, transport), limiter, secrets };
}

function transportOptionsOf(config: ProviderConfig) {
  return {
    connections: config.maxConnections,
    connectTimeoutMs: config.connectTimeoutMs,
    headersTimeoutMs: config.firstByteTimeoutMs,
    bodyTimeoutMs: config.streamIdleTimeoutMs,
    maxResponseBytes: config.maxResponseBytes,
  };
}

/** The lease store and lease time, when the engine has a shared (Redis) store. */
function fleetOptionsOf(fleet: FleetConcurrency | undefined): SharedLimiterOptions {
  return fleet === undefined ? {} : { leaseStore: fleet.leaseStore, leaseMs: fleet.leaseMs };
}

export function limiterSettingsOf(config: ProviderConfig): ProviderLimitSettings {
  const fleetCap: SharedLimiterOptions =
    config.maxConcurrencyGlobal === undefined ? {} : { maxConcurrencyGlobal: config.maxConcurrencyGlobal };
  return {
    maxConcurrency: config.maxConcurrency,
    ...fleetCap,
    ...(config.rateLimitPerMinute !== undefined && { rateLimitPerMinute: config.rateLimitPerMinute }),
    ...(config.tokensPerMinute !== undefined && { tokensPerMinute: config.tokensPerMinute }),
    maxQueueWaitMs: config.maxQueueWaitMs,
    maxRateLimitPauseMs: config.maxRateLimitPauseMs,
  };
}

// What a running provider can change in place: its limiter is resized, its calls read the rest.
const CHANGEABLE_IN_PLACE = new Set([
  'name',
  'maxConcurrency',
  'rateLimitPerMinute',
  'tokensPerMinute',
  'maxQueueWaitMs',
  'maxRateLimitPauseMs',
  'timeoutMs',
  'maxRetries',
  'models',
]);

/**
 * True when a new config for the same provider needs a new adapter and pool (limits can be resized
 * in place). Every other key counts, a definition's own options included, so a new provider type
 * needs no line here.
 */
export function needsNewAdapter(previous: ProviderConfig, next: ProviderConfig): boolean {
  const keys = new Set([...Object.keys(previous), ...Object.keys(next)]);
  for (const key of keys) {
    if (CHANGEABLE_IN_PLACE.has(key)) continue;
    const before = previous[key];
    const after = next[key];
    if (before === after) continue;
    if (typeof before !== 'object' || typeof after !== 'object' || JSON.stringify(before) !== JSON.stringify(after)) return true;
  }
  return false;
}
