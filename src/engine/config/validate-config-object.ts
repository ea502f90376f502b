import type { ProviderRegistry } from '../../providers/provider-registry.js';
import type { ConfigResult } from './config-issue.js';
import type { ConfigEnv } from './path-issue.js';
import { validateConfigValue } from './validate-config-value.js';

export interface ValidateConfigObjectOptions {
  /** Replace `${VAR}` in strings as a file would. Off by default: code builds its strings itself. */
  interpolate?: boolean;
  /** Used when interpolating. Defaults to process.env. */
  env?: ConfigEnv;
  /** The provider types the config may use (default: the bundled ones). */
  registry?: ProviderRegistry;
}

/**
 * Validates a config given as a JS object shaped exactly like the file (snake_case keys, e.g. the
 * result of JSON.parse). For camelCase objects written in code, use validateConfigInput.
 */
export function validateConfigObject(object: unknown, options: ValidateConfigObjectOptions = {}): ConfigResult {
  return validateConfigValue(object, {
    env: options.interpolate === true ? (options.env ?? process.env) : undefined,
    keyStyle: 'snake',
    ...(options.registry !== undefined && { registry: options.registry }),
  });
}
