import type { z } from 'zod';
import type { ConfigPath } from './config-path.js';
import { isSecretPath } from './config-path.js';
import { formatKey, type KeyStyle } from './convert-key-case.js';
import { describeValue } from './describe-value.js';
import { findSchemaAt, listObjectKeys } from './find-schema-at.js';
import type { PathIssue } from './path-issue.js';
import { suggestClosest } from './suggest-closest.js';

/**
 * Turns zod's issues into plain sentences: the schema's own message, then what was found
 * (`expected a positive integer, got "ten"`), a suggestion for misspelt keys and enum values,
 * and never the value itself under a secret key.
 */
export function mapZodIssues(issues: readonly z.core.$ZodIssue[], schema: z.core.$ZodType, keyStyle: KeyStyle): PathIssue[] {
  const mapped: PathIssue[] = [];
  for (const issue of issues) {
    const path = issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment));
    if (issue.code === 'unrecognized_keys') {
      const known = listObjectKeys(findSchemaAt(schema, path)) ?? [];
      for (const key of issue.keys) {
        mapped.push({ path: [...path, key], message: describeUnknownKey(key, known, keyStyle) });
      }
      continue;
    }
    mapped.push({ path, message: describeIssue(issue, path) });
  }
  return mapped;
}

function describeUnknownKey(key: string, known: readonly string[], keyStyle: KeyStyle): string {
  const names = known.map((name) => formatKey(name, keyStyle));
  const suggestion = suggestClosest(key, names);
  if (suggestion !== undefined) return `unknown key (did you mean ${suggestion}?)`;
  return names.length === 0 ? 'unknown key' : `unknown key (expected one of: ${names.join(', ')})`;
}

function describeIssue(issue: z.core.$ZodIssue, path: ConfigPath): string {
  const input: unknown = issue.input;
  if (issue.code === 'invalid_type' && input === undefined) return 'is required';
  if (isSecretPath(path)) return issue.message;
  // A list or a mapping is only worth naming when its kind was the problem.
  const isContainer = typeof input === 'object' && input !== null;
  if (isContainer && issue.code !== 'invalid_type' && issue.code !== 'invalid_union') return issue.message;
  let message = `${issue.message}, got ${describeValue(input)}`;
  if (issue.code === 'invalid_value' && typeof input === 'string') {
    const suggestion = suggestClosest(
      input,
      issue.values.filter((value): value is string => typeof value === 'string'),
    );
    if (suggestion !== undefined) message += ` (did you mean ${suggestion}?)`;
  }
  return message;
}
