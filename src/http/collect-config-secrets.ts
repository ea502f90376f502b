import { collectSecrets } from './collect-secrets.js';

/** The parts of a config that hold secrets (the config types, structurally, so telemetry and the CLI can pass theirs). */
export interface SecretBearingConfig {
  providers: Record<string, { apiKey?: string | undefined; headers?: Record<string, string> | undefined }>;
  server?: { apiKeys?: readonly string[] | undefined };
}

/** Every secret of a config: each provider's API key and header values (collectSecrets), and the gateway's own keys. */
export function collectConfigSecrets(config: SecretBearingConfig): string[] {
  return [
    ...Object.values(config.providers).flatMap((provider) => collectSecrets(provider.apiKey, provider.headers)),
    ...(config.server?.apiKeys ?? []),
  ];
}
