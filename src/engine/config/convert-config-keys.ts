import type { z } from 'zod';
import type { ConfigPath } from './config-path.js';
import { convertCamelToSnake, convertSnakeToCamel } from './convert-key-case.js';
import { findSchemaAt, getSchemaType } from './find-schema-at.js';

/**
 * Rewrites the field keys of a camelCase config to the file's snake_case, leaving the keys of
 * mappings (provider names, route names, header names) untouched. Unknown keys are rewritten too,
 * so a typo is reported (and suggested) like any other.
 */
export function convertConfigKeysToSnake(value: unknown, schema: z.core.$ZodType, path: ConfigPath = []): unknown {
  if (Array.isArray(value)) return value.map((item, index) => convertConfigKeysToSnake(item, schema, [...path, index]));
  if (typeof value !== 'object' || value === null) return value;
  const isMapping = getSchemaType(findSchemaAt(schema, path)) === 'record';
  const output: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const fileKey = isMapping ? key : convertCamelToSnake(key);
    output[fileKey] = convertConfigKeysToSnake(child, schema, [...path, fileKey]);
  }
  return output;
}

/** The reverse, for the path of an issue: `providers.openai.max_concurrency` → `providers.openai.maxConcurrency`. */
export function convertConfigPathToCamel(path: ConfigPath, schema: z.core.$ZodType): ConfigPath {
  return path.map((segment, index) => {
    if (typeof segment === 'number') return segment;
    const isMappingKey = getSchemaType(findSchemaAt(schema, path.slice(0, index))) === 'record';
    return isMappingKey ? segment : convertSnakeToCamel(segment);
  });
}
