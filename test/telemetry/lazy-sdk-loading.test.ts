/**
 * "Nothing is loaded when OTEL_* is not set": a fresh Node process imports the built telemetry
 * module, calls createTelemetry, and lists the OpenTelemetry SDK modules it loaded (the SDK
 * packages are CommonJS, so they show in require.cache however they were imported).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;

function loadedSDKModules(env: Record<string, string>): string[] {
  const script = `
    import { createRequire } from 'node:module';
    import { createTelemetry } from './dist/telemetry/index.js';
    const telemetry = await createTelemetry({ env: ${JSON.stringify(env)}, logs: false, otlp: { register: false } });
    const loaded = Object.keys(createRequire(import.meta.url).cache)
      .map((path) => /node_modules\\/(@opentelemetry\\/[^/]+)/.exec(path)?.[1])
      .filter((name) => name !== undefined && name !== '@opentelemetry/api');
    await telemetry.shutdown();
    console.log(JSON.stringify([...new Set(loaded)].sort()));
  `;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(output.trim().split('\n').at(-1)!) as string[];
}

describe('lazy OpenTelemetry SDK', () => {
  it('loads no SDK module without OTEL_* (and none when OTEL_SDK_DISABLED=true)', () => {
    expect(loadedSDKModules({})).toEqual([]);
    expect(loadedSDKModules({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1', OTEL_SDK_DISABLED: 'true' })).toEqual([]);
  });

  it('loads the SDK and the protobuf exporter once OTEL_EXPORTER_OTLP_ENDPOINT is set', () => {
    const loaded = loadedSDKModules({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' });
    expect(loaded).toEqual(
      expect.arrayContaining([
        '@opentelemetry/sdk-trace-node',
        '@opentelemetry/exporter-trace-otlp-proto',
        '@opentelemetry/resources',
      ]),
    );
    expect(loaded).not.toContain('@opentelemetry/exporter-trace-otlp-http');
  });
});
