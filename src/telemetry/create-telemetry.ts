import type { Logger } from 'pino';
import { createMetrics, type Metrics, type MetricsOptions, type ObservedEngine } from './create-metrics.js';
import { createRequestLogger, type RequestLogger, type RequestLoggerOptions } from './create-request-logger.js';
import { collectConfigSecrets, type SecretBearingConfig } from '../http/collect-config-secrets.js';
import { createSecretScrubber } from './create-secret-scrubber.js';
import { createTracing, type Tracing, type TracingOptions } from './create-tracing.js';
import { type OTLPExport, type OTLPExportOptions, setupOTLPExportFromEnv } from './setup-otlp-export-from-env.js';

/** An engine as telemetry reads it: limits for the gauges, model names for labels, keys to redact. */
export interface TelemetryEngine extends ObservedEngine {
  readonly config?: SecretBearingConfig;
}

export interface TelemetryOptions {
  /** Where OTEL_* and LITER_LLM_LOG_LEVEL are read (default: process.env). */
  env?: Record<string, string | undefined>;
  /** Prometheus metrics (default: on). */
  metrics?: boolean | MetricsOptions;
  /**
   * Spans (default: on exactly when OTEL_* asks for OTLP export). `true` without OTEL_* uses the
   * global tracer provider, for embedders that registered their own SDK.
   */
  tracing?: boolean | TracingOptions;
  /** JSON logs (default: on, to stdout). */
  logs?: boolean | RequestLoggerOptions;
  /** The engine to read limits, model names and API keys (to redact) from; or call observeEngine later. */
  engine?: TelemetryEngine;
  /** More exact secrets to keep out of logs and spans. */
  secrets?: Iterable<string | undefined>;
  otlp?: OTLPExportOptions;
}

export interface Telemetry {
  readonly metrics: Metrics | undefined;
  /** The JSON logger for the caller's own events (gateway access and lifecycle lines), when logs are on. */
  readonly logger: Logger | undefined;
  readonly tracing: Tracing | undefined;
  /** The OTLP exporter set up from OTEL_*, when it was. */
  readonly otlp: OTLPExport | undefined;
  observeEngine(engine: TelemetryEngine): void;
  /** Unsubscribes, flushes the logs and exports the spans still pending. */
  shutdown(): Promise<void>;
}

/**
 * Wires metrics, logs and traces for a process (the gateway, the CLI, the stdio engine). Spans
 * cost nothing unless OTEL_* configures an exporter (or `tracing` is forced on), and the
 * OpenTelemetry SDK is loaded only then.
 */
export async function createTelemetry(options: TelemetryOptions = {}): Promise<Telemetry> {
  const env = options.env ?? process.env;
  const scrubber = createSecretScrubber(options.secrets);
  const metrics = options.metrics === false ? undefined : createMetrics(options.metrics === true ? {} : options.metrics);
  const requestLogger: RequestLogger | undefined =
    options.logs === false ? undefined : createRequestLogger({ env, ...(options.logs === true ? {} : options.logs), scrubber });
  const otlp = options.tracing === false ? undefined : await setupOTLPExportFromEnv(env, options.otlp);
  const tracingWanted = options.tracing === undefined ? otlp !== undefined : options.tracing !== false;
  const tracingOptions: TracingOptions = typeof options.tracing === 'object' ? options.tracing : {};
  const tracing = tracingWanted
    ? createTracing({
        recordContent: isTrue(env['OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT']),
        ...(otlp && { tracerProvider: otlp.tracerProvider }),
        ...tracingOptions,
        scrub: scrubber.scrub,
      })
    : undefined;

  const observeEngine = (engine: TelemetryEngine) => {
    metrics?.observeEngine(engine);
    if (engine.config) scrubber.addSecrets(collectConfigSecrets(engine.config));
  };
  if (options.engine) observeEngine(options.engine);

  let closed = false;
  return {
    metrics,
    logger: requestLogger?.logger,
    tracing,
    otlp,
    observeEngine,
    async shutdown() {
      if (closed) return;
      closed = true;
      metrics?.unsubscribe();
      tracing?.unsubscribe();
      requestLogger?.unsubscribe();
      await requestLogger?.flush();
      await otlp?.shutdown();
    },
  };
}

function isTrue(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === 'true';
}
