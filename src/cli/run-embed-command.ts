import { parseArgs } from 'node:util';
import { createEngine } from '../create-engine.js';
import { loadCLIConfig } from './load-cli-config.js';
import { startCLITracing } from './start-cli-tracing.js';
import { parseCLIArgs, UsageError } from './parse-cli-args.js';
import { readStdin } from './read-stdin.js';
import { watchStdout } from './watch-stdout.js';

export async function runEmbedCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCLIArgs(() =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        model: { type: 'string', short: 'm' },
        config: { type: 'string', short: 'c' },
        dimensions: { type: 'string' },
      },
    }),
  );
  if (!values.model) throw new UsageError('--model is required (e.g. --model openai/text-embedding-3-small)');
  let input = positionals;
  if (input.length === 0 || (input.length === 1 && input[0] === '-')) {
    // Like chat's prompt: piped text is one TEXT, without the newline that ends the last line.
    const text = process.stdin.isTTY ? '' : (await readStdin()).replace(/\r?\n$/, '');
    input = text.trim() === '' ? [] : [text];
  }
  if (input.length === 0) throw new UsageError('a TEXT is required (as arguments or on standard input)');
  const dimensions = values.dimensions === undefined ? undefined : Number(values.dimensions);
  if (dimensions !== undefined && (!Number.isInteger(dimensions) || dimensions <= 0)) {
    throw new UsageError(`--dimensions expects a positive integer, got "${values.dimensions}"`);
  }
  const engine = createEngine(await loadCLIConfig(values.config));
  const stopTracing = await startCLITracing(engine);
  // `embed | head`: a reader that leaves early ends the command quietly (see watchStdout).
  const stdout = watchStdout();
  try {
    const response = await engine.embed({
      model: values.model,
      input,
      ...(dimensions !== undefined && { dimensions }),
    });
    stdout.write(`${JSON.stringify(response.embeddings)}\n`);
    stdout.throwIfFailed();
    return 0;
  } catch (error) {
    stdout.throwIfFailed();
    if (stdout.readerGone) return 0;
    throw error;
  } finally {
    stdout.stop();
    await engine.close();
    await stopTracing();
  }
}
