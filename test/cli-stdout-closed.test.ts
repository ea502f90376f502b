/**
 * `liter-llm chat --stream ... | head` and `liter-llm embed ... | head`: the reader of standard output
 * leaves before the answer is written. The CLI stops quietly (no EPIPE stack trace, exit 0) and, for a
 * stream, stops the upstream call whose answer nobody reads any more.
 */
import { describe, expect, it } from 'vitest';
import { MockProviderServer } from '../src/testing/mock-provider-server.js';
import { type CLIResult, collectCLI, spawnCLI, useMockProvider } from './cli-process.js';

const mock = useMockProvider(['--provider', 'openai']);

/** Runs the CLI and closes its standard output after the first bytes arrive, as `| head -c 1` does. */
async function runWithEarlyClosedStdout(
  args: string[],
  env: Record<string, string>,
  stdin = '',
): Promise<CLIResult & { firstBytes: string }> {
  const child = spawnCLI(args, env);
  child.stdin.end(stdin);
  const firstBytes = new Promise<string>((resolve) => {
    child.stdout.once('data', (chunk: Buffer) => {
      child.stdout.destroy();
      resolve(chunk.toString());
    });
  });
  const result = await collectCLI(child);
  return { ...result, firstBytes: await firstBytes };
}

function expectQuietExit(result: CLIResult): void {
  expect(result.signal).toBeNull();
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
}

describe('a reader that leaves early', () => {
  it.each([
    [['--help']],
    [['--version']],
    [['chat', '--help']],
    [['check-config', new URL('../examples/liter-llm.yaml', import.meta.url).pathname]],
  ])('%j with standard output closed before it writes exits 0 with nothing on stderr', async (args) => {
    const child = spawnCLI(args, { OPENAI_API_KEY: 'sk-x', ANTHROPIC_API_KEY: 'sk-y', HF_TOKEN: 'hf_z', LITER_LLM_KEY: 'k' });
    child.stdin.end();
    child.stdout.destroy();
    expectQuietExit(await collectCLI(child));
  });

  it('chat --stream exits 0 with nothing on stderr', async () => {
    const words = Array.from({ length: 30_000 }, (_, index) => `w${index}`).join(' ');
    // The prompt on standard input: as one argument it would pass the kernel's limit.
    const result = await runWithEarlyClosedStdout(
      ['chat', '--stream', '--model', 'openai/gpt-6-luna'],
      { OPENAI_BASE_URL: `${mock.url}/v1` },
      words,
    );
    expect(result.firstBytes.startsWith('Echo:')).toBe(true);
    expectQuietExit(result);
  });

  it('embed exits 0 with nothing on stderr', async () => {
    const texts = Array.from({ length: 60 }, (_, index) => `text ${index}`);
    const result = await runWithEarlyClosedStdout(['embed', '--model', 'openai/text-embedding-3-small', ...texts], {
      OPENAI_BASE_URL: `${mock.url}/v1`,
    });
    expect(result.firstBytes.startsWith('[[')).toBe(true);
    expectQuietExit(result);
  });

  it('chat --stream stops the upstream call instead of reading the rest of a slow stream', async () => {
    const upstream = await MockProviderServer.start();
    try {
      const chunk = (text: string) =>
        `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta: { content: text }, finish_reason: null }] })}\n\n`;
      // 200 pieces 50 ms apart: 10 s to read to the end.
      upstream.enqueue({
        status: 200,
        headers: { 'content-type': 'text/event-stream' },
        body: [chunk('first '), ...Array.from({ length: 200 }, (_, index) => chunk(`piece${index} `)), 'data: [DONE]\n\n'],
        chunkDelayMs: 50,
      });
      const result = await runWithEarlyClosedStdout(['chat', '--stream', '--model', 'openai/gpt-6-luna', 'hi'], {
        OPENAI_BASE_URL: `${upstream.url}/v1`,
      });
      expectQuietExit(result);
      expect(result.elapsedMs).toBeLessThan(5_000);
      await upstream.waitForAborts(1, 2_000);
    } finally {
      await upstream.close();
    }
  });
});
