/**
 * The README's "Running several replicas" works as written: its etcdctl values are what the
 * gateway accepts under the fleet config's prefix, and the paths it applies exist.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { routeFileSchema } from '../../src/engine/config/config-file-schema.js';
import { readFleetConfig, ROOT } from './read-deploy-files.js';

const readme = readFileSync(`${ROOT}README.md`, 'utf8');
const section = readme.slice(readme.indexOf('## Running several replicas'), readme.indexOf('## Layout'));
const puts = [...section.matchAll(/^etcdctl put (\S+) '(.+)'$/gm)].map(([, key, value]) => ({ key: key!, value: value! }));
const PROVIDER_FLAGS = ['enabled', 'max_concurrency', 'rate_limit_per_minute', 'tokens_per_minute'];

describe('README: Running several replicas', () => {
  it('puts values the gateway accepts, under the fleet config’s etcd prefix', () => {
    const prefix = readFleetConfig().config_source.etcd.prefix as string;
    expect(puts.length).toBeGreaterThanOrEqual(2);
    for (const { key, value } of puts) {
      expect(key.startsWith(prefix), key).toBe(true);
      const [kind, name, ...more] = key.slice(prefix.length).split('/');
      expect(name, key).toMatch(/^[\w-]+$/);
      expect(more, key).toEqual([]);
      const parsed = JSON.parse(value) as Record<string, unknown>;
      if (kind === 'routes') expect(routeFileSchema.safeParse(parsed).success, value).toBe(true);
      else if (kind === 'providers') for (const flag of Object.keys(parsed)) expect(PROVIDER_FLAGS).toContain(flag);
      else throw new Error(`${key}: neither routes/ nor providers/`);
    }
  });

  it('applies and builds what exists', () => {
    const applied = [...section.matchAll(/kubectl apply -k (\S+)/g)].map(([, path]) => path!);
    expect(applied).toEqual(['deploy/kubernetes/overlays/fleet-3']);
    for (const path of applied) expect(existsSync(`${ROOT}${path}/kustomization.yaml`), path).toBe(true);
    expect(section).toContain('docker build -t liter-llm .');
    expect(existsSync(`${ROOT}Dockerfile`)).toBe(true);
  });
});
