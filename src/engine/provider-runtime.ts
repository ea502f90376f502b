import { HTTPTransport } from '../http/http-transport.js';
import { InternalError } from '../spec/errors.js';
import type { Provider } from '../spec/provider.js';
import type { ProviderConfig } from './config/liter-llm-config.js';
import { parseSuccessRateLimitHeaders } from './limits/parse-rate-limit-headers.js';
import { ProviderLimiter, type ProviderLimitSettings } from './limits/provider-limiter.js';
import type { RateLimitStore } from './limits/rate-limit-store.js';
import type { ProviderFactories } from './provider-factories.js';

/** One configured provider, live: its adapter, its connection pool and its limiter. */
export interface ProviderRuntime {
  config: ProviderConfig;
  provider: Provider;
  transport: HTTPTransport;
  limiter: ProviderLimiter;
}

export function createProviderRuntime(config: ProviderConfig, factories: ProviderFactories, store: RateLimitStore): ProviderRuntime {
  const factory = factories[config.type];
  if (!factory) {
    throw new InternalError({ message: `no adapter is registered for provider type "${config.type}" (provider ${config.name})` });
  }
  const limiter = new ProviderLimiter({ provider: config.name, store, ...limiterSettingsOf(config) });
  const transport = new HTTPTransport({
    ...transportOptionsOf(config),
    // A success can say the budget is spent (`remaining: 0` until a reset): admission pauses until
    // then, so the next calls wait, or fall back, here instead of drawing a 429 from the provider.
    // The headers of a 429 itself reach the limiter through the attempt's error (execute-call.ts).
    onResponse: (status, headers) => {
      if (status < 200 || status >= 300) return;
      const feedback = parseSuccessRateLimitHeaders(headers);
      if (feedback !== undefined) limiter.applyFeedback(feedback);
    },
  });
  return { config, transport, provider: factory(config, transport), limiter };
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

export function limiterSettingsOf(config: ProviderConfig): ProviderLimitSettings {
  return {
    maxConcurrency: config.maxConcurrency,
    ...(config.rateLimitPerMinute !== undefined && { rateLimitPerMinute: config.rateLimitPerMinute }),
    ...(config.tokensPerMinute !== undefined && { tokensPerMinute: config.tokensPerMinute }),
    maxQueueWaitMs: config.maxQueueWaitMs,
  };
}

/** True when a new config for the same provider needs a new adapter and pool (limits can be resized in place). */
export function needsNewAdapter(previous: ProviderConfig, next: ProviderConfig): boolean {
  return (
    previous.type !== next.type ||
    previous.baseURL !== next.baseURL ||
    previous.apiKey !== next.apiKey ||
    JSON.stringify(previous.headers) !== JSON.stringify(next.headers) ||
    previous.maxConnections !== next.maxConnections ||
    previous.connectTimeoutMs !== next.connectTimeoutMs ||
    previous.firstByteTimeoutMs !== next.firstByteTimeoutMs ||
    previous.streamIdleTimeoutMs !== next.streamIdleTimeoutMs ||
    previous.maxResponseBytes !== next.maxResponseBytes ||
    previous.defaultMaxTokens !== next.defaultMaxTokens ||
    previous.chatAPI !== next.chatAPI ||
    previous.embedAPI !== next.embedAPI
  );
}
