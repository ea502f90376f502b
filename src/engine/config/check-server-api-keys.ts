import { formatKey, type KeyStyle } from './convert-key-case.js';
import { listAPIKeys } from './list-api-keys.js';
import type { ConfigEnv, PathIssue } from './path-issue.js';

const REFERENCE = /(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}/g;

/**
 * `server.api_keys` that is written but resolves to no usable key is an error: the gateway would
 * otherwise run without authentication, which is the opposite of what the operator asked for (the
 * shipped `[ ${LITER_LLM_KEY} ]` with the variable unset did exactly that, silently). The message
 * names the variables that came out unset or blank. An empty list (`[]`) stays "no keys", the same
 * as leaving the key out, so a built config validates to itself.
 *
 * Reads the value as written (`written`, to name the variables) and after interpolation
 * (`interpolated`); a value of the wrong type is left to the schema.
 */
export function checkServerAPIKeys(
  written: unknown,
  interpolated: unknown,
  env: ConfigEnv | undefined,
  keyStyle: KeyStyle,
): PathIssue[] {
  const server = asRecord(asRecord(written)?.server);
  if (server === undefined || !('api_keys' in server)) return [];
  const source = server.api_keys;
  if (Array.isArray(source) && source.length === 0) return [];
  const resolved = asRecord(asRecord(interpolated)?.server)?.api_keys;
  if (!isKeyList(resolved) || listAPIKeys(resolved).length > 0) return [];

  const key = `server.${formatKey('api_keys', keyStyle)}`;
  const consequence = 'so the gateway would accept every caller';
  const variables = env === undefined ? [] : findBlankVariables(source, env);
  const message =
    variables.length === 0
      ? `holds no usable key, ${consequence}; write a key, or delete ${key} to run without authentication`
      : `${variables.join(', ')}, ${consequence}; set ${variables.length === 1 ? 'it' : 'them'}, or delete ${key} to run without authentication`;
  return [{ path: ['server', 'api_keys'], message }];
}

/** `${NAME} is not set` / `${NAME} is empty` for each variable referenced that gave nothing. */
function findBlankVariables(source: unknown, env: ConfigEnv): string[] {
  const texts =
    typeof source === 'string' ? [source] : Array.isArray(source) ? source.filter((item) => typeof item === 'string') : [];
  const names = new Set(texts.flatMap((text) => [...text.matchAll(REFERENCE)].map((match) => match[1]!)));
  const found: string[] = [];
  for (const name of names) {
    const value = env[name];
    if (value === undefined) found.push(`\${${name}} is not set`);
    else if (value.replaceAll(',', '').trim() === '') found.push(`\${${name}} is empty`);
  }
  return found;
}

/** What the schema accepts for api_keys, or nothing at all (a null or an unset variable). */
function isKeyList(value: unknown): value is string | string[] | undefined {
  return (
    value === undefined || typeof value === 'string' || (Array.isArray(value) && value.every((item) => typeof item === 'string'))
  );
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
