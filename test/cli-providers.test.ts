/**
 * `liter-llm providers` as a user runs it: the built binary in a child process, with a clean
 * environment plus the variables each test sets.
 */
import { describe, expect, it } from 'vitest';
import { runCLI } from './cli-process.js';

describe('liter-llm providers', () => {
  it('--json lists every provider with its defaults; a set key enables it and is never printed', async () => {
    const result = await runCLI(['providers', '--json'], { env: { OPENAI_API_KEY: 'sk-never-printed-4242' } });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('sk-never-printed-4242');
    const listings = JSON.parse(result.stdout) as {
      name: string;
      type: string;
      baseURL?: string;
      keyVariable?: string;
      enabled: boolean;
    }[];
    expect(
      listings.map(({ name, type, baseURL, keyVariable, enabled }) => ({ name, type, baseURL, keyVariable, enabled })),
    ).toEqual([
      { name: 'openai', type: 'openai', baseURL: 'https://api.openai.com/v1', keyVariable: 'OPENAI_API_KEY', enabled: true },
      {
        name: 'anthropic',
        type: 'anthropic',
        baseURL: 'https://api.anthropic.com',
        keyVariable: 'ANTHROPIC_API_KEY',
        enabled: false,
      },
      {
        name: 'huggingface',
        type: 'huggingface',
        baseURL: 'https://router.huggingface.co',
        keyVariable: 'HF_TOKEN',
        enabled: false,
      },
      { name: 'openai-compatible', type: 'openai-compatible', baseURL: undefined, keyVariable: undefined, enabled: false },
    ]);
    expect(listings[0]).toHaveProperty('capabilities', {
      chat: true,
      stream: true,
      embed: true,
      tools: true,
      images: true,
      reasoning: true,
    });
  });

  it('prints a table by default and refuses arguments as a usage error', async () => {
    const table = await runCLI(['providers'], { env: { HF_TOKEN: 'hf_never_printed' } });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^NAME +TYPE +BASE URL +KEY VARIABLE +CAPABILITIES +ENABLED\n/);
    expect(table.stdout).toMatch(/\nhuggingface +huggingface +https:\/\/router\.huggingface\.co +HF_TOKEN +\S+ +yes\n/);
    expect(table.stdout).not.toContain('hf_never_printed');
    const extra = await runCLI(['providers', 'groq']);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain('takes no arguments (got "groq")');
  });
});
