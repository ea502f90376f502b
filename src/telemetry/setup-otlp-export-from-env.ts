import type { TracerProvider } from '@opentelemetry/api';
import { type OTLPSettings, resolveOTLPSettings } from './resolve-otlp-settings.js';

export interface OTLPExport {
  readonly tracerProvider: TracerProvider;
  readonly settings: OTLPSettings;
  /** Exports every span ended so far. */
  forceFlush(): Promise<void>;
  /** Exports what is pending and stops; call before the process exits. */
  shutdown(): Promise<void>;
}

export interface OTLPExportOptions {
  /**
   * Make the provider the process-wide one, with an AsyncLocalStorage context manager and the
   * W3C propagator (default: true). Tests and embedders that pass the provider around set false.
   */
  register?: boolean;
  /**
   * Longest one export may take, its retries included (default: OTEL_EXPORTER_OTLP_TIMEOUT, else the
   * SDK's 10 s). A process that flushes once at exit (the CLI) sets it low: a collector that hangs or
   * refuses would otherwise hold the process that long after its work is done.
   */
  exportTimeoutMs?: number;
}

/**
 * Starts exporting traces over OTLP/HTTP when the standard OTEL_* variables ask for it; returns
 * undefined, having loaded nothing, when they do not. The SDK is imported only here and only then,
 * so a process without OTEL_* configuration never loads it.
 *
 * Honoured: OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT, _HEADERS, _PROTOCOL (http/protobuf, the
 * default, or http/json), OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, OTEL_SDK_DISABLED,
 * OTEL_TRACES_EXPORTER. The SDK itself reads the rest (OTEL_BSP_*, OTEL_TRACES_SAMPLER,
 * OTEL_EXPORTER_OTLP_TIMEOUT/COMPRESSION) from process.env.
 */
export async function setupOTLPExportFromEnv(
  env: Record<string, string | undefined> = process.env,
  options: OTLPExportOptions = {},
): Promise<OTLPExport | undefined> {
  const settings = resolveOTLPSettings(env);
  if (!settings) return undefined;
  for (const warning of settings.warnings) process.emitWarning(warning, { code: 'LITER_LLM_OTLP' });
  const [{ NodeTracerProvider, BatchSpanProcessor }, { defaultResource, resourceFromAttributes }, { OTLPTraceExporter }] =
    await Promise.all([
      import('@opentelemetry/sdk-trace-node'),
      import('@opentelemetry/resources'),
      settings.protocol === 'http/json'
        ? import('@opentelemetry/exporter-trace-otlp-http')
        : import('@opentelemetry/exporter-trace-otlp-proto'),
    ]);
  const timeout = options.exportTimeoutMs;
  const exporter = new OTLPTraceExporter({
    url: settings.url,
    headers: settings.headers,
    ...(timeout !== undefined && { timeoutMillis: timeout }),
  });
  const provider = new NodeTracerProvider({
    resource: defaultResource().merge(
      resourceFromAttributes({ ...settings.resourceAttributes, 'service.name': settings.serviceName }),
    ),
    spanProcessors: [new BatchSpanProcessor(exporter, timeout !== undefined ? { exportTimeoutMillis: timeout } : {})],
  });
  if (options.register !== false) provider.register();
  return {
    tracerProvider: provider,
    settings,
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
