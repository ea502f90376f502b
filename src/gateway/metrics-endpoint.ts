import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { Engine } from '../engine/engine.js';

export interface MetricsEndpoint {
  /** The gateway's own registry; the observability layer registers its metrics here too. */
  readonly registry: Registry;
  /** Counts one finished request. Cheap: a map increment, the registry sees it at scrape time. */
  recordRequest(provider: string, model: string, status: number): void;
  /** The Prometheus text exposition. */
  render(): Promise<{ contentType: string; body: string }>;
}

interface RequestCount {
  labels: { provider: string; model: string; status: string };
  count: number;
}

/**
 * The `/metrics` registry: `liter_llm_requests_total{provider,model,status}`,
 * `liter_llm_inflight_requests{provider}` read from engine.stats() at scrape time, and Node's
 * process metrics. Request counts live in a plain map on the hot path and are copied into the
 * counter when Prometheus scrapes, so a request pays no label hashing or validation.
 */
export function createMetricsEndpoint(engine: Engine, options: { defaultMetrics?: boolean } = {}): MetricsEndpoint {
  const registry = new Registry();
  const counts = new Map<string, RequestCount>();

  new Counter({
    name: 'liter_llm_requests_total',
    help: 'Requests answered by the gateway, by the provider and model that served them and the HTTP status.',
    labelNames: ['provider', 'model', 'status'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const entry of counts.values()) this.inc(entry.labels, entry.count);
    },
  });

  new Gauge({
    name: 'liter_llm_inflight_requests',
    help: 'Upstream calls in flight per provider (holding a concurrency permit).',
    labelNames: ['provider'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const stats of engine.stats()) this.set({ provider: stats.name }, stats.inFlight);
    },
  });

  // Started on the first scrape: the process metrics set up a GC observer and an event-loop
  // monitor, which a gateway nobody scrapes (or a test creating many handlers) need not pay for.
  let defaultsStarted = options.defaultMetrics === false;

  return {
    registry,
    recordRequest(provider, model, status) {
      const key = `${provider}\u0000${model}\u0000${status}`;
      const entry = counts.get(key);
      if (entry !== undefined) entry.count++;
      else counts.set(key, { labels: { provider, model, status: String(status) }, count: 1 });
    },
    async render() {
      if (!defaultsStarted) {
        defaultsStarted = true;
        collectDefaultMetrics({ register: registry });
      }
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
