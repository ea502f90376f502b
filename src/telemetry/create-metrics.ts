import { collectDefaultMetrics, Registry } from 'prom-client';
import type {
  AttemptContext,
  LimitStoreErrorEvent,
  RateLimitedEvent,
  RequestContext,
  RetryEvent,
} from '../engine/engine-events.js';
import type { ModelInfo, ProviderStats } from '../engine/engine.js';
import { createModelLabeler } from './create-model-labeler.js';
import { SeriesMetric } from './series-metric.js';
import { subscribeEngineEvents } from './subscribe-engine-events.js';

/** From 5 ms (a cached or local model) to 2 min (a long generation), in seconds. */
export const LATENCY_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];

/** What the metrics read from an engine at scrape time (an Engine satisfies it). */
export interface ObservedEngine {
  stats(): ProviderStats[];
  listModels?(): ModelInfo[];
}

export interface MetricsOptions {
  /** Where the metrics are registered (default: a new registry, so two instances never clash). */
  registry?: Registry;
  /** Prepended to every metric name, the Node process metrics included (default: none). */
  prefix?: string;
  /** Node process metrics (CPU, memory, event-loop lag, GC) alongside (default: true). */
  collectDefault?: boolean;
  /** Source of `liter_llm_max_concurrency` / `liter_llm_queued_requests` and of the configured model names. */
  engine?: ObservedEngine;
}

export interface Metrics {
  readonly registry: Registry;
  /** The Content-Type to serve `metricsText()` with. */
  readonly contentType: string;
  /** The Prometheus text exposition of every metric in the registry. */
  metricsText(): Promise<string>;
  /** Reads limits and configured models from this engine from now on (for engines created later). */
  observeEngine(engine: ObservedEngine): void;
  /** Stops counting (the registry keeps its values). */
  unsubscribe(): void;
}

const LINT_FAILING_DEFAULT_METRICS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];
const SERVED_PROVIDER = 'liter_llm.metrics.served_provider';
const REJECTED_PROVIDER = 'liter_llm.metrics.rejected_provider';
const REJECTED_MODEL = 'liter_llm.metrics.rejected_model';

const EVENT_LOOP_SAMPLE_MS = 50;

/**
 * Prometheus metrics for every engine call in the process, fed by the engine's diagnostics
 * channels. Labels stay bounded: `provider` is a configured name, `model` a configured or
 * upstream-served model id (see createModelLabeler), `status` "ok" or an error code.
 *
 * `liter_llm_inflight_requests{provider}` counts upstream calls holding a concurrency permit: an
 * attempt from its start until it fails, or, once it succeeds, until the call ends (the end of the
 * stream for streams), which is what `liter_llm_max_concurrency` caps.
 */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = options.registry ?? new Registry();
  const prefix = options.prefix ?? '';
  const registers = [registry];
  const labeler = createModelLabeler();
  let engine: ObservedEngine | undefined;
  if (options.collectDefault !== false) {
    // prom-client samples event-loop delay every 10 ms by default: 100 timer wake-ups a second,
    // ~1.5% of a core on an idle gateway here and a wake-up between requests under light load.
    // Every 50 ms still sees any stall long enough to matter (a stall of 50 ms or more is always
    // caught); shorter ones are caught in proportion to their length.
    collectDefaultMetrics({ register: registry, prefix, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
    // Gauges named like counters fail `promtool check metrics`; each is the sum of the
    // per-type gauge next to it (nodejs_active_handles{type}), so nothing is lost.
    for (const name of LINT_FAILING_DEFAULT_METRICS) registry.removeSingleMetric(`${prefix}${name}`);
  }

  const requests = new SeriesMetric({
    name: `${prefix}liter_llm_requests_total`,
    help: 'Engine calls by the provider and model that served them (or failed them) and status: ok or the error code.',
    type: 'counter',
    labelNames: ['provider', 'model', 'status'],
    registers,
  });
  const latency = new SeriesMetric({
    name: `${prefix}liter_llm_latency_seconds`,
    help: 'Duration of engine calls, retries, fallbacks and queue waits included (streams: until the last event).',
    type: 'histogram',
    labelNames: ['provider', 'model'],
    buckets: LATENCY_BUCKETS_SECONDS,
    registers,
  });
  const timeToFirstToken = new SeriesMetric({
    name: `${prefix}liter_llm_time_to_first_token_seconds`,
    help: 'Time from the start of a streamed call to its first content event.',
    type: 'histogram',
    labelNames: ['provider', 'model'],
    buckets: LATENCY_BUCKETS_SECONDS,
    registers,
  });
  const tokens = new SeriesMetric({
    name: `${prefix}liter_llm_tokens_total`,
    help: 'Tokens the providers reported for successful calls, by kind: input or output.',
    type: 'counter',
    labelNames: ['provider', 'model', 'kind'],
    registers,
  });
  const inflight = new SeriesMetric({
    name: `${prefix}liter_llm_inflight_requests`,
    help: 'Upstream calls in flight (holding a concurrency permit), per provider.',
    type: 'gauge',
    labelNames: ['provider'],
    registers,
  });
  const rateLimited = new SeriesMetric({
    name: `${prefix}liter_llm_rate_limited_total`,
    help: 'Rate-limit rejections per provider: calls the local limiter turned away plus upstream 429 answers.',
    type: 'counter',
    labelNames: ['provider'],
    registers,
  });
  const retries = new SeriesMetric({
    name: `${prefix}liter_llm_retries_total`,
    help: 'Retries of the same provider and model after a retryable failure.',
    type: 'counter',
    labelNames: ['provider'],
    registers,
  });
  const limitStoreErrors = new SeriesMetric({
    name: `${prefix}liter_llm_limit_store_errors_total`,
    help: 'Failed commands of the shared limit store (Redis down or slow), by store (rate_limit, concurrency_lease) and operation.',
    type: 'counter',
    labelNames: ['store', 'operation'],
    registers,
  });
  new SeriesMetric({
    name: `${prefix}liter_llm_max_concurrency`,
    help: 'Configured max_concurrency per provider (the cap on liter_llm_inflight_requests).',
    type: 'gauge',
    labelNames: ['provider'],
    registers,
    collect(metric) {
      if (!engine) return;
      metric.reset();
      for (const stats of engine.stats()) metric.series(stats.name).value = stats.maxConcurrency;
    },
  });
  new SeriesMetric({
    name: `${prefix}liter_llm_queued_requests`,
    help: 'Calls waiting for a concurrency permit or rate-limit budget, per provider.',
    type: 'gauge',
    labelNames: ['provider'],
    registers,
    collect(metric) {
      if (!engine) return;
      metric.reset();
      for (const stats of engine.stats()) metric.series(stats.name).value = stats.queued;
    },
  });

  const observeEngine = (next: ObservedEngine) => {
    engine = next;
    if (next.listModels) labeler.seed(next.listModels());
  };
  if (options.engine) observeEngine(options.engine);

  const unsubscribe = subscribeEngineEvents('metrics', {
    attemptStart(attempt: AttemptContext) {
      inflight.series(attempt.provider).value++;
    },
    attemptEnd(attempt: AttemptContext) {
      if (attempt.error === undefined) {
        // The permit is held until the call ends (a stream keeps its connection until the last event).
        attempt.request.observers[SERVED_PROVIDER] = attempt.provider;
        return;
      }
      inflight.series(attempt.provider).value--;
      if (attempt.error.code === 'rate_limited') rateLimited.series(attempt.provider).value++;
    },
    rateLimited(event: RateLimitedEvent) {
      rateLimited.series(event.provider).value++;
      event.context.observers[REJECTED_PROVIDER] = event.provider;
      event.context.observers[REJECTED_MODEL] = event.model;
    },
    retry(event: RetryEvent) {
      retries.series(event.provider).value++;
    },
    limitStoreError(event: LimitStoreErrorEvent) {
      limitStoreErrors.series(event.store, event.operation).value++;
    },
    firstToken(context: RequestContext) {
      if (context.timeToFirstTokenMs === undefined) return;
      const provider = providerOf(context);
      timeToFirstToken.observe(
        timeToFirstToken.series(provider, labeler.labelOf(context, provider)),
        context.timeToFirstTokenMs / 1000,
      );
    },
    requestEnd(context: RequestContext) {
      const served = context.observers[SERVED_PROVIDER];
      if (typeof served === 'string') inflight.series(served).value--;
      const provider = providerOf(context);
      const model = labeler.labelOf(
        context,
        provider,
        context.model ?? (context.observers[REJECTED_MODEL] as string | undefined),
      );
      const error = context.error;
      requests.series(provider, model, error === undefined ? 'ok' : error.code).value++;
      latency.observe(latency.series(provider, model), (performance.now() - context.startedAt) / 1000);
      const usage = context.usage;
      if (error === undefined && usage !== undefined) {
        tokens.series(provider, model, 'input').value += usage.inputTokens;
        if (context.operation !== 'embeddings') tokens.series(provider, model, 'output').value += usage.outputTokens;
      }
    },
  });

  return {
    registry,
    contentType: registry.contentType,
    metricsText: () => registry.metrics(),
    observeEngine,
    unsubscribe,
  };
}

/** The provider that served or failed the call; a call turned away before any attempt names the limiter's provider. */
function providerOf(context: RequestContext): string {
  if (context.provider !== undefined) return context.provider;
  const rejected = context.observers[REJECTED_PROVIDER];
  return typeof rejected === 'string' ? rejected : 'unknown';
}
