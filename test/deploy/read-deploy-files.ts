/**
 * The deploy files the TypeScript tests read: the Dockerfile, the base Deployment's container and
 * the fleet config of the ConfigMap. The kustomize builds themselves are checked by the Go module
 * deploy/kubernetes/validate; these tests tie the image and the config to the gateway's code.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { maskEnvReferences, unmaskEnvReferences } from '../../src/engine/config/mask-env-references.js';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const BASE = `${ROOT}deploy/kubernetes/base/`;
export const FLEET_CONFIG = `${BASE}liter-llm.yaml`;

export interface DeploymentContainer {
  args: string[];
  ports: { name: string; containerPort: number }[];
  env: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
}

export function readDeployment(): {
  spec: { template: { spec: { securityContext: { runAsUser: number }; containers: DeploymentContainer[] } } };
} {
  return parse(readFileSync(`${BASE}deployment.yaml`, 'utf8'));
}

/**
 * The container's environment as the tests run it: plain values as written, each Secret key
 * replaced by a stand-in (`test-OPENAI_API_KEY`), since real keys never live in the repository.
 */
export function readContainerEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const variable of readDeployment().spec.template.spec.containers[0]!.env) {
    env[variable.name] = variable.value ?? `test-${variable.name}`;
  }
  return env;
}

/** The fleet config as a plain object (`${VAR}` references left as they are written). */
export function readFleetConfig(): Record<string, any> {
  // `[ ${KEY} ]` is not plain YAML; the gateway masks the braces the same way (mask-env-references.ts).
  return unmaskEnvReferences(parse(maskEnvReferences(readFileSync(FLEET_CONFIG, 'utf8'))));
}

/**
 * The fleet config for one machine with no Redis or etcd: memory limits (no `limits`, so no
 * `max_concurrency_global`), no `config_source`, on loopback port `port`; everything else as shipped.
 */
export function toSingleMachineConfig(config: Record<string, any>, port: number): Record<string, any> {
  const { limits: _limits, config_source: _configSource, ...rest } = config;
  const providers = Object.fromEntries(
    Object.entries(rest.providers as Record<string, Record<string, unknown>>).map(([name, settings]) => {
      const { max_concurrency_global: _global, ...local } = settings;
      return [name, local];
    }),
  );
  return { ...rest, providers, server: { ...rest.server, host: '127.0.0.1', port } };
}
