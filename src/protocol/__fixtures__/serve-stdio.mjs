// serveProtocol on this process's real stdin/stdout, over a scripted engine: what
// `liter-llm engine --stdio` will do, without the CLI (serve-protocol-stdio.test.ts drives it).
import { createEngine } from '../../../dist/create-engine.js';
import { serveProtocol } from '../../../dist/protocol/index.js';
import { ScriptedProvider } from '../../../dist/testing/create-scripted-provider.js';

const provider = new ScriptedProvider('a', { kind: 'stream', deltas: ['one'], hang: true });
const engine = createEngine(
  {
    providers: {
      a: { type: 'openai-compatible', baseURL: 'http://127.0.0.1:9', maxRetries: 0, apiKey: 'sk-stdio-0123456789abcdefgh' },
    },
  },
  { providerFactories: { 'openai-compatible': () => provider } },
);
const end = await serveProtocol({
  engine,
  input: process.stdin,
  output: process.stdout,
  debug: process.env.LITER_LLM_DEBUG_PROTOCOL === '1',
  secrets: ['sk-stdio-0123456789abcdefgh'],
});
await engine.close();
process.stderr.write(`${JSON.stringify({ msg: 'ended', end, streamsClosed: provider.streamsClosed })}\n`);
process.exitCode = 0;
