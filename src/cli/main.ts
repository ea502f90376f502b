#!/usr/bin/env node
import { isLiterLLMError } from '../spec/errors.js';
import { COMMAND_USAGE } from './command-usage.js';
import { UsageError } from './parse-cli-args.js';
import { runChatCommand } from './run-chat-command.js';
import { runCheckConfigCommand } from './run-check-config-command.js';
import { runEmbedCommand } from './run-embed-command.js';
import { listKeyVariables } from './list-key-variables.js';
import { runMockProviderCommand } from './run-mock-provider-command.js';
import { runProvidersCommand } from './run-providers-command.js';
import { toleratePipeClose } from './watch-stdout.js';
import { defaultProviderRegistry } from '../providers/default-provider-registry.js';
import { readPackageVersion } from '../read-package-version.js';
import { resolveLogLevel } from '../telemetry/resolve-log-level.js';

const USAGE = `Usage:
  liter-llm serve [--config FILE] [--host H] [--port P]     the OpenAI/Anthropic-compatible gateway
  liter-llm chat --model M [--config FILE] [--stream] [--system S] [--max-tokens N] [--temperature T] [PROMPT...]
  liter-llm embed --model M [--config FILE] [--dimensions N] [TEXT...]
  liter-llm check-config FILE
  liter-llm providers [--json]                              every provider, its defaults and whether it is enabled
  liter-llm engine --stdio [--config FILE]                  the engine process of the Python and Go bindings
  liter-llm mock-provider --provider openai|anthropic|huggingface [--port P] [--fail-rate R] [--status N]
                          [--retry-after S] [--latency-ms N] [--fail-mid-stream[=disconnect|error]]
                                                            a local echo server speaking that provider's API
  liter-llm COMMAND --help                                  every flag of COMMAND

Models are "provider/model" (openai/gpt-6-luna) or a route name from the config. Without --config,
providers are enabled from ${listKeyVariables(defaultProviderRegistry).join(', ')} (and *_BASE_URL to point
them at another server).`;

type Command = (args: string[]) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  chat: async () => runChatCommand,
  embed: async () => runEmbedCommand,
  'check-config': async () => runCheckConfigCommand,
  'mock-provider': async () => runMockProviderCommand,
  providers: async () => runProvidersCommand,
  serve: async () => (await import('./run-serve-command.js')).runServeCommand,
  engine: async () => (await import('./run-engine-command.js')).runEngineCommand,
};

async function main(argv: string[]): Promise<number> {
  toleratePipeClose();
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    process.stdout.write(`${readPackageVersion()}\n`);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`liter-llm: unknown command "${name}"\n\n${USAGE}\n`);
    return 2;
  }
  // Flags after "--" are the command's text, not a request for help.
  const flags = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (flags.includes('--help') || flags.includes('-h')) {
    process.stdout.write(`${COMMAND_USAGE[name] ?? USAGE}\n`);
    return 0;
  }
  try {
    // Checked for every command, before any work: `serve` with a typo in it must not start.
    checkEnvironment();
    return await (
      await load()
    )(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`liter-llm ${name}: ${error.message}\nRun "liter-llm --help" for usage.\n`);
      return 2;
    }
    if (isLiterLLMError(error)) {
      process.stderr.write(`liter-llm ${name}: ${error.code}: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(`liter-llm ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

/** The settings read from the environment that can be wrong, as usage errors. */
function checkEnvironment(): void {
  try {
    resolveLogLevel(process.env);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Once a command is done, the process ends within this even if a library still holds a socket: an
 * OTLP exporter whose collector hangs keeps its request open for the SDK's 10 s export timeout,
 * after `serve` has drained and given up on the spans (src/host/shut-down-telemetry-within.ts).
 */
const LINGER_MS = 1_000;

function exitSoon(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), LINGER_MS).unref();
}

main(process.argv.slice(2)).then(exitSoon, (error: unknown) => {
  process.stderr.write(`liter-llm: ${String(error)}\n`);
  exitSoon(1);
});
