// Starts a gateway for the Python tests: the built engine (dist/) behind the gateway, with a local
// OpenAI-compatible echo server as its only provider. Prints one JSON line {"url", "upstream"} and
// runs until SIGTERM/SIGINT or until its standard input closes (so it never outlives pytest).
import { createEngine } from '../../dist/create-engine.js';
import { startGateway } from '../../dist/gateway/index.js';
import { echoOpenAIHandler, MockProviderServer } from '../../dist/testing/index.js';

const upstream = await MockProviderServer.start({ handler: echoOpenAIHandler });
const engine = createEngine({
  providers: { openai: { baseURL: `${upstream.url}/v1`, apiKey: 'sk-upstream-python', maxRetries: 0 } },
  server: { apiKeys: [process.env.GATEWAY_KEY ?? 'python-test-key'] },
});
const gateway = await startGateway({ engine, config: engine.config.server, host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ url: gateway.url, upstream: upstream.url })}\n`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await gateway.drain(2_000);
  await engine.close();
  await upstream.close();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
