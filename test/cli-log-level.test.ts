/**
 * An invalid LITER_LLM_LOG_LEVEL is a usage error for every command (so `serve` refuses to start)
 * instead of being ignored.
 */
import { describe, expect, it } from 'vitest';
import { runCLI, useMockProvider } from './cli-process.js';

const mock = useMockProvider(['--provider', 'openai']);
const env = (): Record<string, string> => ({ OPENAI_BASE_URL: `${mock.url}/v1` });

describe('an invalid LITER_LLM_LOG_LEVEL', () => {
  it.each([
    ['chat', ['chat', '--model', 'openai/gpt-6-luna', 'hi']],
    ['embed', ['embed', '--model', 'openai/text-embedding-3-small', 'hi']],
    ['serve', ['serve', '--port', '0']],
  ])('is a usage error for %s, listing the valid levels', async (_name, args) => {
    const result = await runCLI(args, { env: { ...env(), LITER_LLM_LOG_LEVEL: 'verbose' }, timeoutMs: 5_000 });
    expect(result.signal).toBeNull();
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      'LITER_LLM_LOG_LEVEL is "verbose"; expected one of fatal, error, warn, info, debug, trace, silent',
    );
    expect(result.stderr).not.toContain('    at ');
  });

  it('a valid one is accepted', async () => {
    const result = await runCLI(['chat', '--model', 'openai/gpt-6-luna', 'hi'], {
      env: { ...env(), LITER_LLM_LOG_LEVEL: 'WARN' },
    });
    expect(result).toMatchObject({ code: 0, stdout: 'Echo: hi\n' });
  });
});
