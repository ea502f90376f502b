/**
 * The CLI as a user runs it: the built `liter-llm` binary in a child process, against the local
 * provider servers that `liter-llm mock-provider` starts.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForListeningURL } from './cli-process.js';
import { OTLPReceiver } from './telemetry/otlp-receiver.js';

const CLI = new URL('../dist/cli/main.js', import.meta.url).pathname;
const children: ChildProcess[] = [];

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 15_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Starts `liter-llm mock-provider` and returns the URL it prints. */
async function startMock(provider: string): Promise<string> {
  const child = spawn(process.execPath, [CLI, 'mock-provider', '--provider', provider, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return waitForListeningURL(child, 'mock-provider');
}

let anthropicURL: string;
let openaiURL: string;

beforeAll(async () => {
  [anthropicURL, openaiURL] = await Promise.all([startMock('anthropic'), startMock('openai')]);
});

const directories: string[] = [];
function temporaryDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'liter-llm-cli-'));
  directories.push(directory);
  return directory;
}

afterAll(() => {
  for (const child of children) child.kill('SIGTERM');
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

describe('liter-llm CLI', () => {
  it('chat prints the reply of an Anthropic-compatible server', async () => {
    const result = await run(['chat', '--model', 'anthropic/claude-haiku-4-5', 'Hello from the CLI'], {
      ANTHROPIC_BASE_URL: anthropicURL,
      ANTHROPIC_API_KEY: 'sk-ant-cli-test-0000',
    });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe('Echo: Hello from the CLI\n');
  });

  it.each(['anthropic', 'openai', 'huggingface'])(
    'the "try:" line mock-provider prints for %s works as printed',
    async (provider) => {
      const child = spawn(process.execPath, [CLI, 'mock-provider', '--provider', provider, '--port', '0'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(child);
      const hint = await new Promise<string>((resolve) => {
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /^try: (.*)$/m.exec(output);
          if (match) resolve(match[1]!);
        });
      });
      // `VAR=value ... liter-llm chat --model M "Hello"`: the variables, then the command's arguments.
      const env = Object.fromEntries([...hint.matchAll(/(\w+)=(\S+) /g)].map((match) => [match[1]!, match[2]!]));
      const model = /--model (\S+)/.exec(hint)![1]!;
      const result = await run(['chat', '--model', model, 'Hello'], env);
      expect(result).toMatchObject({ code: 0, stdout: 'Echo: Hello\n' });
      child.kill('SIGTERM');
    },
  );

  it('chat --stream prints tokens as they arrive, with a system prompt', async () => {
    const result = await run(['chat', '--stream', '--system', 'Be brief.', '--model', 'openai/gpt-4o-mini', 'stream this'], {
      OPENAI_BASE_URL: `${openaiURL}/v1`,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Echo: stream this\n');
  });

  it('chat exports its spans when OTEL_EXPORTER_OTLP_ENDPOINT is set, and stdout stays the answer', async () => {
    const receiver = await OTLPReceiver.start();
    try {
      const result = await run(['chat', '--model', 'anthropic/claude-haiku-4-5', 'traced'], {
        ANTHROPIC_BASE_URL: anthropicURL,
        ANTHROPIC_API_KEY: 'sk-ant-cli-test-0000',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_SERVICE_NAME: 'cli-test',
      });
      expect(result).toMatchObject({ code: 0, stdout: 'Echo: traced\n' });
      const names = receiver.spans().map((span) => span.name);
      expect(names).toContain('liter_llm.request');
      expect(names).toContain('chat claude-haiku-4-5');
    } finally {
      await receiver.close();
    }
  });

  it('embed prints one vector per text as JSON', async () => {
    const result = await run(['embed', '--model', 'openai/text-embedding-3-small', 'first', 'second'], {
      OPENAI_BASE_URL: `${openaiURL}/v1`,
    });
    expect(result.code).toBe(0);
    const vectors = JSON.parse(result.stdout) as number[][];
    expect(vectors).toHaveLength(2);
    expect(vectors[0]!.length).toBeGreaterThan(0);
    expect(vectors[0]!.every((value) => typeof value === 'number')).toBe(true);
  });

  it('an unconfigured provider is one clear line and exit 1, with no stack trace', async () => {
    const result = await run(['chat', '--model', 'anthropic/claude-haiku-4-5', 'hi']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('not_found');
    expect(result.stderr).toContain('ANTHROPIC_API_KEY');
    expect(result.stderr).not.toContain('    at ');
  });

  it('an upstream that is down is one line naming the provider, and the key never appears', async () => {
    const result = await run(['chat', '--model', 'openai/gpt-4o-mini', 'hi'], {
      OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
      OPENAI_API_KEY: 'sk-secret-never-printed-123',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^liter-llm chat: provider_unavailable: .*openai/);
    expect(result.stderr).not.toContain('sk-secret-never-printed-123');
  });

  it('usage mistakes exit 2 and say what is missing', async () => {
    const result = await run(['chat', 'no model given']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--model is required');
    const unknown = await run(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
  });

  it('check-config lists every error with its path and exits 1; a good file exits 0', async () => {
    const directory = temporaryDirectory();
    const bad = join(directory, 'bad.yaml');
    writeFileSync(
      bad,
      'providers:\n  openai:\n    max_concurrency: ten\n    max_concurency: 3\nroutes:\n  chat:\n    targets: [{ provider: nope, model: m }]\n',
    );
    const result = await run(['check-config', bad]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('providers.openai.max_concurrency: expected a positive integer, got "ten"');
    expect(result.stderr).toContain('providers.openai.max_concurency');
    expect(result.stderr).toContain('did you mean max_concurrency');
    expect(result.stderr).toContain('routes.chat.targets[0].provider');
    const good = await run(['check-config', new URL('../examples/liter-llm.yaml', import.meta.url).pathname], {
      OPENAI_API_KEY: 'sk-x',
      ANTHROPIC_API_KEY: 'sk-y',
      HF_TOKEN: 'hf_z',
      LITER_LLM_KEY: 'k',
    });
    expect(good.stdout).toContain('config OK');
    expect(good.code).toBe(0);
  });

  it('a config file drives chat through a named route', async () => {
    const directory = temporaryDirectory();
    const config = join(directory, 'config.yaml');
    writeFileSync(
      config,
      `providers:\n  claude:\n    type: anthropic\n    base_url: ${anthropicURL}\n    api_key: \${ANTHROPIC_API_KEY}\nroutes:\n  assistant:\n    targets: [{ provider: claude, model: claude-haiku-4-5 }]\n`,
    );
    const result = await run(['chat', '--config', config, '--model', 'assistant', 'via a route'], {
      ANTHROPIC_API_KEY: 'sk-ant-route-0000',
    });
    expect(result).toMatchObject({ code: 0, stdout: 'Echo: via a route\n' });
  });
});
