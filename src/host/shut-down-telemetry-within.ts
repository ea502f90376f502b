import type { Telemetry } from '../telemetry/create-telemetry.js';

/**
 * Flushes and stops the telemetry, giving up after `timeoutMs` (plus `graceMs` for any part of the
 * SDK that does not honour an exporter's own timeout): a command's work is done by then,
 * and an OTLP collector that hangs or refuses would otherwise hold the process for the SDK's
 * 10 s export timeout (and make the shutdown reject). Resolves with undefined when everything was
 * exported, else with one line saying where the spans did not go (the collector's URL without
 * credentials); never rejects.
 */
export async function shutDownTelemetryWithin(telemetry: Telemetry, timeoutMs: number, graceMs = 0): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs + graceMs);
    timer.unref();
  });
  try {
    await Promise.race([telemetry.shutdown(), deadline]);
    return undefined;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const collector = telemetry.otlp ? displayURL(telemetry.otlp.settings.url) : 'the OTLP collector';
    return `traces not exported: ${collector} did not take them within ${formatSeconds(timeoutMs)} (${reason})`;
  } finally {
    clearTimeout(timer);
  }
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** The collector's URL without userinfo or query, which may carry credentials. */
function displayURL(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return 'the OTLP endpoint';
  }
}
