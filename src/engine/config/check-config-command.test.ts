import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { checkConfigCommand } from './check-config-command.js';
import { formatConfigIssues } from './format-config-issues.js';
import { loadConfigFile } from './load-config-file.js';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'liter-llm-check-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('checkConfigCommand', () => {
  test('a valid config: counts, exit 0, and the warnings', async () => {
    const file = join(directory, 'ok.yaml');
    await writeFile(
      file,
      [
        'providers:',
        '  openai: { api_key: "${OPENAI_API_KEY}" }',
        '  anthropic: {}',
        'routes:',
        '  chat: { targets: [ { provider: openai, model: gpt-4o-mini } ] }',
      ].join('\n'),
    );
    expect(await checkConfigCommand(file, { OPENAI_API_KEY: 'sk-x' })).toEqual({
      exitCode: 0,
      output: 'config OK: 2 providers, 1 route\n',
    });
    expect(await checkConfigCommand(file, {})).toEqual({
      exitCode: 0,
      output:
        'config OK: 2 providers, 1 route\n' +
        'warning: providers.openai.api_key: environment variable OPENAI_API_KEY is not set; the provider is called without an API key (line 2)\n',
    });
  });

  test('an invalid config: a count, then every error on its own line, exit 1', async () => {
    const file = join(directory, 'bad.yaml');
    await writeFile(
      file,
      'providers:\n  openai:\n    max_concurrency: ten\nroutes:\n  chat: { targets: [ { provider: opnai, model: m } ] }\n',
    );
    expect(await checkConfigCommand(file, {})).toEqual({
      exitCode: 1,
      output:
        `${file}: 2 errors\n` +
        'providers.openai.max_concurrency: expected a positive integer, got "ten" (line 3)\n' +
        'routes.chat.targets[0].provider: unknown provider "opnai" (did you mean openai?) (line 5)\n',
    });
  });

  test('a YAML syntax error', async () => {
    const file = join(directory, 'syntax.yaml');
    await writeFile(file, 'providers:\n  openai: [\n');
    const { exitCode, output } = await checkConfigCommand(file, {});
    expect(exitCode).toBe(1);
    expect(output).toMatch(new RegExp(`^${file}: 1 error\\nYAML syntax error in ${file} at line \\d+, column \\d+: .+\\n$`));
  });

  test('server.api_keys left with no key is an error, as serve and a reload see it', async () => {
    const file = join(directory, 'keys.yaml');
    await writeFile(file, 'server:\n  api_keys: [ ${LITER_LLM_KEY} ]\n');
    expect(await checkConfigCommand(file, {})).toEqual({
      exitCode: 1,
      output:
        `${file}: 1 error\n` +
        'server.api_keys: ${LITER_LLM_KEY} is not set, so the gateway would accept every caller; set it, or delete server.api_keys to run without authentication (line 2)\n' +
        'warning: server.api_keys[0]: environment variable LITER_LLM_KEY is not set; this entry is dropped (line 2)\n',
    });
    expect((await checkConfigCommand(file, { LITER_LLM_KEY: 'gateway-key' })).exitCode).toBe(0);
  });

  test('a missing file or a directory gives the reason, never a stack trace', async () => {
    const missing = join(directory, 'nope.yaml');
    expect(await checkConfigCommand(missing, {})).toEqual({
      exitCode: 1,
      output: `${missing}: 1 error\ncannot read config file ${missing}: no such file\n`,
    });
    expect(await loadConfigFile(directory)).toEqual({
      ok: false,
      errors: [{ path: '', message: `cannot read config file ${directory}: it is a directory` }],
      warnings: [],
    });
  });
});

describe('formatConfigIssues', () => {
  test('one line per issue; the line number only when known; no path for whole-file issues', () => {
    expect(
      formatConfigIssues([
        { path: 'server.port', message: 'expected a port number from 0 to 65535, got 70000', line: 12, column: 3 },
        { path: 'limits.redis_url', message: 'is required when store is "redis"' },
        { path: '', message: 'cannot read config file x.yaml: no such file' },
      ]),
    ).toBe(
      'server.port: expected a port number from 0 to 65535, got 70000 (line 12)\n' +
        'limits.redis_url: is required when store is "redis"\n' +
        'cannot read config file x.yaml: no such file',
    );
    expect(formatConfigIssues([])).toBe('');
  });
});
