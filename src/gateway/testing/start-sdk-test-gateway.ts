import { createEngine } from '../../create-engine.js';
import type { ReloadableEngine } from '../../engine/create-engine-core.js';
import { loadFixture } from '../../testing/load-fixture.js';
import { MockProviderServer } from '../../testing/mock-provider-server.js';
import { startGateway, type RunningGateway } from '../start-gateway.js';

/** Where the recorded provider traffic lives (src/providers/<provider>/__fixtures__). */
export const OPENAI_FIXTURES = new URL('../../providers/openai/__fixtures__/', import.meta.url).pathname;
export const ANTHROPIC_FIXTURES = new URL('../../providers/anthropic/__fixtures__/', import.meta.url).pathname;

/** The recorded response body of a fixture, parsed. */
export function fixtureBody<T>(path: string): T {
  return JSON.parse(loadFixture(path).response.body as string) as T;
}

/** The real gateway and engine in front of two local upstreams, as the SDK tests use them. */
export interface SDKTestGateway {
  openaiUpstream: MockProviderServer;
  anthropicUpstream: MockProviderServer;
  engine: ReloadableEngine;
  gateway: RunningGateway;
  /** Forgets what the upstreams received (between tests). */
  clearRequests(): void;
  close(): Promise<void>;
}

/**
 * Providers `openai` and `anthropic`, plus `anthropic-limited` on the same upstream: a 429 with
 * retry-after pauses that model in the provider's limiter (as it should), so the 429 tests get a
 * provider of their own. Callers authenticate with `gateway-key`; nothing is retried.
 */
export async function startSDKTestGateway(): Promise<SDKTestGateway> {
  const [openaiUpstream, anthropicUpstream] = await Promise.all([MockProviderServer.start(), MockProviderServer.start()]);
  const engine = createEngine({
    providers: {
      openai: { baseURL: `${openaiUpstream.url}/v1`, apiKey: 'sk-upstream-openai', maxRetries: 0 },
      anthropic: { baseURL: anthropicUpstream.url, apiKey: 'sk-ant-upstream', maxRetries: 0 },
      'anthropic-limited': { type: 'anthropic', baseURL: anthropicUpstream.url, apiKey: 'sk-ant-upstream', maxRetries: 0 },
    },
    server: { apiKeys: ['gateway-key'] },
  });
  const gateway = await startGateway({ engine, config: engine.config.server, host: '127.0.0.1', port: 0 });
  return {
    openaiUpstream,
    anthropicUpstream,
    engine,
    gateway,
    clearRequests() {
      openaiUpstream.requests.length = 0;
      anthropicUpstream.requests.length = 0;
    },
    async close() {
      await gateway.close();
      await engine.close();
      await Promise.all([openaiUpstream.close(), anthropicUpstream.close()]);
    },
  };
}
