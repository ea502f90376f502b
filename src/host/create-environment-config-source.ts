import type { ProviderRegistry } from '../providers/provider-registry.js';
import { createDefaultConfig } from '../engine/config/create-default-config.js';
import type { ConfigEnv } from '../engine/config/path-issue.js';
import type { ConfigSource } from './config-source.js';

/**
 * The config when no file is given: one provider per registered type whose key (or base URL)
 * variable is set in the environment, every other setting at its default (createDefaultConfig). It
 * is read once: a process's environment does not change under it, so `watch` reports nothing.
 */
export function createEnvironmentConfigSource(env: ConfigEnv = process.env, registry?: ProviderRegistry): ConfigSource {
  return {
    name: 'the environment',
    async load() {
      return { config: registry === undefined ? createDefaultConfig(env) : createDefaultConfig(env, registry), warnings: [] };
    },
    watch() {},
    close() {},
  };
}
