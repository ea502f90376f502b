import { describe, expect, it } from 'vitest';
import { isLiterLLMError } from '../spec/errors.js';
import { createEnvironmentConfigSource } from './create-environment-config-source.js';

describe('createEnvironmentConfigSource', () => {
  it('configures one provider per key set in the environment, and reports no change', async () => {
    const source = createEnvironmentConfigSource({
      ANTHROPIC_API_KEY: 'sk-ant-test',
      OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1',
    });
    const { config, warnings } = await source.load();
    expect(Object.keys(config.providers).sort()).toEqual(['anthropic', 'openai']);
    expect(config.providers['anthropic']?.apiKey).toBe('sk-ant-test');
    expect(config.providers['openai']?.baseURL).toBe('http://127.0.0.1:11434/v1');
    expect(warnings).toEqual([]);
    const calls: string[] = [];
    source.watch({ onChange: () => calls.push('change'), onError: () => calls.push('error') });
    source.close();
    expect(calls).toEqual([]);
  });

  it('refuses a wrong variable with an InvalidRequestError naming it', async () => {
    const error: unknown = await createEnvironmentConfigSource({ OPENAI_BASE_URL: 'not a url' })
      .load()
      .catch((caught: unknown) => caught);
    expect(isLiterLLMError(error) && error.code).toBe('invalid_request');
    expect((error as Error).message).toContain('OPENAI_BASE_URL');
  });
});
