import { createClient } from '../../src/client/create-client.js';
import { spawnEngineClient } from '../../src/protocol/spawn-engine-client.js';
import type { ConformanceBinding } from './observe-call.js';
import { REPOSITORY_ROOT } from './start-harness.js';

export interface ClosableBinding extends ConformanceBinding {
  close(): Promise<unknown>;
  /** What went wrong beside the call, for the failure message (the engine's stderr). */
  diagnostics(): string;
}

/** stdio mode: a fresh `node dist/cli/main.js engine --stdio --config <configPath>` driven over its pipes. */
export function createStdioBinding(configPath: string): ClosableBinding {
  const engine = spawnEngineClient({
    command: [process.execPath, 'dist/cli/main.js', 'engine', '--stdio', '--config', configPath],
    cwd: REPOSITORY_ROOT,
    env: { PATH: process.env['PATH'] ?? '' },
    clientName: 'conformance-typescript',
  });
  return {
    chat: (request, options) => engine.chat(request, options),
    chatStream(request, options) {
      const stream = engine.chatStream(request, options);
      return {
        [Symbol.asyncIterator]: () => stream[Symbol.asyncIterator](),
        attempts: async () => (await stream.result).attempts,
      };
    },
    embed: (request, options) => engine.embed(request, options),
    models: () => engine.models(),
    close: () => engine.close(),
    diagnostics: () => engine.stderr(),
  };
}

/** http mode: `liter-llm/client`'s createClient against the harness's gateway. */
export function createHTTPBinding(baseURL: string, apiKey: string): ClosableBinding {
  const client = createClient({ baseURL, apiKey });
  return {
    chat: (request, options) => client.chat(request, options),
    chatStream(request, options) {
      const stream = client.chatStream(request, options);
      return {
        [Symbol.asyncIterator]: () => stream[Symbol.asyncIterator](),
        attempts: async () => stream.attempts,
      };
    },
    embed: (request, options) => client.embed(request, options),
    models: () => client.listModels(),
    close: () => client.close(),
    diagnostics: () => '',
  };
}
