import { createDefaultConfig } from '../engine/config/create-default-config.js';
import type { ConfigEnv } from '../engine/config/path-issue.js';
import type { ConfigSource } from './config-source.js';

/**
 * The config when no file is given: one provider per vendor whose key (or base URL) is set in
 * the environment, every other setting at its default (createDefaultConfig). It is read once: a
 * process's environment does not change under it, so `watch` reports nothing.
 */
export function createEnvironmentConfigSource(env: ConfigEnv = process.env): ConfigSource {
  return {
    name: 'the environment',
    async load() {
      return { config: createDefaultConfig(env), warnings: [] };
    },
    watch() {},
    close() {},
  };
}
