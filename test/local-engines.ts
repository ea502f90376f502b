/**
 * What the integration tests under test/ share: local servers that speak a provider's wire format,
 * and real engines, every one of them closed after the test that made it.
 */
import { afterEach } from 'vitest';
import { createEngine } from '../src/create-engine.js';
import type { ReloadableEngine } from '../src/engine/create-engine-core.js';
import { echoOpenAIHandler } from '../src/testing/echo-openai-handler.js';
import { MockProviderServer, type MockProviderServerOptions } from '../src/testing/mock-provider-server.js';

export const USER = [{ role: 'user' as const, content: 'Hello there' }];

export interface LocalEngines {
  /** A local provider server (the OpenAI echo unless told otherwise). */
  server(handler?: MockProviderServerOptions['handler']): Promise<MockProviderServer>;
  /** An engine with back-off jitter fixed at 0, so retry timings are exact. */
  engine(config: Parameters<typeof createEngine>[0]): ReloadableEngine;
}

/** Call once at the top of a test file: registers the afterEach that closes what the tests started. */
export function useLocalEngines(): LocalEngines {
  const servers: MockProviderServer[] = [];
  const engines: ReloadableEngine[] = [];
  afterEach(async () => {
    await Promise.all(engines.splice(0).map((created) => created.close()));
    await Promise.all(servers.splice(0).map((started) => started.close()));
  });
  return {
    async server(handler = echoOpenAIHandler) {
      const started = await MockProviderServer.start({ handler });
      servers.push(started);
      return started;
    },
    engine(config) {
      const created = createEngine(config, { random: () => 0 });
      engines.push(created);
      return created;
    },
  };
}
