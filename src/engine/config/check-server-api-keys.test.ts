import { describe, expect, test } from 'vitest';
import type { ConfigResult } from './config-issue.js';
import { parseConfig } from './parse-config.js';
import { validateConfigInput } from './validate-config-input.js';

function errorsOf(result: ConfigResult): string[] {
  return result.ok ? [] : result.errors.map((issue) => `${issue.path}: ${issue.message}`);
}

const OPEN = 'so the gateway would accept every caller';

describe('server.api_keys that resolve to no usable key', () => {
  test('the shipped form with its variable unset is an error naming the variable', () => {
    const result = parseConfig('server:\n  api_keys: [ ${LITER_LLM_KEY} ]\n', { env: {} });
    expect(errorsOf(result)).toEqual([
      `server.api_keys: \${LITER_LLM_KEY} is not set, ${OPEN}; set it, or delete server.api_keys to run without authentication`,
    ]);
  });

  test('every variable that left the list empty is named, set-but-blank ones too', () => {
    const text = 'server:\n  api_keys: [ "${KEY_A}", "${KEY_B}", "${KEY_C:-}", "" ]\n';
    const result = parseConfig(text, { env: { KEY_B: '  \n' } });
    expect(errorsOf(result)).toEqual([
      `server.api_keys: \${KEY_A} is not set, \${KEY_B} is empty, \${KEY_C} is not set, ${OPEN}; set them, or delete server.api_keys to run without authentication`,
    ]);
  });

  test('one variable holding the list, unset or empty, is an error too', () => {
    const text = 'server:\n  api_keys: ${GATEWAY_KEYS}\n';
    expect(errorsOf(parseConfig(text, { env: {} }))).toEqual([
      `server.api_keys: \${GATEWAY_KEYS} is not set, ${OPEN}; set it, or delete server.api_keys to run without authentication`,
    ]);
    expect(errorsOf(parseConfig(text, { env: { GATEWAY_KEYS: ' , ,' } }))).toEqual([
      `server.api_keys: \${GATEWAY_KEYS} is empty, ${OPEN}; set it, or delete server.api_keys to run without authentication`,
    ]);
  });

  test('blank keys written as such, or a key left without a value, are errors', () => {
    for (const written of ['[ "" ]', '[ " ", "" ]', '""', ' ', '" , "']) {
      expect(errorsOf(parseConfig(`server:\n  api_keys: ${written}\n`, { env: {} }))).toEqual([
        `server.api_keys: holds no usable key, ${OPEN}; write a key, or delete server.api_keys to run without authentication`,
      ]);
    }
  });

  test('one usable key is enough; the unset entries beside it stay warnings', () => {
    const result = parseConfig('server:\n  api_keys: [ ${KEY_A}, ${KEY_B} ]\n', { env: { KEY_B: 'b-key' } });
    expect(result.ok && result.config.server.apiKeys).toEqual(['b-key']);
    expect(result.warnings.map((warning) => warning.path)).toEqual(['server.api_keys[0]']);
  });

  test('an empty list, like no api_keys at all, means no authentication', () => {
    expect(parseConfig('server:\n  api_keys: []\n', { env: {} }).ok).toBe(true);
    expect(parseConfig('server:\n  port: 1\n', { env: {} }).ok).toBe(true);
  });

  test('a config written in code gets the same rule, with camelCase paths', () => {
    expect(errorsOf(validateConfigInput({ server: { apiKeys: [''] } }))).toEqual([
      `server.apiKeys: holds no usable key, ${OPEN}; write a key, or delete server.apiKeys to run without authentication`,
    ]);
    expect(validateConfigInput({ server: { apiKeys: [] } }).ok).toBe(true);
  });
});
