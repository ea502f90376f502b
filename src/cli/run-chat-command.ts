import { parseArgs } from 'node:util';
import { createEngine } from '../create-engine.js';
import type { ChatRequest, Message } from '../spec/chat-request.js';
import { loadCLIConfig } from './load-cli-config.js';
import { startCLITracing } from './start-cli-tracing.js';
import { parseCLIArgs, UsageError } from './parse-cli-args.js';
import { readStdin } from './read-stdin.js';
import { watchStdout } from './watch-stdout.js';

export async function runChatCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCLIArgs(() =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        model: { type: 'string', short: 'm' },
        config: { type: 'string', short: 'c' },
        stream: { type: 'boolean', default: false },
        system: { type: 'string', short: 's' },
        'max-tokens': { type: 'string' },
        temperature: { type: 'string' },
      },
    }),
  );
  if (!values.model) throw new UsageError('--model is required (e.g. --model openai/gpt-6-luna)');
  let prompt = positionals.join(' ');
  if (prompt === '' || prompt === '-') prompt = process.stdin.isTTY ? '' : await readStdin();
  if (prompt.trim() === '') throw new UsageError('a PROMPT is required (as arguments or on standard input)');

  const messages: Message[] = [];
  if (values.system) messages.push({ role: 'system', content: values.system });
  messages.push({ role: 'user', content: prompt });
  const request: ChatRequest = { model: values.model, messages };
  if (values['max-tokens'] !== undefined) request.maxTokens = parseNumber('--max-tokens', values['max-tokens'], true);
  if (values.temperature !== undefined) request.temperature = parseNumber('--temperature', values.temperature, false);

  const engine = createEngine(await loadCLIConfig(values.config));
  const stopTracing = await startCLITracing(engine);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  // `chat --stream | head`: once the reader is gone, stop the upstream call and end quietly.
  const stdout = watchStdout();
  stdout.signal.addEventListener('abort', onSignal);
  try {
    if (values.stream) {
      let endsWithNewline = true;
      for await (const event of engine.chatStream(request, { signal: controller.signal })) {
        if (event.type === 'text-delta') {
          stdout.write(event.text);
          endsWithNewline = event.text.endsWith('\n');
        }
      }
      if (!endsWithNewline) stdout.write('\n');
    } else {
      const response = await engine.chat(request, { signal: controller.signal });
      stdout.write(response.text.endsWith('\n') ? response.text : `${response.text}\n`);
      for (const call of response.toolCalls) stdout.write(`[tool call] ${call.name}(${call.arguments})\n`);
    }
    stdout.throwIfFailed();
    return 0;
  } catch (error) {
    stdout.throwIfFailed();
    if (stdout.readerGone) return 0;
    throw error;
  } finally {
    stdout.stop();
    process.off('SIGINT', onSignal);
    await engine.close();
    await stopTracing();
  }
}

function parseNumber(flag: string, text: string, integer: boolean): number {
  const value = Number(text);
  if (!Number.isFinite(value) || (integer && (!Number.isInteger(value) || value <= 0))) {
    throw new UsageError(`${flag} expects ${integer ? 'a positive integer' : 'a number'}, got "${text}"`);
  }
  return value;
}
