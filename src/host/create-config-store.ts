import type { ConfigSourceConfig } from '../engine/config/liter-llm-config.js';
import type { ConfigStore } from './config-store.js';
import { createConsulConfigStore } from './create-consul-config-store.js';
import { createEtcdConfigStore } from './create-etcd-config-store.js';

/** The store config_source names (the rules allow one). */
export async function createConfigStore(config: ConfigSourceConfig): Promise<ConfigStore> {
  if (config.etcd !== undefined) return createEtcdConfigStore(config.etcd);
  if (config.consul !== undefined) return createConsulConfigStore(config.consul);
  throw new Error('config_source names no store (expected etcd or consul)');
}
