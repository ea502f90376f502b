import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConfigSource } from '../host/create-config-source.js';
import { startEngineHost, type EngineHost } from '../host/start-engine-host.js';

/**
 * The engine host as `serve` starts it on a config file (createConfigSource: the file and the store
 * its config_source names), without telemetry output, watching, its log lines collected.
 */
export async function startConfigFileHost(path: string): Promise<{ host: EngineHost; lines: string[] }> {
  const lines: string[] = [];
  const host = await startEngineHost(createConfigSource(path, {}), {
    log: (line) => lines.push(line),
    telemetry: { metrics: false, logs: false, tracing: false },
  });
  host.watchConfig();
  return { host, lines };
}

/**
 * A config file in a new temporary directory (remove it with `remove`) with providers `a` and `b`
 * on the given upstreams and route `chat` → a/m falling back to b/m, then `configSource` (YAML
 * lines of the config_source section's body, indented by two spaces).
 */
export function writeTwoProviderConfig(
  upstreams: { a: string; b: string },
  configSource: string,
): { path: string; remove: () => void } {
  const directory = mkdtempSync(join(tmpdir(), 'liter-llm-store-test-'));
  const path = join(directory, 'liter-llm.yaml');
  writeFileSync(
    path,
    [
      'providers:',
      `  a: { type: openai-compatible, base_url: "${upstreams.a}/v1", max_retries: 0 }`,
      `  b: { type: openai-compatible, base_url: "${upstreams.b}/v1", max_retries: 0 }`,
      'routes:',
      '  chat: { targets: [ { provider: a, model: m } ], fallbacks: [ b/m ] }',
      'config_source:',
      `  ${configSource}`,
      '',
    ].join('\n'),
  );
  return { path, remove: () => rmSync(directory, { recursive: true, force: true }) };
}
