import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createConfigSource } from './create-config-source.js';

describe('createConfigSource', () => {
  it('reads the file when one is named, with the variables given', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'liter-llm-config-source-'));
    try {
      const path = join(directory, 'liter-llm.yaml');
      writeFileSync(path, 'providers:\n  local:\n    type: openai-compatible\n    base_url: ${LOCAL_URL}\n');
      const source = createConfigSource(path, { LOCAL_URL: 'http://127.0.0.1:8000/v1', OPENAI_API_KEY: 'sk-ignored' });
      expect(source.name).toBe(path);
      const { config } = await source.load();
      source.close();
      expect(Object.keys(config.providers)).toEqual(['local']);
      expect(config.providers['local']?.baseURL).toBe('http://127.0.0.1:8000/v1');
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('derives the config from the environment without a file', async () => {
    const source = createConfigSource(undefined, { OPENAI_API_KEY: 'sk-test' });
    expect(source.name).toBe('the environment');
    expect(Object.keys((await source.load()).config.providers)).toEqual(['openai']);
  });
});
