/**
 * `liter-llm mock-provider` as a user drives it: the failures it injects (to see retries, fallbacks
 * and stream errors offline), `--help` on every command, and a server that stops with its parent.
 */
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, runCLI, startMockProvider, stopChild } from './cli-process.js';

const started: Awaited<ReturnType<typeof startMockProvider>>[] = [];

async function mockProvider(...args: string[]): Promise<string> {
  const mock = await startMockProvider(args);
  started.push(mock);
  return mock.url;
}

/** Kills what a test started outside `started` (launchers, and servers they started), pass or fail. */
const cleanups: (() => void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await Promise.all(started.splice(0).map((mock) => stopChild(mock.child)));
});

/** One well-formed call in each provider's wire format. */
function callProvider(provider: string, url: string, body: Record<string, unknown> = {}): Promise<Response> {
  const messages = [{ role: 'user', content: 'hi' }];
  if (provider === 'anthropic') {
    return fetch(`${url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-local' },
      body: JSON.stringify({ model: 'claude-haiku-5-5', max_tokens: 16, messages, ...body }),
    });
  }
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm', messages, ...body }),
  });
}

describe('every command answers --help', () => {
  it.each(['serve', 'chat', 'embed', 'check-config', 'mock-provider'])(
    '%s --help and -h print its usage and exit 0',
    async (name) => {
      for (const flag of ['--help', '-h']) {
        const result = await runCLI([name, flag], { timeoutMs: 5_000 });
        expect(result).toMatchObject({ code: 0, stderr: '' });
        expect(result.stdout.startsWith(`Usage: liter-llm ${name}`)).toBe(true);
      }
    },
  );

  it('mock-provider --help lists every failure flag', async () => {
    const { stdout } = await runCLI(['mock-provider', '--help']);
    for (const flag of ['--fail-rate', '--status', '--retry-after', '--latency-ms', '--fail-mid-stream'])
      expect(stdout).toContain(flag);
  });
});

describe('mock-provider failures', () => {
  it.each([
    ['openai', { error: { type: 'requests', code: 'rate_limit_exceeded', param: null } }],
    ['anthropic', { type: 'error', error: { type: 'rate_limit_error' } }],
    ['huggingface', { error_type: 'overloaded' }],
  ])('--status 429 --retry-after 7 answers %s-shaped 429s with retry-after', async (provider, shape) => {
    const url = await mockProvider('--provider', provider, '--status', '429', '--retry-after', '7');
    for (let call = 0; call < 2; call++) {
      const response = await callProvider(provider, url);
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('7');
      expect(await response.json()).toMatchObject(shape);
    }
  });

  it('--fail-rate spreads failures evenly from the first call', async () => {
    const url = await mockProvider('--provider', 'openai', '--fail-rate', '0.3');
    const statuses: number[] = [];
    for (let call = 0; call < 10; call++) statuses.push((await callProvider('openai', url)).status);
    expect(statuses.filter((status) => status === 500)).toHaveLength(3);
    expect(statuses[0]).toBe(500);
    expect(statuses.filter((status) => status === 200)).toHaveLength(7);
  });

  it('--fail-rate 0.5 shows a retry: the CLI call that meets a failure still answers', async () => {
    const url = await mockProvider('--provider', 'anthropic', '--fail-rate', '0.5', '--status', '529');
    const result = await runCLI(['chat', '--model', 'anthropic/claude-haiku-5-5', 'retried'], {
      env: { ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: 'sk-ant-local' },
    });
    expect(result).toMatchObject({ code: 0, stdout: 'Echo: retried\n' });
  });

  it('--latency-ms delays every answer', async () => {
    const url = await mockProvider('--provider', 'openai', '--latency-ms', '400');
    const startedAt = performance.now();
    const response = await callProvider('openai', url);
    expect(response.status).toBe(200);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(390);
  });

  it.each([
    ['openai', 'disconnect', /openai: the upstream closed the connection mid-stream/],
    ['anthropic', 'error', /anthropic failed mid-stream: .*injected stream error/],
    ['huggingface', 'error', /huggingface reported an error mid-stream: .*injected stream error/],
  ])('--fail-mid-stream breaks a %s stream after some chunks (%s)', async (provider, mode, message) => {
    const url = await mockProvider('--provider', provider, `--fail-mid-stream=${mode}`);
    const env = { OPENAI_BASE_URL: `${url}/v1`, ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: 'sk-ant-local', HF_BASE_URL: url };
    const result = await runCLI(['chat', '--stream', '--model', `${provider}/m`, 'one two three four five six'], { env });
    expect(result.code).toBe(1);
    expect(result.stdout.startsWith('Echo: one')).toBe(true);
    expect(result.stdout).not.toContain('six');
    expect(result.stderr).toMatch(message);
    // A call without stream: true is not a stream: it fails with the status instead.
    expect((await callProvider(provider, url)).status).toBe(500);
  });

  it('a bare --fail-mid-stream breaks the connection', async () => {
    const url = await mockProvider('--provider', 'openai', '--fail-mid-stream');
    const response = await callProvider('openai', url, { stream: true });
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });

  it.each([
    [['--fail-rate', '2'], '--fail-rate expects a fraction from 0 to 1, got "2"'],
    [['--status', '200'], '--status expects an HTTP error status from 400 to 599, got "200"'],
    [['--retry-after', 'soon'], '--retry-after expects whole seconds (0 or more), got "soon"'],
    [['--latency-ms=-5'], '--latency-ms expects milliseconds (0 or more), got "-5"'],
    [['--fail-mid-stream=sideways'], '--fail-mid-stream expects disconnect or error, got "sideways"'],
  ])('%j is a usage error naming the flag', async (flags, message) => {
    const result = await runCLI(['mock-provider', '--provider', 'openai', '--port', '0', ...flags], { timeoutMs: 5_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});

describe('a mock-provider whose parent is gone', () => {
  const server = `"${process.execPath}" "${CLI}" mock-provider --provider openai --port 0`;
  it.each([
    // A shell that started it in the background, then is killed alone.
    ['its parent', 'sh', ['-c', `${server} & wait`]],
    // What npx does: a process that runs it through `sh -c` and does not pass its signal on; the
    // shell in between stays, waiting for the server.
    [
      'the process above its parent (npx)',
      process.execPath,
      [
        '-e',
        `require('node:child_process').spawn('sh', ['-c', ${JSON.stringify(server)}], { stdio: 'inherit' }); setInterval(() => {}, 60_000);`,
      ],
    ],
  ])('stops and frees its port when %s is killed', async (_name, command, args) => {
    const launcher = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    cleanups.push(() => launcher.kill('SIGKILL'));
    const port = await new Promise<number>((resolve, reject) => {
      let output = '';
      launcher.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on http:\/\/127\.0\.0\.1:(\d+) \(pid (\d+)/.exec(output);
        if (!match) return;
        const pid = Number(match[2]);
        cleanups.push(() => isAlive(pid) && process.kill(pid, 'SIGKILL'));
        resolve(Number(match[1]));
      });
      setTimeout(() => reject(new Error(`no "listening on ... (pid N)" line in: ${output}`)), 5_000);
    });
    launcher.kill('SIGKILL');
    const deadline = Date.now() + 3_000;
    while (Date.now() < deadline && (await isListening(port))) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await isListening(port)).toBe(false);
  });

  it('says which failures it injects, and nothing about failures without failure flags', async () => {
    const plain = await startMockProvider(['--provider', 'openai']);
    const failing = await startMockProvider(['--provider', 'openai', '--status', '503', '--retry-after', '2']);
    started.push(plain, failing);
    expect(plain.banner).not.toContain('failures:');
    expect(failing.banner).toContain('failures: 100% of calls fail, with status 503, retry-after 2 s');
  });
});

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
