import type { Engine } from '../engine/engine.js';

/**
 * Spans for one-shot commands (chat, embed), only when OTEL_* asks for an exporter: the
 * telemetry module (and the OpenTelemetry SDK behind it) is not even loaded otherwise, and no
 * metrics or logs are set up, since stdout carries the answer. Returns the shutdown that flushes spans.
 */
export async function startCLITracing(engine: Engine, env: NodeJS.ProcessEnv = process.env): Promise<() => Promise<void>> {
  const wanted = (env['OTEL_EXPORTER_OTLP_ENDPOINT'] ?? env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] ?? '') !== '';
  if (!wanted) return async () => {};
  const { createTelemetry } = await import('../telemetry/create-telemetry.js');
  const telemetry = await createTelemetry({ env, engine, metrics: false, logs: false });
  return async () => {
    try {
      await telemetry.shutdown();
    } catch (error) {
      // The answer was already printed: a collector that is down costs the spans, not the command.
      process.stderr.write(`liter-llm: could not export traces: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  };
}
