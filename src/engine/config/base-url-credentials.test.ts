import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { checkConfigCommand } from './check-config-command.js';
import { parseConfig } from './parse-config.js';
import { validateConfigInput } from './validate-config-input.js';

// The transport sends only the origin and path, so credentials in base_url were dropped without a
// word. They are refused instead, and the password is never repeated.
const PASSWORD = 'pa55-w0rd-in-url';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'liter-llm-userinfo-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('a base_url with credentials', () => {
  test.each([`https://alice:${PASSWORD}@llm.example.com/v1`, `https://${PASSWORD}@llm.example.com/v1`])(
    'is refused by check-config, naming the key and not the secret (%#)',
    async (url) => {
      const file = join(directory, 'config.yaml');
      await writeFile(file, `providers:\n  local:\n    type: openai-compatible\n    base_url: ${url}\n`);
      const result = await checkConfigCommand(file, {});
      expect(result.exitCode).toBe(1);
      expect(result.output).toMatch(/providers\.local\.base_url: .*credentials/);
      expect(result.output).toContain('headers');
      expect(result.output).not.toContain(PASSWORD);
    },
  );

  test('is refused when the file is loaded, as by check-config', () => {
    const result = parseConfig(`providers:\n  openai:\n    base_url: https://u:${PASSWORD}@api.example.com/v1\n`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((issue) => issue.path)).toEqual(['providers.openai.base_url']);
    expect(JSON.stringify(result.errors)).not.toContain(PASSWORD);
  });

  test('is refused in a config written in code', () => {
    const result = validateConfigInput({
      providers: { local: { type: 'openai-compatible', baseURL: `http://u:${PASSWORD}@127.0.0.1:1/v1` } },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]!.path).toBe('providers.local.baseURL');
    expect(JSON.stringify(result.errors)).not.toContain(PASSWORD);
  });

  test('an @ in the path is not mistaken for credentials', () => {
    expect(
      parseConfig('providers:\n  local:\n    type: openai-compatible\n    base_url: https://llm.example.com/@team/v1\n').ok,
    ).toBe(true);
  });
});
