import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { z } from 'zod';
import { configFileSchema } from './config-file-schema.js';
import { findSchemaAt, getSchemaType, listObjectKeys } from './find-schema-at.js';
import { parseConfig } from './parse-config.js';

const EXAMPLE = fileURLToPath(new URL('../../../examples/liter-llm.yaml', import.meta.url));

/** Every key the schema allows, as `providers.*.max_concurrency` paths. */
function listAllKeys(schema: z.core.$ZodType, prefix: (string | number)[] = [], label = ''): string[] {
  const here = findSchemaAt(schema, prefix);
  const type = getSchemaType(here);
  if (type === 'record') return listAllKeys(schema, [...prefix, 'any'], `${label}*.`);
  if (type === 'array') return listAllKeys(schema, [...prefix, 0], label);
  const keys = listObjectKeys(here);
  if (keys === undefined) return [];
  return keys.flatMap((key) => [`${label}${key}`, ...listAllKeys(schema, [...prefix, key], `${label}${key}.`)]);
}

describe('examples/liter-llm.yaml', () => {
  test('validates, with warnings only for the unset keys', async () => {
    const text = await readFile(EXAMPLE, 'utf8');
    const result = parseConfig(text, { env: { LITER_LLM_KEY: 'gateway-key' }, sourceName: 'liter-llm.yaml' });
    expect(result.ok ? [] : result.errors).toEqual([]);
    if (!result.ok) return;
    expect(Object.keys(result.config.providers)).toEqual(['openai', 'anthropic', 'huggingface', 'ollama']);
    expect(Object.keys(result.config.routes)).toEqual(['chat-default', 'chat-local', 'embed-default']);
    expect(result.config.providers.ollama?.baseURL).toBe('http://localhost:11434/v1');
    expect(result.warnings.map((warning) => warning.path)).toEqual([
      'providers.openai.api_key',
      'providers.anthropic.api_key',
      'providers.huggingface.api_key',
    ]);
  });

  test('is refused while LITER_LLM_KEY is unset, rather than serving without authentication', async () => {
    const text = await readFile(EXAMPLE, 'utf8');
    const result = parseConfig(text, { env: {}, sourceName: 'liter-llm.yaml' });
    expect(result.ok ? [] : result.errors.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
      'server.api_keys: ${LITER_LLM_KEY} is not set, so the gateway would accept every caller; set it, or delete server.api_keys to run without authentication',
    ]);
  });

  test('its commented-out config_source block validates too', async () => {
    const text = await readFile(EXAMPLE, 'utf8');
    const block = /^# config_source:.*(?:\n# {2}.*)*/m.exec(text);
    expect(block).not.toBeNull();
    const uncommented = text.replace(block![0], block![0].replace(/^# /gm, ''));
    const result = parseConfig(uncommented, { env: { LITER_LLM_KEY: 'gateway-key' } });
    expect(result.ok && result.config.configSource).toEqual({
      etcd: { endpoints: ['http://127.0.0.1:2379'], prefix: '/liter-llm/' },
    });
  });

  test('shows every key the schema knows', async () => {
    const text = await readFile(EXAMPLE, 'utf8');
    const keys = listAllKeys(configFileSchema);
    expect(keys.length).toBeGreaterThan(40);
    const missing = keys.filter((path) => !new RegExp(`\\b${path.split('.').at(-1)}:`).test(text));
    expect(missing).toEqual([]);
  });
});
