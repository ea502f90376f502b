import { parseArgs } from 'node:util';
import { echoAnthropicHandler } from '../testing/echo-anthropic-handler.js';
import { echoHuggingFaceHandler } from '../testing/echo-huggingface-handler.js';
import { echoOpenAIHandler } from '../testing/echo-openai-handler.js';
import { MockProviderServer } from '../testing/mock-provider-server.js';
import { parseCLIArgs, UsageError } from './parse-cli-args.js';

const HANDLERS = {
  openai: { handler: echoOpenAIHandler, env: 'OPENAI_BASE_URL', suffix: '/v1', model: 'openai/gpt-4o-mini', key: '' },
  // Like the real API, the Anthropic mock wants a key sent (any value).
  anthropic: {
    handler: echoAnthropicHandler,
    env: 'ANTHROPIC_BASE_URL',
    suffix: '',
    model: 'anthropic/claude-haiku-4-5',
    key: 'ANTHROPIC_API_KEY=sk-ant-local ',
  },
  huggingface: {
    handler: echoHuggingFaceHandler,
    env: 'HF_BASE_URL',
    suffix: '',
    model: 'huggingface/meta-llama/Llama-3.1-8B-Instruct',
    key: '',
  },
} as const;

/** A local server that answers in a provider's wire format, for trying the CLI and gateway without keys. */
export async function runMockProviderCommand(args: string[]): Promise<number> {
  const { values } = parseCLIArgs(() =>
    parseArgs({
      args,
      allowPositionals: false,
      strict: true,
      options: {
        provider: { type: 'string', short: 'p' },
        port: { type: 'string' },
        host: { type: 'string', default: '127.0.0.1' },
      },
    }),
  );
  const choice = HANDLERS[values.provider as keyof typeof HANDLERS] as (typeof HANDLERS)[keyof typeof HANDLERS] | undefined;
  if (!choice) throw new UsageError(`--provider must be one of ${Object.keys(HANDLERS).join(', ')}`);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port expects a port number, got "${values.port}"`);
  const server = await MockProviderServer.start({ handler: choice.handler, host: values.host, port });
  process.stdout.write(
    `mock ${values.provider} server listening on ${server.url}\n` +
      `try: ${choice.env}=${server.url}${choice.suffix} ${choice.key}liter-llm chat --model ${choice.model} "Hello"\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  return 0;
}
