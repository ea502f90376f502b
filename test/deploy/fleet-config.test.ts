/**
 * The ConfigMap's fleet config is a config the gateway accepts (`liter-llm check-config`, with the
 * environment the Deployment gives it), and the autoscaler's Pods metric is one the gateway exports.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createMetrics } from '../../src/telemetry/create-metrics.js';
import { runCLI } from '../cli-process.js';
import { BASE, FLEET_CONFIG, readContainerEnv, readFleetConfig, toSingleMachineConfig } from './read-deploy-files.js';

/**
 * Keys of the shared spec for issue 14 (/limits.* and max_concurrency_global) that feat/redis-store
 * adds to the schema. Until that branch is merged, check-config calls them unknown; the full check
 * is then skipped by name (never passed), and runs for real once the schema knows them.
 */
const PENDING_KEYS = new Set([
  'providers.openai.max_concurrency_global',
  'limits.key_prefix',
  'limits.on_store_error',
  'limits.expected_replicas',
  'limits.command_timeout_ms',
  'limits.lease_ms',
]);

describe('the fleet config', () => {
  it('passes liter-llm check-config with the Deployment’s environment', async (context) => {
    const result = await runCLI(['check-config', FLEET_CONFIG], { env: readContainerEnv() });
    if (result.code !== 0) {
      const errors = result.stderr.split('\n').filter((line) => /^\S+: /.test(line) && !line.startsWith(FLEET_CONFIG));
      const pending = errors.filter((line) => PENDING_KEYS.has(line.split(':')[0]!) && line.includes('unknown key'));
      if (errors.length > 0 && pending.length === errors.length) {
        return context.skip(
          `the schema does not know these keys yet (feat/redis-store adds them): ${[...PENDING_KEYS].join(', ')}`,
        );
      }
    }
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^config OK: 2 providers, 1 route\n/);
    expect(result.stdout).not.toContain('warning');
    expect(result.code).toBe(0);
  });

  it('fails check-config when the Secret’s keys are missing (the keys really come from the environment)', async () => {
    const { LITER_LLM_KEY: _key, ...withoutGatewayKey } = readContainerEnv();
    const result = await runCLI(['check-config', FLEET_CONFIG], { env: withoutGatewayKey });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('server.api_keys: ${LITER_LLM_KEY} is not set');
  });

  it('without Redis and etcd is a valid single-machine config', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'liter-llm-fleet-config-'));
    try {
      const file = join(scratch, 'liter-llm.yaml');
      writeFileSync(file, JSON.stringify(toSingleMachineConfig(readFleetConfig(), 8080)));
      const result = await runCLI(['check-config', file], { env: readContainerEnv() });
      expect(result.stdout).toBe('config OK: 2 providers, 1 route\n');
      expect(result.code).toBe(0);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('uses the shared spec’s keys for Redis and etcd', () => {
    const config = readFleetConfig();
    expect(config.limits).toMatchObject({ store: 'redis', key_prefix: 'liter-llm:', on_store_error: 'fail_open' });
    expect(config.limits.redis_url).toMatch(/^redis:\/\/liter-llm-redis:6379\//);
    expect(config.config_source.etcd).toEqual({ endpoints: ['http://liter-llm-etcd:2379'], prefix: '/liter-llm/' });
    expect(readFileSync(FLEET_CONFIG, 'utf8')).not.toMatch(/sk-[A-Za-z0-9]/);
  });
});

describe('the autoscaler', () => {
  it('scales on a Pods metric the gateway exports', async () => {
    const autoscaler = parse(readFileSync(`${BASE}horizontal-pod-autoscaler.yaml`, 'utf8'));
    const podMetrics = (autoscaler.spec.metrics as { type: string; pods?: { metric: { name: string } } }[])
      .filter((metric) => metric.type === 'Pods')
      .map((metric) => metric.pods!.metric.name);
    expect(podMetrics).toEqual(['liter_llm_inflight_requests']);
    const metrics = createMetrics();
    try {
      const exported = (await metrics.registry.getMetricsAsJSON()).map((metric) => metric.name);
      expect(exported).toContain(podMetrics[0]);
    } finally {
      metrics.unsubscribe();
    }
    // The adapter rule the README documents serves the same name.
    expect(readFileSync(`${BASE}../README.md`, 'utf8')).toContain(`as: "${podMetrics[0]}"`);
  });
});
