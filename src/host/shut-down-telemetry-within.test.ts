import { describe, expect, it } from 'vitest';
import type { Telemetry } from '../telemetry/create-telemetry.js';
import type { OTLPExport } from '../telemetry/setup-otlp-export-from-env.js';
import { shutDownTelemetryWithin } from './shut-down-telemetry-within.js';

/** Telemetry whose shutdown does what `shutdown` does, exporting to `url` when one is given. */
function telemetryWith(shutdown: () => Promise<void>, url?: string): Telemetry {
  const otlp = url === undefined ? undefined : ({ settings: { url } } as unknown as OTLPExport);
  return { metrics: undefined, logger: undefined, tracing: undefined, otlp, observeEngine() {}, shutdown };
}

describe('shutDownTelemetryWithin', () => {
  it('resolves with undefined once everything was exported', async () => {
    let shutDown = false;
    const telemetry = telemetryWith(async () => {
      shutDown = true;
    });
    expect(await shutDownTelemetryWithin(telemetry, 1_000)).toBeUndefined();
    expect(shutDown).toBe(true);
  });

  it('gives up on a collector that never answers, naming it without credentials', async () => {
    const telemetry = telemetryWith(
      () => new Promise<never>(() => {}),
      'https://user:secret@collector.example:4318/v1/traces?token=t0k',
    );
    const started = Date.now();
    const failure = await shutDownTelemetryWithin(telemetry, 100, 50);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(failure).toBe(
      'traces not exported: https://collector.example:4318/v1/traces did not take them within 0.1 s (no answer within 100 ms)',
    );
    expect(failure).not.toContain('secret');
    expect(failure).not.toContain('t0k');
  });

  it('says why when the export fails, and never rejects', async () => {
    const telemetry = telemetryWith(async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:4318');
    });
    expect(await shutDownTelemetryWithin(telemetry, 2_000)).toBe(
      'traces not exported: the OTLP collector did not take them within 2 s (connect ECONNREFUSED 127.0.0.1:4318)',
    );
  });
});
