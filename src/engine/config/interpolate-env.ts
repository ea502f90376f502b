import type { z } from 'zod';
import type { ConfigPath } from './config-path.js';
import { getSchemaType, findSchemaAt } from './find-schema-at.js';
import type { ConfigEnv, PathIssue } from './path-issue.js';

export interface InterpolationResult {
  value: unknown;
  errors: PathIssue[];
  warnings: PathIssue[];
  /** Paths whose value could not be built; validation skips them so one mistake gives one message. */
  failedPaths: ConfigPath[];
}

const REFERENCE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;
const NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string value (not in keys), before validation.
 *
 * - `${VAR}` needs VAR to be set (an empty value counts as set); `${VAR:-default}` uses the default
 *   when VAR is unset or empty, as in a POSIX shell. `$${` is a literal `${`.
 * - An unset variable is an error naming the path and the variable, except in a provider's api_key
 *   (the provider is then called without a key, as local servers expect) and in server.api_keys
 *   (the entry is dropped). Both give a warning, because a key that silently disappears is worth knowing;
 *   server.api_keys left with no key at all is an error (checkServerAPIKeys), never "no authentication".
 * - A value that is exactly one reference, in a numeric field, is read as a number (`port: ${PORT}`).
 * - A null mapping value (a key written with nothing after it) counts as absent, except for sections,
 *   providers and routes, which become empty mappings (`anthropic:` alone enables it with defaults).
 */
export function interpolateEnv(value: unknown, env: ConfigEnv | undefined, schema: z.core.$ZodType): InterpolationResult {
  const result: InterpolationResult = { value: undefined, errors: [], warnings: [], failedPaths: [] };
  result.value = visit(value, [], { env, schema, result });
  return result;
}

interface VisitContext {
  /** Undefined: leave strings alone (objects given by code), only normalise nulls. */
  env: ConfigEnv | undefined;
  schema: z.core.$ZodType;
  result: InterpolationResult;
}

const OMIT = Symbol('omit');

function visit(value: unknown, path: ConfigPath, context: VisitContext): unknown {
  if (typeof value === 'string') {
    return context.env !== undefined && value.includes('${') ? interpolateString(value, path, context) : value;
  }
  if (Array.isArray(value)) {
    // Items are never removed, so later indexes in messages still match the file; an item that could
    // not be built becomes '' (failed paths are skipped by validation, empty api_keys entries dropped).
    return value.map((item, index) => {
      const next = visit(item, [...path, index], context);
      return next === OMIT ? '' : next;
    });
  }
  if (typeof value === 'object' && value !== null) {
    const output: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const childPath = [...path, key];
      const next = child === null ? replaceNull(childPath, context) : visit(child, childPath, context);
      if (next !== OMIT) output[key] = next;
    }
    return output;
  }
  return value;
}

function replaceNull(path: ConfigPath, context: VisitContext): unknown {
  const type = getSchemaType(findSchemaAt(context.schema, path));
  return type === 'object' || type === 'record' ? {} : OMIT;
}

function interpolateString(text: string, path: ConfigPath, context: VisitContext): unknown {
  let output = '';
  let references = 0;
  let index = 0;
  while (index < text.length) {
    if (text.startsWith('$${', index)) {
      output += '${';
      index += 3;
      continue;
    }
    if (!text.startsWith('${', index)) {
      output += text[index];
      index += 1;
      continue;
    }
    const end = text.indexOf('}', index + 2);
    const match = end === -1 ? null : REFERENCE.exec(text.slice(index + 2, end));
    if (end === -1 || match === null) {
      return fail(path, 'invalid ${...} reference: expected ${NAME} or ${NAME:-default} (write $${ for a literal ${)', context);
    }
    const [, name, fallback] = match as unknown as [string, string, string | undefined];
    const variable = context.env?.[name];
    if (fallback !== undefined && (variable === undefined || variable === '')) output += fallback;
    else if (variable !== undefined) output += variable;
    else return handleUnset(name, path, context);
    references += 1;
    index = end + 1;
  }
  const wholeReference = references === 1 && /^\$\{[^}]*\}$/.test(text);
  if (wholeReference && NUMBER.test(output) && getSchemaType(findSchemaAt(context.schema, path)) === 'number') {
    return Number(output);
  }
  return output;
}

function handleUnset(name: string, path: ConfigPath, context: VisitContext): unknown {
  const message = `environment variable ${name} is not set`;
  const key = path.at(-1);
  if (key === 'api_key' && path.length === 3 && path[0] === 'providers') {
    context.result.warnings.push({ path, message: `${message}; the provider is called without an API key` });
    return OMIT;
  }
  if (path.length === 3 && path[0] === 'server' && path[1] === 'api_keys') {
    context.result.warnings.push({ path, message: `${message}; this entry is dropped` });
    return OMIT;
  }
  if (path.length === 2 && path[0] === 'server' && key === 'api_keys') {
    // No warning: with no key left, checkServerAPIKeys refuses the config and names the variable.
    return OMIT;
  }
  return fail(path, message, context);
}

function fail(path: ConfigPath, message: string, context: VisitContext): typeof OMIT {
  context.result.errors.push({ path, message });
  context.result.failedPaths.push(path);
  return OMIT;
}
