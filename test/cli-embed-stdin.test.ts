/** `liter-llm embed` takes its text from standard input when no TEXT is given, as `chat` does. */
import { describe, expect, it } from 'vitest';
import { runCLI, useMockProvider } from './cli-process.js';

const mock = useMockProvider(['--provider', 'openai']);
const env = (): Record<string, string> => ({ OPENAI_BASE_URL: `${mock.url}/v1` });

describe('embed reads standard input', () => {
  it('embeds the text on stdin, as the same text given as an argument', async () => {
    const fromStdin = await runCLI(['embed', '--model', 'openai/text-embedding-3-small'], {
      env: env(),
      stdin: 'a text from a pipe\n',
    });
    const fromArgument = await runCLI(['embed', '--model', 'openai/text-embedding-3-small', 'a text from a pipe'], {
      env: env(),
    });
    expect(fromStdin).toMatchObject({ code: 0, stderr: '' });
    const vectors = JSON.parse(fromStdin.stdout) as number[][];
    expect(vectors).toHaveLength(1);
    expect(vectors).toEqual(JSON.parse(fromArgument.stdout));
  });

  it('"-" means standard input too; empty input is a usage error', async () => {
    const dash = await runCLI(['embed', '--model', 'openai/text-embedding-3-small', '-'], { env: env(), stdin: 'dash' });
    expect(dash.code).toBe(0);
    expect(JSON.parse(dash.stdout)).toHaveLength(1);
    const empty = await runCLI(['embed', '--model', 'openai/text-embedding-3-small'], { env: env(), stdin: '\n' });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('a TEXT is required (as arguments or on standard input)');
  });
});
