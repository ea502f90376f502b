import { parseArgs } from 'node:util';
import { createFailingHandler, type FailureOptions } from '../testing/create-failing-handler.js';
import { anthropicFailureFormat, echoAnthropicHandler } from '../testing/echo-anthropic-handler.js';
import { echoHuggingFaceHandler, huggingFaceFailureFormat } from '../testing/echo-huggingface-handler.js';
import { echoOpenAIHandler, openAIFailureFormat } from '../testing/echo-openai-handler.js';
import { MockProviderServer } from '../testing/mock-provider-server.js';
import { parseCLIArgs, UsageError } from './parse-cli-args.js';
import { parseMockFailureFlags } from './parse-mock-failure-flags.js';
import { watchAncestors } from './watch-ancestors.js';

const HANDLERS = {
  openai: {
    handler: echoOpenAIHandler,
    failures: openAIFailureFormat,
    env: 'OPENAI_BASE_URL',
    suffix: '/v1',
    model: 'openai/gpt-6-luna',
    key: '',
  },
  // Like the real API, the Anthropic mock wants a key sent (any value).
  anthropic: {
    handler: echoAnthropicHandler,
    failures: anthropicFailureFormat,
    env: 'ANTHROPIC_BASE_URL',
    suffix: '',
    model: 'anthropic/claude-haiku-5-5',
    key: 'ANTHROPIC_API_KEY=sk-ant-local ',
  },
  huggingface: {
    handler: echoHuggingFaceHandler,
    failures: huggingFaceFailureFormat,
    env: 'HF_BASE_URL',
    suffix: '',
    model: 'huggingface/meta-llama/Llama-3.1-8B-Instruct',
    key: '',
  },
} as const;

/**
 * A local server that answers in a provider's wire format, for trying the CLI and gateway without
 * keys, optionally failing the way providers do (see COMMAND_USAGE['mock-provider']).
 */
export async function runMockProviderCommand(args: string[]): Promise<number> {
  const { values } = parseCLIArgs(() =>
    parseArgs({
      // A bare --fail-mid-stream means its default mode; parseArgs has no optional values.
      args: args.map((arg) => (arg === '--fail-mid-stream' ? '--fail-mid-stream=disconnect' : arg)),
      allowPositionals: false,
      strict: true,
      options: {
        provider: { type: 'string', short: 'p' },
        port: { type: 'string' },
        host: { type: 'string', default: '127.0.0.1' },
        'fail-rate': { type: 'string' },
        status: { type: 'string' },
        'retry-after': { type: 'string' },
        'latency-ms': { type: 'string' },
        'fail-mid-stream': { type: 'string' },
        detached: { type: 'boolean', default: false },
      },
    }),
  );
  const choice = HANDLERS[values.provider as keyof typeof HANDLERS] as (typeof HANDLERS)[keyof typeof HANDLERS] | undefined;
  if (!choice) throw new UsageError(`--provider must be one of ${Object.keys(HANDLERS).join(', ')}`);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port expects a port number, got "${values.port}"`);
  const failures: FailureOptions | undefined = parseMockFailureFlags({
    'fail-rate': values['fail-rate'],
    status: values.status,
    'retry-after': values['retry-after'],
    'latency-ms': values['latency-ms'],
    'fail-mid-stream': values['fail-mid-stream'],
  });
  // Started as "npx liter-llm mock-provider ... &", "kill $!" stops npx, not this process, which
  // would keep the port: stop once the processes that started it are gone. Watched from before the
  // server starts, so a parent that dies meanwhile still counts.
  const parentGone = new Promise<void>((resolve) => {
    if (!values.detached) watchAncestors(resolve);
  });
  const handler = failures ? createFailingHandler(choice.handler, choice.failures, failures) : choice.handler;
  const server = await MockProviderServer.start({ handler, host: values.host, port });
  process.stdout.write(
    `mock ${values.provider} server listening on ${server.url} (pid ${process.pid}; ${values.detached ? 'stop it with kill' : 'it stops with its parent'})\n` +
      `try: ${choice.env}=${server.url}${choice.suffix} ${choice.key}liter-llm chat --model ${choice.model} "Hello"\n` +
      (failures ? `failures: ${describeFailures(failures)}\n` : ''),
  );
  const signalled = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await Promise.race([signalled, parentGone]);
  await server.close();
  return 0;
}

function describeFailures(options: FailureOptions): string {
  const parts: string[] = [];
  if (options.failRate) {
    const status = options.status ?? 500;
    parts.push(`${Math.round(options.failRate * 100)}% of calls fail`);
    parts.push(
      options.failMidStream
        ? `streams break mid-way (${options.failMidStream}), other calls answer ${status}`
        : `with status ${status}`,
    );
    if (options.retryAfterSeconds !== undefined) parts.push(`retry-after ${options.retryAfterSeconds} s`);
  }
  if (options.latencyMs) parts.push(`every answer after ${options.latencyMs} ms`);
  return parts.join(', ');
}
