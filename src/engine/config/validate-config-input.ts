import type { ConfigResult } from './config-issue.js';
import { configFileSchema } from './config-file-schema.js';
import { convertConfigKeysToSnake } from './convert-config-keys.js';
import type { LiterLLMConfigInput } from './liter-llm-config-input.js';
import type { ValidateConfigObjectOptions } from './validate-config-object.js';
import { validateConfigValue } from './validate-config-value.js';

/**
 * Validates a camelCase config written in code. Same rules and defaults as a file; issues name
 * camelCase paths (`providers.openai.maxConcurrency`).
 */
export function validateConfigInput(input: LiterLLMConfigInput, options: ValidateConfigObjectOptions = {}): ConfigResult {
  return validateConfigValue(convertConfigKeysToSnake(input, configFileSchema), {
    env: options.interpolate === true ? (options.env ?? process.env) : undefined,
    keyStyle: 'camel',
  });
}
