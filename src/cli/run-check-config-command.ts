import { parseArgs } from 'node:util';
import { checkConfigCommand } from '../engine/config/index.js';
import { parseCLIArgs, UsageError } from './parse-cli-args.js';

export async function runCheckConfigCommand(args: string[]): Promise<number> {
  const { positionals } = parseCLIArgs(() => parseArgs({ args, allowPositionals: true, strict: true, options: {} }));
  const [path] = positionals;
  if (path === undefined || positionals.length > 1) throw new UsageError('expects exactly one FILE');
  const { exitCode, output } = await checkConfigCommand(path, process.env);
  (exitCode === 0 ? process.stdout : process.stderr).write(output.endsWith('\n') ? output : `${output}\n`);
  return exitCode;
}
