import type { Engine } from '../engine/engine.js';
import { shutDownTelemetryWithin } from '../host/shut-down-telemetry-within.js';

/**
 * How long a one-shot command waits at exit for the collector to take its spans. The answer is
 * already printed; a collector that hangs or refuses held every call 8-10 s with the SDK's defaults.
 */
const FLUSH_TIMEOUT_MS = 1_000;

/**
 * Spans for one-shot commands (chat, embed), only when OTEL_* asks for an exporter: the
 * telemetry module (and the OpenTelemetry SDK behind it) is not even loaded otherwise, and no
 * metrics or logs are set up, since stdout carries the answer. Returns the shutdown that flushes
 * spans, in about FLUSH_TIMEOUT_MS at most, saying once on stderr when they were not exported.
 */
export async function startCLITracing(engine: Engine, env: NodeJS.ProcessEnv = process.env): Promise<() => Promise<void>> {
  const wanted = (env['OTEL_EXPORTER_OTLP_ENDPOINT'] ?? env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] ?? '') !== '';
  if (!wanted) return async () => {};
  const { createTelemetry } = await import('../telemetry/create-telemetry.js');
  const telemetry = await createTelemetry({
    env,
    engine,
    metrics: false,
    logs: false,
    otlp: { exportTimeoutMs: FLUSH_TIMEOUT_MS },
  });
  return async () => {
    // The exporter gives up at FLUSH_TIMEOUT_MS (and closes its connection, so the process can exit);
    // the extra half second covers anything in the SDK that would not.
    const failure = await shutDownTelemetryWithin(telemetry, FLUSH_TIMEOUT_MS, 500);
    // The answer was already printed: a collector that is down costs the spans, not the command.
    if (failure !== undefined) process.stderr.write(`liter-llm: ${failure}\n`);
  };
}
