import { Counter, Registry } from 'prom-client';

export interface MetricsEndpoint {
  /** The registry `/metrics` renders; the telemetry layer registers the engine's metrics on it too. */
  readonly registry: Registry;
  /** Counts one answered HTTP request. Cheap: a map increment; the counter is filled at scrape time. */
  recordResponse(endpoint: string, status: number): void;
  /** The Prometheus text exposition of the whole registry. */
  render(): Promise<{ contentType: string; body: string }>;
}

interface ResponseCount {
  labels: { endpoint: string; status: string };
  count: number;
}

/**
 * The gateway's own metric, `liter_llm_gateway_responses_total{endpoint,status}`: every answer by
 * endpoint and HTTP status, including those that never reached the engine (400, 401, 413...).
 * The engine-level set (`liter_llm_requests_total`, latency, tokens, in-flight...) comes from the
 * telemetry layer registered on the same registry (`liter-llm serve` wires both). Labels are
 * bounded: endpoints come from the route table, never from the caller.
 */
export function createMetricsEndpoint(options: { registry?: Registry } = {}): MetricsEndpoint {
  const registry = options.registry ?? new Registry();
  const counts = new Map<string, ResponseCount>();

  new Counter({
    name: 'liter_llm_gateway_responses_total',
    help: 'HTTP responses of the gateway by endpoint and status code.',
    labelNames: ['endpoint', 'status'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const entry of counts.values()) this.inc(entry.labels, entry.count);
    },
  });

  return {
    registry,
    recordResponse(endpoint, status) {
      const key = `${endpoint} ${status}`;
      const entry = counts.get(key);
      if (entry !== undefined) entry.count++;
      else counts.set(key, { labels: { endpoint, status: String(status) }, count: 1 });
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
