import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigIssue } from '../engine/config/config-issue.js';
import type { LiterLLMConfig } from '../engine/config/liter-llm-config.js';
import { isLiterLLMError } from '../spec/errors.js';
import type { ConfigSource } from './config-source.js';
import { createFileConfigSource } from './create-file-config-source.js';

const directories: string[] = [];
const sources: ConfigSource[] = [];
afterEach(() => {
  for (const source of sources.splice(0)) source.close();
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function configFile(text: string): string {
  const directory = mkdtempSync(join(tmpdir(), 'liter-llm-file-source-'));
  directories.push(directory);
  const path = join(directory, 'liter-llm.yaml');
  writeFileSync(path, text);
  return path;
}

function openSource(path: string, env: Record<string, string> = {}): ConfigSource {
  const source = createFileConfigSource(path, { env, debounceMs: 20, settleMs: 20 });
  sources.push(source);
  return source;
}

/** What the source reported, in order. */
function record(source: ConfigSource): { changes: LiterLLMConfig[]; errors: ConfigIssue[][] } {
  const seen = { changes: [] as LiterLLMConfig[], errors: [] as ConfigIssue[][] };
  source.watch({ onChange: (config) => seen.changes.push(config), onError: (issues) => seen.errors.push(issues) });
  return seen;
}

async function waitFor(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const OPENAI = 'providers:\n  openai:\n    api_key: ${OPENAI_KEY}\n';

describe('createFileConfigSource', () => {
  it('loads the file with the variables it was given, and its warnings', async () => {
    const path = configFile(`${OPENAI}server:\n  api_keys: [ \${OLD_KEY}, gateway-secret ]\n`);
    const source = openSource(path, { OPENAI_KEY: 'sk-from-env' });
    expect(source.name).toBe(path);
    const { config, warnings } = await source.load();
    expect(config.providers['openai']?.apiKey).toBe('sk-from-env');
    expect(config.server.apiKeys).toEqual(['gateway-secret']);
    expect(warnings).toEqual([
      expect.objectContaining({ path: 'server.api_keys[0]', message: expect.stringContaining('OLD_KEY is not set') }),
    ]);
  });

  it('refuses an invalid file with an InvalidRequestError naming the file and the field', async () => {
    const path = configFile('providers:\n  openai:\n    base_url: [not, a, url]\n');
    const error: unknown = await openSource(path)
      .load()
      .catch((caught: unknown) => caught);
    expect(isLiterLLMError(error) && error.code).toBe('invalid_request');
    expect((error as Error).message).toContain(`invalid config ${path}:`);
    expect((error as Error).message).toContain('providers.openai.base_url');
  });

  it('reports a save made between load and watch, then each later version, and nothing after close', async () => {
    const path = configFile(OPENAI);
    const source = openSource(path, { OPENAI_KEY: 'sk-1' });
    await source.load();
    // Saved while the entry point was starting: the load's text is the baseline, so this is a change.
    writeFileSync(path, `${OPENAI}    max_retries: 1\n`);
    const seen = record(source);
    await waitFor(() => seen.changes.length === 1);
    expect(seen.changes[0]?.providers['openai']?.maxRetries).toBe(1);

    writeFileSync(path, 'providers:\n  openai:\n    base_url: [not, a, url]\n');
    await waitFor(() => seen.errors.length === 1);
    expect(seen.errors[0]?.[0]?.path).toBe('providers.openai.base_url');

    source.close();
    writeFileSync(path, `${OPENAI}    max_retries: 3\n`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen.changes).toHaveLength(1);
    expect(seen.errors).toHaveLength(1);
  });

  it('does not report the version it loaded', async () => {
    const path = configFile(OPENAI);
    const source = openSource(path, { OPENAI_KEY: 'sk-1' });
    await source.load();
    const seen = record(source);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(seen).toEqual({ changes: [], errors: [] });
  });
});
